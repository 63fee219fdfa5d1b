//! TQL benchmarks: parse + resolve + lower for every statement of the gallery, and, for three
//! questions, the compiled query against SPARQL written by hand for the same question, both run
//! on the same in-memory store. Run with `cargo bench --bench tql`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use treaty::Backend;
use treaty::compile::{Compiled, Compiler};
use treaty::lang;
use treaty::schema::{NameIndex, Schema};
use treaty::store::{Location, Store};

fn gallery() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tq"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn compile_all(schema: &Schema, names: &NameIndex, text: &str) -> usize {
    let script = lang::parse(text).unwrap();
    let mut compiler = Compiler::new();
    compiler.set_param("country", "Ukraine");
    let mut n = 0;
    for statement in &script.statements {
        if let Compiled::Select { .. } = compiler.compile(schema, names, statement).unwrap() {
            n += 1;
        }
    }
    n
}

fn parse_resolve_lower(c: &mut Criterion) {
    let store = Store::open(&Location::Memory, false).unwrap();
    let schema = Schema::load(&store).unwrap();
    let names = NameIndex::load(&store).unwrap();
    let mut group = c.benchmark_group("compile");
    for (name, text) in gallery() {
        group.bench_function(&name, |b| {
            b.iter(|| compile_all(&schema, &names, black_box(&text)))
        });
    }
    group.finish();
}

/// (question, TQL, hand-written SPARQL giving the same rows)
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "britain-as-guarantor",
        "guarantees where guarantor = Britain show settlement.signed as signed, name, outcome",
        "SELECT (GROUP_CONCAT(DISTINCT STR(?d); separator=\"; \") AS ?signed) (SAMPLE(?n) AS ?name) \
           (SAMPLE(?o) AS ?outcome) WHERE { \
           ?g a tr:Guarantee ; tr:guarantor ta:united-kingdom . \
           OPTIONAL { ?s tr:guarantee ?g . ?s tr:signed ?d } \
           OPTIONAL { ?g rdfs:label ?n } \
           OPTIONAL { ?g tr:outcome/rdfs:label ?o } \
         } GROUP BY ?g ORDER BY ?name ?signed ?outcome ?g",
    ),
    (
        "count-by-mechanism",
        "count guarantees by mechanism",
        "SELECT ?mechanism (COUNT(DISTINCT ?g) AS ?count) WHERE { \
           ?g a tr:Guarantee . OPTIONAL { ?g tr:mechanism/rdfs:label ?mechanism } \
         } GROUP BY ?mechanism ORDER BY ?mechanism ?count",
    ),
    (
        "settlements-1815-1914",
        "settlements where signed between 1815 and 1914",
        "SELECT (SAMPLE(?n) AS ?name) (SAMPLE(?d) AS ?signed) (SAMPLE(?k) AS ?kind) (SAMPLE(?st) AS ?status) WHERE { \
           ?s a tr:Settlement ; tr:signed ?x . \
           FILTER(?x >= \"1815-01-01\"^^xsd:date && ?x <= \"1914-12-31\"^^xsd:date) \
           OPTIONAL { ?s rdfs:label ?n } OPTIONAL { ?s tr:signed ?d } \
           OPTIONAL { ?s tr:kind/rdfs:label ?k } OPTIONAL { ?s tr:status/rdfs:label ?st } \
         } GROUP BY ?s ORDER BY ?signed ?name ?kind ?status ?s",
    ),
];

fn compiled_against_hand_written(c: &mut Criterion) {
    let store = Store::open(&Location::Memory, false).unwrap();
    let schema = Schema::load(&store).unwrap();
    let names = NameIndex::load(&store).unwrap();
    let mut group = c.benchmark_group("execute");
    for (name, tql, hand) in PAIRS {
        let script = lang::parse(tql).unwrap();
        let Compiled::Select { query, .. } = Compiler::new()
            .compile(&schema, &names, &script.statements[0])
            .unwrap()
        else {
            unreachable!()
        };
        // Same rows, or the comparison means nothing.
        let compiled_rows = store.evaluate(&query).unwrap();
        let hand_rows = store.query(hand).unwrap();
        match (&compiled_rows, &hand_rows) {
            (treaty::results::Answer::Table(a), treaty::results::Answer::Table(b)) => {
                assert_eq!(a.rows, b.rows, "{name}: the hand-written query differs")
            }
            _ => panic!("{name}: expected tables"),
        }
        group.bench_function(format!("{name}/compiled"), |b| {
            b.iter(|| store.evaluate(black_box(&query)).unwrap())
        });
        group.bench_function(format!("{name}/hand-written"), |b| {
            b.iter(|| store.query(black_box(hand)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, parse_resolve_lower, compiled_against_hand_written);
criterion_main!(benches);
