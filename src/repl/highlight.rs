//! Syntax highlighting of the line being edited, and the continuation prompt.
//!
//! Rustyline draws no prompt in front of the second and later lines of an input, and wants the
//! highlighted text to be exactly as wide as the text itself. So when a statement goes on, the
//! shell inserts a line break and an indent as wide as the prompt (`helper.rs`), and here that
//! indent is drawn as `   ...> `. The indent is taken out again before the text is run.
//! Without colour (`NO_COLOR`, or not a terminal) only the continuation prompt is drawn.

use super::lex::{self, Kind};
use crate::lang::KEYWORDS;

/// The prompt of the first line.
pub(crate) const PROMPT: &str = "treaty> ";
/// The prompt drawn in front of each further line of a statement.
pub(crate) const CONTINUATION: &str = "   ...> ";
/// What stands for the continuation prompt in the edited text: spaces as wide as it.
pub(crate) const INDENT: &str = "        ";

const KEYWORD: &str = "1;34";
const SOURCE: &str = "1";
const TEXT: &str = "32";
const NUMBER: &str = "36";
const PARAM: &str = "35";
const COMMENT: &str = "2";
const META: &str = "1;33";
const DIM: &str = "2";

/// `text` wrapped in the ANSI escape for `style`.
pub(crate) fn paint(text: &str, style: &str) -> String {
    format!("\x1b[{style}m{text}\x1b[0m")
}

/// The text with the continuation indents drawn as prompts and, with `color`, its words
/// coloured: keywords, entity sets and `let` names (`is_source`), texts, numbers, parameters,
/// comments and meta commands. The result is as wide on screen as `line`.
pub fn highlight(line: &str, is_source: impl Fn(&str) -> bool, color: bool) -> String {
    let styles = if color {
        styles(line, &is_source)
    } else {
        Vec::new()
    };
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for (n, piece) in line.split('\n').enumerate() {
        let end = at + piece.len();
        let mut from = at;
        if n > 0 {
            out.push('\n');
            if piece.starts_with(INDENT) {
                if color {
                    out.push_str(&paint(CONTINUATION, DIM));
                } else {
                    out.push_str(CONTINUATION);
                }
                from += INDENT.len();
            }
        }
        // The styled ranges that meet this line, cut to it.
        for &(start, stop, style) in &styles {
            let (start, stop) = (start.max(from), stop.min(end));
            if start >= stop {
                continue;
            }
            out.push_str(&line[from..start]);
            out.push_str(&paint(&line[start..stop], style));
            from = stop;
        }
        out.push_str(&line[from..end]);
        at = end + 1;
    }
    out
}

/// Byte ranges to colour, in order.
fn styles(line: &str, is_source: &impl Fn(&str) -> bool) -> Vec<(usize, usize, &'static str)> {
    let indent = line.len() - line.trim_start().len();
    let mut offset = 0;
    let mut out = Vec::new();
    let mut tql = line;
    if line[indent..].starts_with('.') {
        let word_end = line[indent..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| indent + i);
        out.push((indent, word_end, META));
        if !line[indent..word_end].eq_ignore_ascii_case(".explain") {
            return out;
        }
        offset = word_end;
        tql = &line[word_end..];
    }
    for token in lex::tokens(tql) {
        let text = token.text(tql);
        let style = match token.kind {
            Kind::Word if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(text)) => KEYWORD,
            Kind::Word if is_source(text) => SOURCE,
            Kind::Text { .. } => TEXT,
            Kind::Number => NUMBER,
            Kind::Param => PARAM,
            Kind::Comment => COMMENT,
            Kind::Word | Kind::Symbol => continue,
        };
        out.push((offset + token.start, offset + token.end, style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(word: &str) -> bool {
        word.eq_ignore_ascii_case("settlements")
    }

    #[test]
    fn continuation_lines_show_a_prompt_of_the_same_width() {
        let line = format!("settlements where\n{INDENT}signed < 1900");
        let shown = highlight(&line, sets, false);
        assert_eq!(shown, "settlements where\n   ...> signed < 1900");
        assert_eq!(shown.len(), line.len());
        // A line without the indent (typed in the middle of the text) has no prompt.
        assert_eq!(highlight("a\nb", sets, false), "a\nb");
    }

    #[test]
    fn without_colour_there_are_no_escapes() {
        let line = "settlements where name = \"Paris\" and signed < 1900 -- old";
        assert_eq!(highlight(line, sets, false), line);
    }

    #[test]
    fn colours_keywords_sets_texts_numbers_and_comments() {
        let shown = highlight("settlements where name = \"Paris\" -- x", sets, true);
        assert!(shown.starts_with("\x1b[1msettlements\x1b[0m \x1b[1;34mwhere\x1b[0m name = "));
        assert!(shown.contains("\x1b[32m\"Paris\"\x1b[0m"), "{shown:?}");
        assert!(shown.contains("\x1b[2m-- x\x1b[0m"), "{shown:?}");
        let number = highlight("conflicts where start > 1914-07 and x = $p", sets, true);
        assert!(number.contains("\x1b[36m1914-07\x1b[0m"), "{number:?}");
        assert!(number.contains("\x1b[35m$p\x1b[0m"), "{number:?}");
    }

    #[test]
    fn a_text_over_several_lines_is_coloured_around_the_prompts() {
        let line = format!("sparql \"\"\"SELECT\n{INDENT}* WHERE\"\"\"");
        let shown = highlight(&line, sets, true);
        assert!(
            shown.contains("\n\x1b[2m   ...> \x1b[0m\x1b[32m* WHERE\"\"\"\x1b[0m"),
            "{shown:?}"
        );
    }

    #[test]
    fn meta_commands() {
        assert_eq!(
            highlight(".mode csv", sets, true),
            "\x1b[1;33m.mode\x1b[0m csv"
        );
        let explain = highlight(".explain settlements where x", sets, true);
        assert!(explain.contains("\x1b[1;34mwhere\x1b[0m"), "{explain:?}");
    }
}
