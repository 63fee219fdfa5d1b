//! Diagnostics: an error in the user's TQL text, with the span it points at, and its rendering
//! as a report with a caret under the fault (ariadne).
//!
//! Every stage that reads TQL (parser, resolver, type checks) reports through `Diagnostic`, so
//! messages look the same whoever raised them. Messages speak of the user's words ("expected
//! `and`, found `1918`"), never of the code that read them.

use std::fmt;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

use super::ast::Span;

/// An error in a TQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the fault is.
    pub span: Span,
    /// The headline: what is wrong, in plain English.
    pub message: String,
    /// A short remark shown at the caret under `span`; empty for none.
    pub label: String,
    /// A suggestion on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a message and no label or help.
    ///
    /// ```
    /// use treaty::lang::{ast::Span, diagnostic::Diagnostic};
    /// let span = Span { start: 12, end: 19, line: 1, column: 13 };
    /// let d = Diagnostic::new(span, "no field `signing` in settlements")
    ///     .with_label("unknown field")
    ///     .with_help("did you mean `signed`?");
    /// assert_eq!(d.help.as_deref(), Some("did you mean `signed`?"));
    /// ```
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            label: String::new(),
            help: None,
        }
    }

    /// Sets the remark shown at the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic as a report: the message, the source line with the span
    /// underlined, the label at the caret and the help below. `source_name` names the text in
    /// the report's header (a file name, `<query>`...). Without `color` the text holds no ANSI
    /// escapes.
    ///
    /// ```
    /// use treaty::lang::parse;
    /// let source = "settlements where signed between 1914 1918";
    /// let error = parse(source).unwrap_err();
    /// let report = error.render("query", source, false);
    /// assert!(report.contains("expected `and`"));
    /// assert!(report.contains("query:1:39"));
    /// ```
    pub fn render(&self, source_name: &str, source: &str, color: bool) -> String {
        let range = self.byte_range(source);
        let config = Config::default()
            .with_color(color)
            .with_index_type(IndexType::Byte);
        let mut label = Label::new((source_name, range.clone()));
        if !self.label.is_empty() {
            label = label.with_message(&self.label);
        }
        let mut report = Report::build(ReportKind::Error, (source_name, range))
            .with_config(config)
            .with_message(&self.message)
            .with_label(label);
        if let Some(help) = &self.help {
            report = report.with_help(help);
        }
        let mut out = Vec::new();
        if report
            .finish()
            .write((source_name, Source::from(source)), &mut out)
            .is_err()
        {
            // Writing to a Vec cannot fail; should the renderer give up anyway, the plain form
            // still says everything that matters.
            return self.to_string();
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The span as a byte range that is safe to slice `source` with: clamped to the text and
    /// moved to character boundaries, so a span from another text can never make rendering fail.
    fn byte_range(&self, source: &str) -> std::ops::Range<usize> {
        let clamp = |mut at: usize| {
            at = at.min(source.len());
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = clamp(self.span.start);
        let end = clamp(self.span.end).max(start);
        start..end
    }
}

/// The plain form, `line:column: message`, for logs and for callers without the source text.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.span.line, self.span.column, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, line: u32, column: u32) -> Span {
        Span {
            start,
            end,
            line,
            column,
        }
    }

    #[test]
    fn renders_message_caret_label_and_help_without_escapes() {
        let source = "settlements\nwhere signed > 2014-13-05";
        let d = Diagnostic::new(
            span(27, 37, 2, 16),
            "2014-13-05 is not a date: there is no month 13",
        )
        .with_label("there is no month 13")
        .with_help("write dates as YYYY-MM-DD");
        let text = d.render("query.tq", source, false);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("Error: 2014-13-05 is not a date: there is no month 13"));
        assert!(text.contains("query.tq:2:16"), "{text}");
        assert!(text.contains("where signed > 2014-13-05"), "{text}");
        assert!(text.contains("there is no month 13"));
        assert!(text.contains("Help: write dates as YYYY-MM-DD"), "{text}");
    }

    #[test]
    fn colour_adds_escapes() {
        let d = Diagnostic::new(span(0, 3, 1, 1), "unknown").with_label("here");
        assert!(d.render("q", "abc", true).contains('\x1b'));
    }

    #[test]
    fn columns_count_characters() {
        let source = "actors where name = \"Münster\" foo";
        let d = Diagnostic::new(span(31, 34, 1, 31), "expected a clause, found `foo`")
            .with_label("unexpected `foo`");
        let text = d.render("q", source, false);
        assert!(text.contains("q:1:31"), "{text}");
    }

    #[test]
    fn spans_out_of_range_do_not_panic() {
        let d = Diagnostic::new(span(5, 500, 1, 6), "odd").with_label("x");
        let text = d.render("q", "añb", false);
        assert!(text.contains("odd"));
        let empty = Diagnostic::new(span(0, 0, 1, 1), "nothing here");
        assert!(empty.render("q", "", false).contains("nothing here"));
    }

    #[test]
    fn display_is_one_line() {
        let d =
            Diagnostic::new(span(4, 5, 2, 3), "unclosed string").with_help("add the closing quote");
        assert_eq!(
            d.to_string(),
            "2:3: unclosed string (add the closing quote)"
        );
    }
}
