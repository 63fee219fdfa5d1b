//! The words of TQL as tables, defined once: the reserved words, the clauses, the operators and
//! the functions with the number of arguments they take. The parser reads by them, the resolver
//! types functions by them, and the shell completes and highlights from them, so a word added
//! here is offered wherever it is accepted.

use super::ast::CompareOp;

/// The reserved words, in lower case. Keywords are case-insensitive. All are reserved except
/// `count`, which is a keyword only at the start of a query.
pub const KEYWORDS: &[&str] = &[
    "let",
    "sparql",
    "count",
    "where",
    "with",
    "without",
    "show",
    "distinct",
    "by",
    "having",
    "order",
    "asc",
    "desc",
    "limit",
    "offset",
    "and",
    "or",
    "not",
    "between",
    "in",
    "contains",
    "matches",
    "is",
    "including",
    "predecessors",
    "as",
    "true",
    "false",
];

/// A query's clauses, by their first word (`order` stands for `order by`), in the order
/// completion offers them.
pub(crate) const CLAUSES: &[&str] = &[
    "where", "with", "without", "show", "by", "having", "order", "limit", "offset",
];

/// The clauses a query takes at most once.
pub(crate) const ONCE: &[&str] = &["show", "by", "having", "order", "limit", "offset"];

/// The operators written as words that may follow the left side of a condition.
pub(crate) const WORD_OPERATORS: &[&str] = &["is", "not", "between", "in", "contains", "matches"];

/// The comparison operators written as symbols, longest first, so that `<=` is not read as `<`.
pub(crate) const COMPARISONS: [(&str, CompareOp); 7] = [
    ("<=", CompareOp::Le),
    (">=", CompareOp::Ge),
    ("<>", CompareOp::Ne),
    ("!=", CompareOp::Ne),
    ("<", CompareOp::Lt),
    (">", CompareOp::Gt),
    ("=", CompareOp::Eq),
];

/// A function a query may call: `year(signed)`, `count(distinct guarantor)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// In lower case; calls are read in any case.
    pub name: &'static str,
    /// Whether it sums up the rows of a group (`show`, `having`, `order by`), rather than
    /// computing a value of one entity's dates.
    pub aggregate: bool,
    /// How many arguments it takes (`count(*)` counts as one).
    pub arity: usize,
}

/// The functions, in the order completion offers them.
pub(crate) const FUNCTIONS: &[Function] = &[
    aggregate("count"),
    value("year", 1),
    value("decade", 1),
    value("century", 1),
    value("years", 2),
    value("today", 0),
    aggregate("min"),
    aggregate("max"),
    aggregate("sum"),
    aggregate("avg"),
];

const fn value(name: &'static str, arity: usize) -> Function {
    Function {
        name,
        aggregate: false,
        arity,
    }
}

const fn aggregate(name: &'static str) -> Function {
    Function {
        name,
        aggregate: true,
        arity: 1,
    }
}

/// The function called `name`, written in lower case.
///
/// ```
/// use treaty::lang::grammar::function;
/// assert_eq!(function("years").map(|f| f.arity), Some(2));
/// assert!(function("avg").is_some_and(|f| f.aggregate));
/// assert_eq!(function("colour"), None);
/// ```
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Whether `c` may begin a word (a keyword, a name, a parameter's name after `$`): an ASCII
/// letter or `_`. Names are ASCII so that they read the same in every keyboard layout and
/// terminal; a name in another script is written in quotes, `"Österreich"`.
pub(crate) fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// Whether `c` may continue a word: an ASCII letter or digit, or `_`.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Length in bytes of the word `[A-Za-z_][A-Za-z0-9_]*` at the start of `s` (0 if none). The
/// parser and the shell's tokenizer both read words with it, so they agree on where one ends.
///
/// ```
/// use treaty::lang::grammar::word_len;
/// assert_eq!(word_len("signed_at >= 1815"), 9);
/// assert_eq!(word_len("1815"), 0);
/// assert_eq!(word_len("naïve"), 2);
/// ```
pub fn word_len(s: &str) -> usize {
    match s.chars().next() {
        Some(c) if is_word_start(c) => s.find(|c| !is_word_char(c)).unwrap_or(s.len()),
        _ => 0,
    }
}

/// Whether `word` is a keyword, in any case.
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_and_operator_words_are_keywords() {
        for word in CLAUSES.iter().chain(ONCE).chain(WORD_OPERATORS) {
            assert!(is_keyword(word), "{word}");
        }
        assert!(ONCE.iter().all(|w| CLAUSES.contains(w)));
    }

    #[test]
    fn functions_are_free_names_except_count() {
        for f in FUNCTIONS {
            assert_eq!(is_keyword(f.name), f.name == "count", "{}", f.name);
        }
    }

    #[test]
    fn longer_comparisons_come_first() {
        for (i, (op, _)) in COMPARISONS.iter().enumerate() {
            let shadowed = COMPARISONS[..i]
                .iter()
                .any(|(before, _)| op.starts_with(before));
            assert!(!shadowed, "{op} comes after a prefix of itself");
        }
    }
}
