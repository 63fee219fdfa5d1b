//! Actor names in free text (PA-X's signatories and third parties, UCDP's third parties): every
//! English name and other name of the store's actors and every state-list name, found at once
//! (Aho-Corasick, longest first, whole words), and the roles the text gives them by the
//! headings it uses ("Guarantors:", "Witnessed by", "In the presence of"), line by line (a
//! semicolon ends a line too).

use aho_corasick::{AhoCorasick, MatchKind};

use super::Lookup;
use crate::import::states;

/// The names to look for, compiled once per import.
pub struct Recogniser {
    finder: AhoCorasick,
    names: Vec<String>,
}

/// One name found in a text, with the line it is on (0 for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub line: usize,
    pub name: &'a str,
}

impl Recogniser {
    /// Every name of `lookup`'s actors and of the state lists, but short ones (under four
    /// letters) only when written in capitals (USA, UN), which are matched exactly.
    pub fn new(lookup: &Lookup) -> Self {
        let mut names: Vec<String> = lookup.spellings().map(str::to_owned).collect();
        for state in states::lists().states() {
            for name in std::iter::once(&state.name).chain(&state.other_name) {
                names.push(name.clone());
                if let Some((short, _)) = name.split_once(" (") {
                    names.push(short.trim().to_owned());
                }
            }
        }
        names.retain(|n| n.chars().count() >= 4 || is_acronym(n));
        names.sort();
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let finder = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("names make an automaton");
        Recogniser { finder, names }
    }

    /// The names in `text`, whole words only, each once, in the order they first appear.
    pub fn find<'s>(&'s self, text: &str) -> Vec<Found<'s>> {
        let mut out: Vec<Found<'s>> = Vec::new();
        for m in self.finder.find_iter(text) {
            let name = &self.names[m.pattern().as_usize()];
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            if is_acronym(name) && &text[m.start()..m.end()] != name {
                continue;
            }
            if out.iter().all(|f| !f.name.eq_ignore_ascii_case(name)) {
                let line = text[..m.start()].matches(['\n', ';']).count();
                out.push(Found { line, name });
            }
        }
        out
    }
}

/// Short names in capitals (UN, USA, OSCE) are acronyms, found only as written.
fn is_acronym(name: &str) -> bool {
    name.len() <= 5 && name.chars().all(|c| c.is_ascii_uppercase())
}

/// For each line of `text` (a semicolon also ends one), the role in force there: the last of
/// `roles` (a word, lower case, and its value) named on that line or one before it.
pub fn roles_by_line<'r, T>(text: &str, roles: &'r [(String, T)]) -> Vec<Option<&'r T>> {
    let mut current = None;
    text.split(['\n', ';'])
        .map(|line| {
            let lower = line.to_lowercase();
            if let Some((_, role)) = roles
                .iter()
                .filter_map(|(word, role)| lower.rfind(word.as_str()).map(|at| (at, role)))
                .max_by_key(|(at, _)| *at)
            {
                current = Some(role);
            }
            current
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_headings_of_the_text() {
        let roles = vec![("guarant".to_owned(), "g"), ("witness".to_owned(), "w")];
        let text = "Signed\nGuarantors:\n- Uganda\n\nWitnesses:\n- Tanzania";
        assert_eq!(
            roles_by_line(text, &roles),
            [
                None,
                Some(&"g"),
                Some(&"g"),
                Some(&"g"),
                Some(&"w"),
                Some(&"w")
            ]
        );
    }
}
