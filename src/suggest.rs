//! "Did you mean": the words closest to one that was mistyped, ranked the same way wherever a
//! name can be wrong (entity sets and fields in the resolver, entity names in `schema::names`,
//! the shell's dot commands, concepts in import mappings). A leaf on `strsim` alone.

/// The similarity above which a word is taken for a likely typo of another.
pub const LIKELY: f64 = 0.8;

/// How alike two words are, from 0 (nothing in common) to 1 (the same), case included:
/// Jaro-Winkler, which weighs a shared beginning, as typos usually keep one.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(a, b)
}

/// Up to `n` of the scored options above `threshold`, the most similar first, equal scores in
/// the options' order (`Ord`), each option once. For callers with a score of their own.
///
/// ```
/// let ranked = treaty::suggest::best([(0.9, "b"), (0.95, "c"), (0.9, "a"), (0.5, "d")], 0.8, 2);
/// assert_eq!(ranked, ["c", "a"]);
/// ```
pub fn best<T: Ord>(
    scored: impl IntoIterator<Item = (f64, T)>,
    threshold: f64,
    n: usize,
) -> Vec<T> {
    let mut scored: Vec<(f64, T)> = scored.into_iter().filter(|(s, _)| *s > threshold).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, option)| option)
        .collect()
}

/// The option most similar to `word`, case aside, if it scores above `threshold` ([`LIKELY`]
/// for words, higher for long IRIs that share most of their text anyway). Equal scores go to
/// the option first in alphabetical order, so the answer does not depend on the options' order.
///
/// ```
/// use treaty::suggest::{nearest, LIKELY};
/// let fields = ["signed", "kind", "outcome"];
/// assert_eq!(nearest("Sigend", fields, LIKELY), Some("signed"));
/// assert_eq!(nearest("colour", fields, LIKELY), None);
/// ```
pub fn nearest<'o>(
    word: &str,
    options: impl IntoIterator<Item = &'o str>,
    threshold: f64,
) -> Option<&'o str> {
    let word = word.to_lowercase();
    let scored = options
        .into_iter()
        .map(|option| (similarity(&word, &option.to_lowercase()), option));
    best(scored, threshold, 1).pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_word_and_strangers_find_none() {
        let commands = [".mode", ".help", ".quit", ".read"];
        assert_eq!(nearest(".mdoe", commands, LIKELY), Some(".mode"));
        assert_eq!(nearest(".HELP", commands, LIKELY), Some(".help"));
        assert_eq!(nearest(".xyz", commands, LIKELY), None);
        assert_eq!(nearest("anything", [], LIKELY), None);
    }

    #[test]
    fn equal_scores_go_to_the_first_in_alphabetical_order() {
        assert_eq!(
            nearest("signe", ["signer", "signed"], LIKELY),
            Some("signed")
        );
        assert_eq!(
            nearest("signe", ["signed", "signer"], LIKELY),
            Some("signed")
        );
    }

    #[test]
    fn best_ranks_and_keeps_each_option_once() {
        let scored = [
            (0.85, "x"),
            (0.99, "y"),
            (0.85, "x"),
            (0.81, "w"),
            (0.8, "v"),
        ];
        assert_eq!(best(scored, LIKELY, 5), ["y", "x", "w"]);
        assert_eq!(best(scored, LIKELY, 1), ["y"]);
    }
}
