//! A report as JSON: `{"report": {...the record of the run...}, "results": [...]}`, where
//! `results` is the array of named result sets, each with its statement, SPARQL, columns,
//! rows (objects from column to value: numbers as JSON numbers, other values as text, null
//! when unbound), checks and error.

use serde_json::{Map, Value, json};

use super::{Run, number};
use crate::output::display_term;
use crate::results::Answer;

/// The report as pretty-printed JSON; without `rows`, the record only (the CSV manifest).
pub fn render(run: &Run, rows: bool) -> String {
    let results: Vec<Value> = run
        .shown()
        .enumerate()
        .map(|(i, r)| {
            let mut object = Map::new();
            object.insert("name".into(), json!(r.name));
            object.insert("line".into(), json!(r.line));
            object.insert("statement".into(), json!(r.statement));
            object.insert("sparql".into(), json!(r.sparql));
            if let Some(title) = &r.title {
                object.insert("title".into(), json!(title));
            }
            if !r.notes.is_empty() {
                object.insert("notes".into(), json!(r.notes));
            }
            if !rows {
                object.insert("file".into(), json!(super::write::csv_file_name(i, r)));
            }
            match &r.answer {
                Some(Answer::Table(table)) => {
                    object.insert("columns".into(), json!(table.columns));
                    object.insert("row_count".into(), json!(table.rows.len()));
                    if rows {
                        let values: Vec<Value> = table
                            .rows
                            .iter()
                            .map(|row| {
                                Value::Object(
                                    table
                                        .columns
                                        .iter()
                                        .zip(row)
                                        .map(|(c, cell)| (c.clone(), value(cell.as_ref())))
                                        .collect(),
                                )
                            })
                            .collect();
                        object.insert("rows".into(), Value::Array(values));
                    }
                }
                Some(Answer::Boolean(b)) => {
                    object.insert("boolean".into(), json!(b));
                }
                None => {}
            }
            object.insert(
                "checks".into(),
                r.checks
                    .iter()
                    .map(|c| json!({"check": c.text, "line": c.line, "passed": c.passed, "found": c.found}))
                    .collect(),
            );
            object.insert("error".into(), json!(r.error));
            if let (Some(plan), Some(_)) = (&r.chart, r.table()) {
                object.insert("chart".into(), json!(plan.kind()));
            }
            Value::Object(object)
        })
        .collect();
    let record = json!({
        "title": run.title,
        "source": run.source,
        "tool": run.tool,
        "run_date": run.run_date,
        "params": run.params.iter().map(|p| json!({"name": p.name, "value": p.value, "default": p.default})).collect::<Vec<_>>(),
        "data": {
            "backend": run.data.backend,
            "graphs": run.data.graphs.iter().map(|(g, n)| json!({"graph": g, "triples": n})).collect::<Vec<_>>(),
            "triples": run.data.triples(),
        },
        "statements": run.results().map(|r| json!({"name": r.name, "line": r.line, "statement": r.statement, "sparql": r.sparql})).collect::<Vec<_>>(),
        "stopped": run.stopped,
        "failures": run.failures(),
    });
    let mut text = serde_json::to_string_pretty(&json!({"report": record, "results": results}))
        .unwrap_or_default();
    text.push('\n');
    text
}

fn value(term: Option<&oxigraph::model::Term>) -> Value {
    let Some(term) = term else {
        return Value::Null;
    };
    match number(term) {
        Some(n) if n.fract() == 0.0 && n.abs() < 9e15 => json!(n as i64),
        Some(n) => {
            serde_json::Number::from_f64(n).map_or_else(|| json!(display_term(term)), Value::Number)
        }
        None => json!(display_term(&crate::output::stored_date(term))),
    }
}
