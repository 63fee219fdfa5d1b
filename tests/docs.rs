//! docs/data.md's coverage tables are generated, not typed: each marked section must equal what
//! its command prints on the bundled data today.

mod common;

use common::{stdout, treaty};

fn section<'a>(doc: &'a str, name: &str) -> &'a str {
    let start = format!("<!-- {name} -->\n");
    let end = format!("<!-- /{name} -->");
    let from = doc
        .find(&start)
        .unwrap_or_else(|| panic!("no {name} section"))
        + start.len();
    let to = doc[from..].find(&end).unwrap() + from;
    &doc[from..to]
}

#[test]
fn coverage_tables_in_docs_data_are_current() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data.md")).unwrap();
    let cases: [(&str, Vec<&str>); 6] = [
        (
            "regions",
            vec![
                "--memory",
                "query",
                "--format",
                "md",
                "settlements by region show region, count(*) as settlements order by settlements desc",
            ],
        ),
        (
            "century-regions",
            vec![
                "--memory",
                "query",
                "--format",
                "md",
                "settlements by century(signed), region show century(signed) as century, region, count(*) as settlements",
            ],
        ),
        ("stats", vec!["--memory", "stats", "--format", "md"]),
        (
            "peace-endings",
            vec![
                "--memory",
                "query",
                "--format",
                "md",
                "settlements by peace_ending show peace_ending, count(*) as settlements order by settlements desc",
            ],
        ),
        (
            "centuries",
            vec![
                "--memory",
                "query",
                "--format",
                "md",
                "settlements by century(signed) show century(signed) as century, count(*) as settlements",
            ],
        ),
        (
            "mechanisms",
            vec![
                "--memory",
                "query",
                "--format",
                "md",
                "guarantees by mechanism show mechanism, count(*) as guarantees order by guarantees desc",
            ],
        ),
    ];
    for (name, args) in cases {
        let generated = stdout(treaty().args(&args));
        assert_eq!(
            section(&doc, name),
            generated,
            "docs/data.md section `{name}` is out of date; regenerate it with: treaty {}",
            args.join(" ")
        );
    }
}

/// docs/data-authoring.md's template is a record a user copies: it must pass every data rule
/// together with the bundled data, and use only properties the ontology defines.
#[test]
fn the_data_authoring_template_passes_the_checks() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/data-authoring.md"
    ))
    .unwrap();
    let from = doc.find("```turtle\n").expect("a Turtle block") + "```turtle\n".len();
    let to = doc[from..].find("```").unwrap() + from;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.ttl");
    std::fs::write(&file, &doc[from..to]).unwrap();
    let out = treaty()
        .args(["check", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains("no violations of"), "{stderr}");
    // Every tr: property it uses is one the ontology declares.
    let ontology = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/bundled/ontology.ttl"
    ))
    .unwrap();
    let code: String = doc[from..to]
        .lines()
        .map(|line| line.split(" #").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    for word in code.split_whitespace() {
        if let Some(local) = word.strip_prefix("tr:")
            && local.starts_with(|c: char| c.is_lowercase())
        {
            assert!(
                ontology.contains(&format!("\ntr:{local} a ")),
                "tr:{local} is not in the ontology"
            );
        }
    }
}
