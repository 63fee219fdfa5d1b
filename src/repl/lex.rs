//! A forgiving tokenizer for the shell's completion and highlighting. Unlike the parser it never
//! fails: input being typed is usually unfinished (an open string, half a date), and each piece
//! still gets a kind and a byte range. Words end where the parser's do (`lang::grammar`).

use crate::lang::grammar::{is_word_start, word_len};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword, name, field or entity set.
    Word,
    /// A number or a date (`1815`, `2.5`, `1914-07-28`).
    Number,
    /// A quoted text; `closed` is false while the closing quote is missing.
    Text { closed: bool },
    /// `$name`
    Param,
    /// From `--` or `#` to the end of the line.
    Comment,
    /// Punctuation and operators: `( ) , ; . = != <> < <= > >= + *`.
    Symbol,
}

/// A token: its kind and where it is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `source`.
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.start..self.end]
    }
}

/// Splits `text` into tokens, skipping whitespace.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let start = at;
        let rest = &text[at..];
        let kind = if c.is_whitespace() {
            at += c.len_utf8();
            continue;
        } else if rest.starts_with("--") || c == '#' {
            at += rest.find('\n').unwrap_or(rest.len());
            Kind::Comment
        } else if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let quote = &rest[..3];
            match rest[3..].find(quote) {
                Some(end) => {
                    at += 3 + end + 3;
                    Kind::Text { closed: true }
                }
                None => {
                    at = text.len();
                    Kind::Text { closed: false }
                }
            }
        } else if c == '"' || c == '\'' {
            let mut closed = false;
            let mut escaped = false;
            at += 1;
            for ch in text[at..].chars() {
                if ch == '\n' {
                    break;
                }
                at += ch.len_utf8();
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == c {
                    closed = true;
                    break;
                }
            }
            Kind::Text { closed }
        } else if c == '$' {
            at += 1 + word_len(&text[at + 1..]);
            Kind::Param
        } else if c.is_ascii_digit() {
            // Digits, with `-` or `.` followed by a digit continuing a date or a decimal.
            at += 1;
            while at < bytes.len() {
                let b = bytes[at];
                let continues =
                    (b == b'-' || b == b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
                if b.is_ascii_digit() {
                    at += 1;
                } else if continues {
                    at += 2;
                } else {
                    break;
                }
            }
            Kind::Number
        } else if is_word_start(c) {
            at += word_len(rest);
            Kind::Word
        } else {
            let two = ["!=", "<>", "<=", ">="];
            at += if two.iter().any(|t| rest.starts_with(t)) {
                2
            } else {
                c.len_utf8()
            };
            Kind::Symbol
        };
        out.push(Token {
            kind,
            start,
            end: at,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokens(text)
            .into_iter()
            .map(|t| (t.kind, t.text(text)))
            .collect()
    }

    #[test]
    fn words_numbers_dates_symbols_and_params() {
        assert_eq!(
            kinds("settlements where signed >= 1914-07 and x != $country;"),
            vec![
                (Kind::Word, "settlements"),
                (Kind::Word, "where"),
                (Kind::Word, "signed"),
                (Kind::Symbol, ">="),
                (Kind::Number, "1914-07"),
                (Kind::Word, "and"),
                (Kind::Word, "x"),
                (Kind::Symbol, "!="),
                (Kind::Param, "$country"),
                (Kind::Symbol, ";"),
            ]
        );
    }

    #[test]
    fn unfinished_strings_and_comments() {
        assert_eq!(
            kinds("a = \"Soviet Un"),
            vec![
                (Kind::Word, "a"),
                (Kind::Symbol, "="),
                (Kind::Text { closed: false }, "\"Soviet Un"),
            ]
        );
        assert_eq!(
            kinds("'it\\'s' -- note\n1914-- war"),
            vec![
                (Kind::Text { closed: true }, "'it\\'s'"),
                (Kind::Comment, "-- note"),
                (Kind::Number, "1914"),
                (Kind::Comment, "-- war"),
            ]
        );
        assert_eq!(
            kinds("sparql \"\"\"SELECT\n*"),
            vec![
                (Kind::Word, "sparql"),
                (Kind::Text { closed: false }, "\"\"\"SELECT\n*"),
            ]
        );
        // A one-line string stops at the end of its line.
        assert_eq!(kinds("\"ab\ncd")[0], (Kind::Text { closed: false }, "\"ab"));
    }

    /// The shell colours and completes by its tokens, the parser decides: a text the tokenizer
    /// reads as one word must be a name to the parser, and one it splits must not be.
    #[test]
    fn words_are_what_the_parser_takes_for_names() {
        let cases = [
            ("signed", true),
            ("signed_at", true),
            ("_private", true),
            ("a1", true),
            ("X_2_y", true),
            ("Österreich", false),
            ("naïve", false),
            ("x²", false),
            ("Ωmega", false),
            ("日本", false),
            ("1815a", false),
            ("a-b", false),
        ];
        for (word, is_name) in cases {
            let one_word = matches!(kinds(word).as_slice(), [(Kind::Word, w)] if *w == word);
            assert_eq!(one_word, is_name, "tokenizer on {word:?}");
            let parsed = crate::lang::parse(&format!("settlements where {word} = 1")).is_ok();
            assert_eq!(parsed, is_name, "parser on {word:?}");
            let param = crate::lang::parse(&format!("settlements where signed = ${word}")).is_ok();
            let one_param = matches!(kinds(&format!("${word}")).as_slice(), [(Kind::Param, _)]);
            assert_eq!((param, one_param), (is_name, is_name), "parameter ${word}");
        }
    }
}
