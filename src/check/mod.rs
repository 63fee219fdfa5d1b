//! `treaty check`: the model's rules, kept as data. Each rule is a SPARQL SELECT in
//! `data/rules/*.rq` (compiled into the binary) or in a folder the user names, with a header
//! saying what it checks and how to fix a violation; every row it returns is a violation
//! (`?entity`, and optionally `?detail`). Users add rules by writing more files.

use std::path::Path;

use oxigraph::model::Term;

use crate::error::{Error, Result};
use crate::results::Answer;
use crate::store::{Backend, Error as StoreError};
use crate::vocab;

include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The file name without `.rq`.
    pub name: String,
    /// What the rule requires (the `# rule:` line).
    pub description: String,
    /// How to fix a violation (the `# fix:` line).
    pub fix: String,
    /// The SPARQL SELECT; each row is a violation.
    pub query: String,
}

/// A rule broken by an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: String,
    /// The entity, as a prefixed name where one fits.
    pub entity: String,
    /// What exactly is wrong, when the rule says.
    pub detail: String,
    pub fix: String,
}

impl Rule {
    /// Reads a rule from its text; `name` is used in messages.
    pub fn parse(name: &str, text: &str) -> Result<Self> {
        let header = |key: &str| {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix('#'))
                .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_owned()))
        };
        let missing = |what: &str| Error::Syntax {
            file: name.to_owned(),
            line: Some(1),
            column: Some(1),
            message: format!("a rule starts with a `# {what}` line"),
        };
        Ok(Rule {
            name: name.trim_end_matches(".rq").to_owned(),
            description: header("rule:").ok_or_else(|| missing("rule: what it requires"))?,
            fix: header("fix:").ok_or_else(|| missing("fix: how to mend a violation"))?,
            query: text.to_owned(),
        })
    }
}

/// The rules that ship with the binary.
pub(crate) fn bundled_rules() -> Vec<Rule> {
    BUNDLED_RULES
        .iter()
        .map(|(name, text)| Rule::parse(name, text).expect("bundled rules have headers"))
        .collect()
}

/// The `.rq` files of a folder, in name order.
pub(crate) fn rules_in(dir: &Path) -> Result<Vec<Rule>> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            Rule::parse(&path.display().to_string(), &text)
        })
        .collect()
}

/// What `treaty check` looks at.
pub enum Subject<'a> {
    /// The data a backend holds.
    Store(&'a dyn Backend),
    /// Data files not loaded yet (`-` for standard input), in `format` when their names do
    /// not tell it.
    Files {
        files: &'a [String],
        format: Option<&'a str>,
    },
}

/// A finished check: the violations found and how many rules ran. `Display` is the one line
/// that sums it up ("no violations of 21 rules", "3 violations of 2 rules").
#[derive(Debug)]
pub struct Checked {
    pub violations: Vec<Violation>,
    pub rules: usize,
}

impl Checked {
    /// True when no rule is broken.
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations as a table answer (rule, entity, detail, fix), for any output format.
    pub fn to_answer(&self) -> Answer {
        to_answer(&self.violations)
    }
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&summary(&self.violations, self.rules))
    }
}

/// `treaty check`: the bundled rules and the `.rq` files in `rules_dir` against `subject`.
pub fn run(
    subject: Subject<'_>,
    rules_dir: Option<&Path>,
    progress: &dyn crate::load::Progress,
) -> Result<Checked> {
    let mut rules = bundled_rules();
    if let Some(dir) = rules_dir {
        rules.extend(rules_in(dir)?);
    }
    let violations = match subject {
        Subject::Store(backend) => check(backend, &rules)?,
        Subject::Files { files, format } => {
            let options = crate::load::Options::from_names(format, None)?;
            check_files(&crate::load::inputs(files), &options, &rules, progress)?
        }
    };
    Ok(Checked {
        violations,
        rules: rules.len(),
    })
}

/// Checks data files before they are loaded: reads them into a throw-away in-memory store
/// seeded with the bundled data (so the rules see the files joined to it, as they would be
/// after `treaty load`) and runs `rules` there. Needs no store of the user's, so it works
/// while one is in use.
pub(crate) fn check_files(
    inputs: &[crate::load::Input],
    options: &crate::load::Options,
    rules: &[Rule],
    progress: &dyn crate::load::Progress,
) -> Result<Vec<Violation>> {
    let scratch = crate::store::Store::open(&crate::store::Location::Memory, false)?;
    crate::load::load(&scratch, inputs, options, progress)?;
    check(&scratch, rules)
}

/// Runs every rule against `backend`; violations in rule order, then entity order.
pub fn check(backend: &dyn Backend, rules: &[Rule]) -> Result<Vec<Violation>> {
    let mut violations = Vec::new();
    for rule in rules {
        let answer = backend.query(&rule.query).map_err(|e| match e {
            StoreError::QuerySyntax { message, .. } => Error::Syntax {
                file: format!("rule {}", rule.name),
                line: None,
                column: None,
                message,
            },
            other => other.into(),
        })?;
        let Answer::Table(table) = answer else {
            return Err(Error::Unsupported(format!(
                "rule {} must be a SELECT query returning ?entity",
                rule.name
            )));
        };
        let mut found: Vec<Violation> = (0..table.rows.len())
            .map(|row| Violation {
                rule: rule.name.clone(),
                entity: table.get(row, "entity").map(show).unwrap_or_default(),
                detail: table.get(row, "detail").map(show).unwrap_or_default(),
                fix: rule.fix.clone(),
            })
            .collect();
        found.sort_by(|a, b| (&a.entity, &a.detail).cmp(&(&b.entity, &b.detail)));
        found.dedup();
        violations.extend(found);
    }
    Ok(violations)
}

fn show(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => vocab::compact(n.as_str()).unwrap_or_else(|| n.as_str().to_owned()),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// One line that sums up a check of `rules` rules: "no violations of 21 rules", "3 violations
/// of 2 rules".
fn summary(violations: &[Violation], rules: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if violations.is_empty() {
        return format!("no violations of {}", plural(rules, "rule"));
    }
    let broken: std::collections::BTreeSet<&str> =
        violations.iter().map(|v| v.rule.as_str()).collect();
    format!(
        "{} of {}",
        plural(violations.len(), "violation"),
        plural(broken.len(), "rule")
    )
}

fn to_answer(violations: &[Violation]) -> Answer {
    use oxigraph::model::Literal;
    let text = |s: &str| Some(Term::from(Literal::new_simple_literal(s)));
    Answer::Table(crate::results::Table {
        columns: ["rule", "entity", "detail", "fix"]
            .map(String::from)
            .to_vec(),
        rows: violations
            .iter()
            .map(|v| {
                vec![
                    text(&v.rule),
                    text(&v.entity),
                    text(&v.detail),
                    text(&v.fix),
                ]
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Location, Store};

    #[test]
    fn the_bundled_data_breaks_no_bundled_rule() {
        let store = Store::open(&Location::Memory, false).unwrap();
        let rules = bundled_rules();
        assert!(rules.len() >= 10);
        let violations = check(&store, &rules).unwrap();
        assert!(violations.is_empty(), "{violations:#?}");
    }

    #[test]
    fn a_rule_needs_its_headers() {
        let err = Rule::parse("mine.rq", "SELECT ?entity WHERE {}").unwrap_err();
        assert!(err.to_string().contains("# rule:"), "{err}");
        let rule = Rule::parse("mine.rq", "# rule: x\n# fix: y\nSELECT ?entity WHERE {}").unwrap();
        assert_eq!((rule.name.as_str(), rule.fix.as_str()), ("mine", "y"));
    }
}
