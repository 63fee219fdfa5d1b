//! Completion on a line starting with `.`: the shell's commands, then their arguments (entity
//! sets, formats, `on`/`off`, file paths).

use super::*;

/// Completes a meta command line (`before` ends at the cursor; the `.` is at `indent`).
pub(super) fn complete_meta(before: &str, indent: usize, known: &Known) -> Completion {
    let line = &before[indent..];
    let Some(space) = line.find(char::is_whitespace) else {
        // The command itself.
        return Completion {
            start: indent,
            candidates: meta::COMMANDS
                .iter()
                .filter(|c| starts_with_ignore_case(c.name, line))
                .map(|c| Candidate {
                    display: c.name.to_owned(),
                    replacement: if c.usage.is_empty() {
                        c.name.to_owned()
                    } else {
                        format!("{} ", c.name)
                    },
                })
                .collect(),
        };
    };
    let command = line[..space].to_lowercase();
    let args_at = indent + space + (line[space..].len() - line[space..].trim_start().len());
    let args = &before[args_at..];
    if command == ".explain" {
        return complete_tql(args, args_at, known);
    }
    // The argument being typed starts after the last space.
    let word_at = args.rfind(char::is_whitespace).map_or(0, |i| {
        i + args[i..].chars().next().map_or(1, char::len_utf8)
    });
    let first = !args[..word_at].contains(|c: char| !c.is_whitespace());
    let word = &args[word_at..];
    let start = args_at + word_at;
    let words = |options: Vec<String>| Completion {
        start,
        candidates: options
            .into_iter()
            .filter(|o| starts_with_ignore_case(o, word))
            .map(|o| Candidate {
                display: o.clone(),
                replacement: o,
            })
            .collect(),
    };
    match command.as_str() {
        ".schema" if first => {
            let mut sets = known.schema.nouns();
            sets.extend(known.lets.iter().map(|(n, _)| n.clone()));
            words(sets)
        }
        ".mode" if first => words(Format::NAMES.iter().map(|s| s.to_string()).collect()),
        ".sparql" | ".timer" if first => words(vec!["on".into(), "off".into()]),
        ".rows" if first => words(vec!["all".into()]),
        ".set" | ".unset" if first => words(known.params.to_vec()),
        ".help" if first => words(
            meta::COMMANDS
                .iter()
                .map(|c| c.name.trim_start_matches('.').to_owned())
                .collect(),
        ),
        ".load" | ".output" => Completion {
            start,
            candidates: paths(word, |_| true),
        },
        ".read" if first => Completion {
            start,
            candidates: paths(word, |name| name.ends_with(".tq")),
        },
        _ => Completion {
            start,
            candidates: Vec::new(),
        },
    }
}

/// Files and directories whose path starts with `partial`; files must pass `keep`. A leading
/// `~/` stands for the home directory.
pub(super) fn paths(partial: &str, keep: impl Fn(&str) -> bool) -> Vec<Candidate> {
    let (dir_part, prefix) = match partial.rfind('/') {
        Some(i) => partial.split_at(i + 1),
        None => ("", partial),
    };
    let dir = if dir_part.is_empty() {
        Path::new(".").to_path_buf()
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        match std::env::var_os("HOME") {
            Some(home) => Path::new(&home).join(rest),
            None => return Vec::new(),
        }
    } else {
        Path::new(dir_part).to_path_buf()
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Candidate> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = entry.path().is_dir();
            if !is_dir && !keep(&name) {
                return None;
            }
            let slash = if is_dir { "/" } else { "" };
            Some(Candidate {
                display: format!("{name}{slash}"),
                replacement: format!("{dir_part}{name}{slash}"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.replacement.cmp(&b.replacement));
    out
}
