//! Tests at the compiler's stage boundaries, as data (`check(input, expect![[...]])`): TQL to
//! the resolved query (`resolve.rs`), TQL to SPARQL through the resolved query (`lower.rs`),
//! and every message the resolver gives, rendered with its caret (`diagnostics.rs`).
//! After a deliberate change, `UPDATE_EXPECT=1 cargo test --lib compile` rewrites the
//! expectations in place; review the diff.

mod diagnostics;
mod lower;
mod resolve;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::lang::ast::Statement;
use crate::lang::diagnostic::Diagnostic;
use crate::schema::{NameIndex, Schema};
use crate::store::{Location, Store};

use super::{Compiler, expand, ir};

/// The bundled schema and names, read once for all tests.
fn bundled() -> &'static (Schema, NameIndex) {
    static BUNDLED: OnceLock<(Schema, NameIndex)> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        let store = Store::open(&Location::Memory, false).expect("a store in memory");
        let schema = Schema::load(&store).expect("the bundled schema");
        let names = NameIndex::load(&store).expect("the bundled names");
        (schema, names)
    })
}

/// Parameters for the tests: `$country`, `$from`, `$q`, `$word`.
fn params() -> HashMap<String, String> {
    [
        ("country", "Ukraine"),
        ("from", "1815-06"),
        ("q", "minsk"),
        ("word", "soon"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The last statement of `tql` resolved, after the ones before it (for `let`) were compiled.
fn resolved(tql: &str, schema: &Schema) -> Result<ir::Query, Diagnostic> {
    let (_, names) = bundled();
    let script = crate::lang::parse(tql)?;
    let mut compiler = Compiler::new();
    for (name, value) in params() {
        compiler.set_param(&name, &value);
    }
    let (last, before) = script.statements.split_last().expect("a statement");
    for statement in before {
        compiler.compile(schema, names, statement)?;
    }
    let Statement::Query(query) = last else {
        panic!("the last statement is not a query: {tql}");
    };
    super::resolve(
        &expand(query, &compiler.lets),
        schema,
        names,
        compiler.params(),
        "2026-12-02",
    )
}

/// The error the last statement of `tql` gives, rendered as a user sees it.
fn error(tql: &str, schema: &Schema) -> String {
    let (_, names) = bundled();
    let script = match crate::lang::parse(tql) {
        Ok(script) => script,
        Err(d) => panic!("{}", d.render("query", tql, false)),
    };
    let mut compiler = Compiler::new();
    for (name, value) in params() {
        compiler.set_param(&name, &value);
    }
    for statement in &script.statements {
        match compiler.compile(schema, names, statement) {
            Ok(_) => {}
            Err(d) => return d.render("query", tql, false),
        }
    }
    panic!("no error: {tql}")
}
