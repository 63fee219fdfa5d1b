//! TQL syntax: the syntax tree (`ast`), the parser, and the diagnostics every stage reports with.
//!
//! ```
//! use treaty::lang::{ast::Statement, parse};
//! let script = parse("count guarantees where outcome is violated by guarantor")?;
//! assert!(matches!(&script.statements[0], Statement::Query(q) if q.count.is_some()));
//! # Ok::<_, treaty::lang::diagnostic::Diagnostic>(())
//! ```
//!
//! The language is described in `docs/language.md`.

pub mod ast;
pub mod date;
pub mod diagnostic;
pub mod grammar;
mod parser;
pub mod sexp;

/// The keywords of TQL, in lower case (they are read in any case): see [`grammar`].
pub use grammar::KEYWORDS;

/// Parses a TQL text: statements separated by `;`. An empty text (or one holding only comments)
/// is a script of no statements.
///
/// ```
/// let script = treaty::lang::parse("settlements where signed between 1814 and 1815; conflicts")?;
/// assert_eq!(script.statements.len(), 2);
/// # Ok::<_, treaty::lang::diagnostic::Diagnostic>(())
/// ```
pub fn parse(text: &str) -> Result<ast::Script, diagnostic::Diagnostic> {
    parser::parse_script(text).map_err(|failure| failure.diagnostic)
}

/// Whether `text` is ready to run, or needs more lines: false when it ends inside a string or
/// a parenthesis, or right after a word or operator that needs something after it (`where`,
/// `and`, `=`, `,`...). A text with an error before its end is complete: running it shows the
/// error. Used by the interactive shell to decide between running and prompting for more.
///
/// ```
/// use treaty::lang::is_complete;
/// assert!(is_complete("settlements where signed < 1900"));
/// assert!(!is_complete("settlements where signed <"));
/// assert!(!is_complete("settlements where (kind = armistice"));
/// ```
pub fn is_complete(text: &str) -> bool {
    match parser::parse_script(text) {
        Ok(_) => true,
        Err(failure) => !failure.needs_more_input,
    }
}
