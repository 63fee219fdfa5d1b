//! `treaty import` end to end: one test per quirk of real files (fixtures in
//! tests/fixtures/import/, all synthetic rows), the join of imported and bundled data through
//! TQL, bad rows with and without --skip-bad-rows, mapping errors that name their line, graphs,
//! provenance and re-import.

mod common;

use common::{TestStore, fixture, stdout};
use predicates::prelude::*;

fn file(name: &str) -> String {
    fixture(&format!("import/{name}")).display().to_string()
}

/// Imports `files` with `mapping` into a fresh store and returns the store.
fn imported(mapping: &str, files: &[&str]) -> TestStore {
    let store = TestStore::new();
    let mut args = vec![
        "import".to_owned(),
        "--mapping".to_owned(),
        mapping.to_owned(),
    ];
    args.extend(files.iter().map(|f| file(f)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    store.cmd(&args).assert().success();
    store
}

/// Rows of a TQL query as CSV lines, without the header. Lists in a cell (`a; b`) are sorted,
/// since their order is not defined.
fn query(store: &TestStore, tql: &str) -> Vec<String> {
    stdout(&mut store.cmd(&["query", "--format", "csv", tql]))
        .lines()
        .skip(1)
        .map(|line| {
            if line.contains('"') {
                return line.to_owned();
            }
            line.split(',')
                .map(|cell| {
                    let mut items: Vec<&str> = cell.split("; ").collect();
                    items.sort();
                    items.join("; ")
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

const PAX: &str = "https://w3id.org/treaty/id/import/pax/settlement/";

/// The `tr:signed` value and precision of one imported PA-X agreement, as `date precision`.
fn signed(store: &TestStore, id: &str) -> String {
    let out = stdout(&mut store.cmd(&[
        "sparql",
        "--format",
        "csv",
        &format!(
            "SELECT ?d ?p WHERE {{ <{PAX}{id}> tr:signed ?d OPTIONAL {{ <{PAX}{id}> tr:signedPrecision ?p }} }}"
        ),
    ]));
    out.lines()
        .nth(1)
        .unwrap_or_default()
        .replace("https://w3id.org/treaty/ontology#", "")
}

#[test]
fn an_imported_agreement_joins_a_bundled_actor_in_one_query() {
    let store = imported("pax", &["pax-basic.csv"]);
    let rows = query(
        &store,
        "settlements where party = Ukraine and signed >= 2015 show name, signed",
    );
    assert!(
        rows.contains(&"Fixture Agreement One (synthetic test row),2015-02-12".to_owned()),
        "{rows:?}"
    );
    // The imported agreement sits next to bundled ones with the same party.
    let all = query(&store, "settlements where party = Ukraine show name");
    assert!(all.iter().any(|r| r.contains("Minsk")), "{all:?}");
    // The party is the bundled actor itself, not a copy.
    let n = store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ <{PAX}90001> tr:party ta:ukraine }}"
    ));
    assert_eq!(n, 1);
    // It cites the dataset the mapping names.
    assert_eq!(
        query(
            &store,
            "settlements where name contains \"Fixture Agreement One\" show source"
        ),
        ["PA-X Peace Agreements Database"]
    );
}

#[test]
fn the_summary_counts_rows_triples_and_new_actors() {
    let store = TestStore::new();
    store
        .cmd(&["import", "--mapping", "pax", &file("pax-basic.csv")])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("3 of 3 rows")
                .and(predicate::str::contains("triples in"))
                .and(predicate::str::contains("rows/s"))
                .and(predicate::str::contains(
                    "2 cells linked to known actors (2 by name), 1 new actor (Atlantis)",
                )),
        );
    // The unmatched actor is minted in the import's namespace with a name.
    let n = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/treaty/id/import/pax/actor/atlantis> a tr:Actor ; rdfs:label \"Atlantis\"@en }",
    );
    assert_eq!(n, 1);
}

#[test]
fn pax_territories_in_parentheses_are_entities_and_con_is_where_not_who() {
    let store = imported("pax", &["pax-names.csv"]);
    let rows = query(
        &store,
        "settlements where name contains \"Fixture\" show name, conflict_location, party",
    );
    assert_eq!(
        rows,
        [
            // "Yugoslavia (former)" is the bundled Yugoslavia.
            "Fixture Agreement in the former Yugoslavia (synthetic test row),Bosnia and Herzegovina; Yugoslavia,Bosnia and Herzegovina",
            // The separator inside parentheses does not split a name; text naming no known
            // actor gives no party.
            "Fixture Agreement with a front (synthetic test row),Fixture Front (FF/FFA); Philippines,",
            // "(Abkhazia)" is Abkhazia, a place of the conflict, not a party: the parties are
            // those the signatories' text names.
            "Fixture Ceasefire in a territory (synthetic test row),Abkhazia; Georgia; Russia,Georgia",
        ],
    );
    let kind = query(&store, "actors where name = Abkhazia show name, actor_kind");
    assert_eq!(kind, ["Abkhazia,sub-state entity"]);
    let wrapped = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a tr:Actor ; rdfs:label ?l FILTER(STRSTARTS(?l, \"(\") || CONTAINS(?l, \"(former)\")) }",
    );
    assert_eq!(wrapped, 0);
}

#[test]
fn pax_third_parties_get_the_roles_their_headings_give() {
    let store = TestStore::new();
    store
        .cmd(&["import", "--mapping", "pax", &file("pax-names.csv")])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "free text: 3 of 4 cells name a known actor (4 actors recognised)",
        ));
    let rows = query(
        &store,
        "settlements where name contains \"Fixture Ceasefire\" show third_party, witness, third_party_guarantor",
    );
    assert_eq!(rows, ["Russia; United Nations,Russia,United Nations"]);
    // The texts are kept as written.
    let text = query(
        &store,
        "settlements where name contains \"Fixture Ceasefire\" show text_of_the_third_parties",
    );
    let text = text.join("\n");
    assert!(
        text.contains("In the presence of:") && text.contains("Guarantors:\nUnited Nations"),
        "{text}"
    );
}

#[test]
fn ucdp_agreements_link_gw_codes_third_parties_and_peacekeeping_and_match_pax() {
    let store = imported("pax", &["pax-names.csv"]);
    let before = query(&store, "count settlements").join("");
    store
        .cmd(&["import", "--mapping", "ucdp", &file("ucdp-sample.csv")])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "9901 \"Fixture Ceasefire in a territory (synthetic test row)\" = <https://w3id.org/treaty/id/import/pax/settlement/91001>",
        ));
    // 9901 is PA-X's 91001 (same day, same name): one settlement; 9902 is new.
    let after = query(&store, "count settlements").join("");
    assert_eq!(
        after.parse::<u64>().unwrap(),
        before.parse::<u64>().unwrap() + 1
    );
    assert_eq!(
        query(
            &store,
            "settlements where signed = 1994-05-14 show name, witness, third_party_guarantor"
        ),
        ["Fixture Ceasefire in a territory (synthetic test row),Russia,United Nations"]
    );
    assert_eq!(
        query(
            &store,
            "guarantees where mechanism is peacekeeping and settlement.signed = 1994-05-14 show name"
        ),
        ["Peacekeeping provision of UCDP agreement 9901"]
    );
    // GW 625 in 2005: Sudan, from the GW list.
    assert_eq!(
        query(
            &store,
            "settlements where signed = 2005-06-01 show conflict_location"
        ),
        ["Sudan"]
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_column() {
    let store = imported("pax", &["pax-bom.csv"]);
    assert_eq!(
        query(
            &store,
            "settlements where name contains \"BOM\" show name, signed"
        ),
        ["Fixture BOM Agreement (synthetic test row),2001-05-06"]
    );
}

#[test]
fn quoted_fields_keep_line_breaks_commas_and_quotes_and_rows_count_as_in_a_spreadsheet() {
    let store = TestStore::new();
    // The third data row has a bad date; the first spans three lines, yet it is row 4.
    store
        .cmd(&["import", "--mapping", "pax", &file("pax-newlines.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pax-newlines.csv:4: column \"Dat\": value \"2003-13-01\": there is no month 13",
        ));
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-newlines.csv"),
            "--skip-bad-rows",
        ])
        .assert()
        .success();
    let names = stdout(&mut store.cmd(&[
        "sparql",
        "--format",
        "json",
        &format!("SELECT ?n WHERE {{ <{PAX}90021> rdfs:label ?n }}"),
    ]));
    assert!(
        names.contains("Fixture Agreement\\nspread over\\nthree lines"),
        "{names}"
    );
    assert_eq!(
        query(
            &store,
            "settlements where name contains \"quotes\" show name"
        ),
        ["\"Fixture Agreement, with a comma and \"\"quotes\"\" (synthetic test row)\""]
    );
}

#[test]
fn header_cells_with_spaces_blank_and_repeated_are_named_predictably() {
    let store = imported(&file("messy-header.toml"), &["pax-messy-header.csv"]);
    let rows = query(
        &store,
        "settlements where name contains \"Messy Header\" show signed, in_force, party, note, source",
    );
    // Without [source], the file itself is the source.
    assert_eq!(
        rows,
        ["2004-01-02,2004-02-03,Japan,ignored,pax-messy-header.csv (imported with mapping messy)"]
    );
}

#[test]
fn dates_in_three_formats_with_blank_day_or_month_and_na() {
    let store = imported("pax", &["pax-dates.csv"]);
    assert_eq!(signed(&store, "90041"), "1995-11-21,");
    assert_eq!(signed(&store, "90042"), "1995-11-21,");
    assert_eq!(signed(&store, "90043"), "1995-01-01,year");
    assert_eq!(signed(&store, "90044"), "1995-11-01,month");
    assert_eq!(signed(&store, "90045"), "1995-01-01,year");
    // NA is "unknown": the agreement is imported without a date.
    assert_eq!(signed(&store, "90046"), "");
    let n = store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ <{PAX}90046> a tr:Settlement }}"
    ));
    assert_eq!(n, 1);
}

#[test]
fn members_joined_in_one_cell_are_split_and_linked() {
    let store = imported("pax", &["pax-joined.csv"]);
    let rows = query(
        &store,
        "settlements where name contains \"Joined Members\" show conflict_location",
    );
    assert_eq!(rows, ["Fixtureland; Russia; Ukraine"]);
}

#[test]
fn spreadsheet_scientific_numbers_become_the_identifiers_they_denote() {
    let store = imported("pax", &["pax-scientific.csv"]);
    let n = store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ <{PAX}3450000000000> a tr:Settlement }}"
    ));
    assert_eq!(n, 1);
}

#[test]
fn a_tsv_file_is_read_with_tabs() {
    let store = imported("pax", &["pax-sample.tsv"]);
    assert_eq!(
        query(
            &store,
            "settlements where conflict_location = Mexico and signed = 2007 show name, kind"
        ),
        ["\"Fixture Tab Agreement, with a comma (synthetic test row)\",accord"]
    );
}

#[test]
fn atop_members_over_wide_columns_link_by_cow_code_and_year() {
    let store = imported("atop", &["atop-sample.csv"]);
    let rows = query(
        &store,
        "settlements where name contains \"ATOP alliance\" show name, signed, party, status",
    );
    assert_eq!(
        rows,
        [
            // 365 in 1890 is the Russian Empire, 255 the German Reich, 600 Morocco (a bundled
            // actor since the second edition). In 2001 365 is Russia and 369 Ukraine; 359,
            // Moldova, is in the state lists and not in the bundled data: a new actor with the
            // lists' name. The data knows 1890 to the year and 2001-06 to the month: shown so.
            "ATOP alliance 99003,1890,German Reich; Morocco; Russian Empire,",
            // 365 in 1950 is the Soviet Union; 2.00E+02 is 200, the United Kingdom; endyr 0 is
            // "still in force".
            "ATOP alliance 99001,1950-03-12,Soviet Union; United Kingdom; United States,in force",
            // A day of 0 is unknown: the date is the first of the month; NA cells are no member.
            "ATOP alliance 99002,2001-06,Moldova; Russia; Ukraine,",
        ]
    );
    let p = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/treaty/id/import/atop/settlement/99002> tr:signedPrecision tr:month }",
    );
    assert_eq!(p, 1);
}

#[test]
fn a_state_code_nothing_carries_becomes_the_state_the_list_names_with_its_years() {
    let store = imported("atop", &["atop-sample.csv"]);
    // Moldova: COW 359 from 1991, GW 359 from 27 August 1991 (data/states/), carried by no
    // bundled actor: the new actor has both codes and the year of the lists.
    let n = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a rdfs:label \"Moldova\"@en ; tr:cowCode 359 ; tr:gwCode 359 ;
           tr:existedFrom \"1991\"^^xsd:gYear ;
           tr:actorKind <https://w3id.org/treaty/id/actor-kind/state>
           FILTER NOT EXISTS { ?a tr:existedUntil ?u } }",
    );
    assert_eq!(n, 1);
    let unnamed = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a tr:Actor ; rdfs:label ?l FILTER(CONTAINS(?l, \"COW state\")) }",
    );
    assert_eq!(unnamed, 0);
}

#[test]
fn a_code_neither_list_has_is_a_bad_cell() {
    let store = TestStore::new();
    store
        .cmd(&["import", "--mapping", "atop", &file("atop-unknown-code.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "atop-unknown-code.csv:2: column \"mem2\": value \"999\": no actor carries this code and the COW state list (v2016) has no state numbered 999",
        ));
}

#[test]
fn every_nato_member_in_atop_is_a_named_actor() {
    // Row 3180 lists NATO's members by COW code, as ATOP does: the founders of 1949, Greece and
    // Turkey, West Germany (COW 260, which no bundled actor carries: the Federal Republic is
    // the actor with GW 260), Spain, the enlargements of 1999-2017 and united Germany (255).
    let store = imported("atop", &["atop-nato.csv"]);
    let guarantors = query(
        &store,
        "guarantees where name = \"Defence obligation of ATOP alliance 3180\" show guarantor",
    );
    assert_eq!(guarantors.len(), 1, "{guarantors:?}");
    let names: Vec<&str> = guarantors[0].trim_matches('"').split("; ").collect();
    assert_eq!(
        names,
        [
            "Albania",
            "Belgium",
            "Bulgaria",
            "Canada",
            "Croatia",
            "Czech Republic",
            "Denmark",
            "Estonia",
            "France",
            "Germany",
            "Greece",
            "Hungary",
            "Iceland",
            "Italy",
            "Latvia",
            "Lithuania",
            "Luxembourg",
            "Montenegro",
            "Netherlands",
            "Norway",
            "Poland",
            "Portugal",
            "Romania",
            "Slovakia",
            "Slovenia",
            "Spain",
            "Turkey",
            "United Kingdom",
            "United States"
        ],
        "29 states: 260 and 255 are both Germany"
    );
}

/// The settlements signed on the day of the North Atlantic Treaty, and how many there are.
fn nato_day(store: &TestStore) -> (Vec<String>, String) {
    let day = query(store, "settlements where signed = 1949-04-04 show name");
    let count = query(store, "count settlements").join("");
    (day, count)
}

#[test]
fn atop_nato_is_the_north_atlantic_treaty_counted_once() {
    let store = TestStore::new();
    let (before_day, before_count) = nato_day(&store);
    assert_eq!(before_day, ["North Atlantic Treaty"]);
    store
        .cmd(&["import", "--mapping", "atop", &file("atop-nato.csv")])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "matches: 1 row matched to settlements in the store, 0 other proposals",
        ).and(predicate::str::contains(
            "1.00 3180 \"ATOP alliance 3180\" = ts:north-atlantic-treaty-1949 \"North Atlantic Treaty\" [score] (signed the same day; 12 parties shared (29 in the row, 12 in the settlement); names not compared)",
        )));
    assert_eq!(nato_day(&store), (before_day, before_count));
    // The bundled parties stay the twelve signatories; ATOP's obligations are reachable from it.
    let rows = query(
        &store,
        "guarantees where settlement.name = \"North Atlantic Treaty\" show name",
    );
    assert_eq!(
        rows,
        [
            "Collective defence under Article 5 of the North Atlantic Treaty (1949)",
            "Consultation obligation of ATOP alliance 3180",
            "Defence obligation of ATOP alliance 3180",
        ]
    );
    let parties = query(
        &store,
        "settlements where name = \"North Atlantic Treaty\" show count(party) as n",
    );
    assert_eq!(parties, ["12"]);
    // The link and its evidence: the settlement exactMatches the ATOP record.
    let n = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { ts:north-atlantic-treaty-1949 skos:exactMatch ?r .
           ?r a tr:Record ; rdfs:label \"ATOP alliance 3180\"@en ; tr:matchScore 1.00 ; tr:matchEvidence ?e }",
    );
    assert_eq!(n, 1);
}

#[test]
fn a_dry_run_lists_the_proposed_matches_and_a_rejection_or_no_match_keeps_rows_apart() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "import",
            "--dry-run",
            "--mapping",
            "atop",
            &file("atop-nato.csv"),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "= ts:north-atlantic-treaty-1949 \"North Atlantic Treaty\" [score]",
        ));
    assert_eq!(store.quads(), before);
    // Matched first, then imported again with the match rejected: the import's graph is
    // replaced, so the match is undone.
    store
        .cmd(&["import", "--mapping", "atop", &file("atop-nato.csv")])
        .assert()
        .success();
    store
        .cmd(&[
            "import",
            "--mapping",
            "atop",
            "--matches",
            &file("reject-nato.toml"),
            &file("atop-nato.csv"),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "matches: 0 rows matched to settlements in the store, 1 other proposal",
        ));
    let (day, _) = nato_day(&store);
    assert_eq!(day, ["ATOP alliance 3180", "North Atlantic Treaty"]);
    let atop = query(
        &store,
        "guarantees where settlement.name = \"North Atlantic Treaty\" show name",
    );
    assert_eq!(
        atop,
        ["Collective defence under Article 5 of the North Atlantic Treaty (1949)"]
    );
    let other = imported_with(&["--no-match"], "atop-nato.csv");
    assert_eq!(
        nato_day(&other).0,
        ["ATOP alliance 3180", "North Atlantic Treaty"]
    );
}

#[test]
fn a_pair_in_the_decisions_file_is_made_whatever_the_threshold() {
    let store = imported_with(&["--matches", &file("pair-nato.toml")], "atop-nato.csv");
    assert_eq!(nato_day(&store).0, ["North Atlantic Treaty"]);
}

/// Imports one ATOP file with extra arguments into a fresh store.
fn imported_with(extra: &[&str], name: &str) -> TestStore {
    let store = TestStore::new();
    let path = file(name);
    let mut args = vec!["import", "--mapping", "atop"];
    args.extend(extra);
    args.push(&path);
    store.cmd(&args).assert().success();
    store
}

#[test]
fn atop_obligations_become_guarantees_of_the_bundled_scheme() {
    let store = imported("atop", &["atop-sample.csv"]);
    let rows = query(
        &store,
        "guarantees where settlement.name contains \"ATOP\" show settlement.name as alliance, mechanism, reciprocal",
    );
    let expected = [
        "ATOP alliance 99001,collective defence,true",
        "ATOP alliance 99001,consultation,true",
        "ATOP alliance 99002,neutrality,true",
        "ATOP alliance 99002,non-aggression,true",
        "ATOP alliance 99003,consultation,true",
    ];
    for e in expected {
        assert!(rows.contains(&e.to_owned()), "{e} missing from {rows:?}");
    }
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    // Guarantors are the members, linked to the bundled actors.
    let g = query(
        &store,
        "guarantees where guarantor = \"Soviet Union\" and mechanism is \"collective defence\" and settlement.name contains \"ATOP\" show name",
    );
    assert_eq!(g, ["Defence obligation of ATOP alliance 99001"]);
}

#[test]
fn a_bad_row_stops_the_import_and_keeps_nothing() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&["import", "--mapping", "pax", &file("pax-bad-row.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pax-bad-row.csv:3: column \"Dat\": value \"31/02/2005\": month 2 of 2005 has no day 31",
        ));
    assert_eq!(store.quads(), before, "the store is unchanged");
}

#[test]
fn skip_bad_rows_keeps_the_good_rows_and_lists_the_bad_ones() {
    let store = TestStore::new();
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-bad-row.csv"),
            "--skip-bad-rows",
        ])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("2 of 4 rows")
                .and(predicate::str::contains("skipped 2 bad rows"))
                .and(predicate::str::contains(
                    "pax-bad-row.csv:3: column \"Dat\": value \"31/02/2005\"",
                ))
                .and(predicate::str::contains(
                    "pax-bad-row.csv:5: column \"AgtId\": value \"NA\": a value is required here",
                )),
        );
    assert_eq!(
        query(
            &store,
            "settlements where name contains \"Fixture Good\" show name"
        ),
        [
            "Fixture Good Agreement One (synthetic test row)",
            "Fixture Good Agreement Two (synthetic test row)"
        ]
    );
    assert!(query(&store, "settlements where name contains \"Fixture Bad\"").is_empty());
    assert_eq!(
        query(&store, "imports show row_count, skipped_rows"),
        ["2,2"]
    );
}

#[test]
fn a_mapping_with_an_error_names_its_line() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "import",
            "--mapping",
            &file("mapping-error.toml"),
            &file("pax-basic.csv"),
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("mapping-error.toml:9:8: unknown variant `datum`")
                .and(predicate::str::contains("9 | type = \"datum\"")),
        );
    assert_eq!(store.quads(), before);
}

#[test]
fn a_column_the_file_lacks_is_named_with_the_mapping_line() {
    let store = TestStore::new();
    store
        .cmd(&["import", "--mapping", "atop", &file("pax-basic.csv")])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("data/mappings/atop.toml:26:6: ").and(
                predicate::str::contains("has no column \"atopid\"; its columns are: Con, Contp"),
            ),
        );
}

#[test]
fn an_unknown_mapping_name_lists_the_built_in_ones() {
    let store = TestStore::new();
    store
        .cmd(&["import", "--mapping", "paxx", &file("pax-basic.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no built-in mapping or mapping file named 'paxx'; built-in mappings: atop, pax, ucdp",
        ));
}

#[test]
fn each_import_has_its_own_graph_with_provenance_and_reimport_replaces_it() {
    let store = imported("pax", &["pax-basic.csv"]);
    let graph = "https://w3id.org/treaty/graph/import/pax/pax-basic";
    let in_graph = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let first = store.count(&in_graph);
    assert!(first > 0);
    let rows = query(&store, "imports show imported_from, mapping, row_count");
    assert_eq!(rows, ["pax-basic.csv,pax,3"]);
    let at = store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ <{graph}> tr:importedAt ?t FILTER(DATATYPE(?t) = xsd:dateTime) }} }}"
    ));
    assert_eq!(at, 1);
    // Importing the same file again replaces its graph: the same triples, one provenance record.
    store
        .cmd(&["import", "--mapping", "pax", &file("pax-basic.csv")])
        .assert()
        .success();
    assert_eq!(store.count(&in_graph), first);
    assert_eq!(query(&store, "imports show imported_from").len(), 1);
}

#[test]
fn several_files_are_imported_atomically() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-basic.csv"),
            &file("pax-bad-row.csv"),
        ])
        .assert()
        .code(2);
    assert_eq!(store.quads(), before, "the good file is not kept either");
}

#[test]
fn imported_data_passes_the_model_checks_when_complete() {
    let store = imported("atop", &["atop-sample.csv"]);
    store
        .cmd(&["check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no violations"));
}

#[test]
fn latin1_cells_are_read_and_counted_and_stray_cells_make_a_bad_row() {
    let store = TestStore::new();
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-latin1.csv"),
            "--skip-bad-rows",
        ])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("1 cell(s) were not UTF-8 and were read as Latin-1").and(
                predicate::str::contains(
                    "pax-latin1.csv:3: column \"column_7\": value \"stray\": the header has only 6 columns",
                ),
            ),
        );
    assert_eq!(
        query(
            &store,
            "settlements where name contains \"Latin-1\" show name"
        ),
        ["Fixture Agrément Latin-1 (synthetic test row)"]
    );
}

#[test]
fn a_misspelt_concept_in_a_mapping_is_named_with_a_suggestion() {
    let store = TestStore::new();
    store
        .cmd(&[
            "import",
            "--mapping",
            &file("mapping-typo.toml"),
            &file("pax-basic.csv"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "mapping-typo.toml:12:18: tk:ceasfire is not a concept of the store's schemes; did you mean tk:ceasefire?",
        ));
}

#[test]
fn a_dry_run_converts_and_reports_but_writes_nothing() {
    let store = TestStore::new();
    let before = store.quads();
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-basic.csv"),
            "--dry-run",
        ])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("converted")
                .and(predicate::str::contains("3 of 3 rows"))
                .and(predicate::str::contains("dry run: nothing was written")),
        );
    assert_eq!(store.quads(), before);
}

#[test]
fn a_mapping_without_a_name_needs_a_plain_file_name() {
    // The name goes into graph and entity IRIs; a file name with a space cannot serve.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mappings/pax.toml"),
    )
    .unwrap();
    let unnamed: String = text
        .lines()
        .filter(|l| !l.starts_with("name ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let mapping = dir.path().join("my mapping.toml");
    std::fs::write(&mapping, &unnamed).unwrap();
    let store = common::TestStore::new();
    store
        .cmd(&[
            "import",
            "--mapping",
            mapping.to_str().unwrap(),
            common::fixture("import/pax-basic.csv").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot serve as one"));
    // The same mapping under a plain file name imports.
    let plain = dir.path().join("my-mapping.toml");
    std::fs::write(&plain, &unnamed).unwrap();
    store
        .cmd(&[
            "import",
            "--mapping",
            plain.to_str().unwrap(),
            common::fixture("import/pax-basic.csv").to_str().unwrap(),
        ])
        .assert()
        .success();
}

#[test]
fn a_bad_cell_with_a_line_break_is_reported_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("broken.csv");
    let header = std::fs::read_to_string(fixture("import/pax-basic.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    std::fs::write(
        &csv,
        format!(
            "{header}\nUkraine,Government/territory,9001,P,Europe and Eurasia,90009,1,Broken row,\"2015-02-12\nlater\",Multiparty signed/agreed,Intra,Cea,Ceasefire,A,B\n"
        ),
    )
    .unwrap();
    let store = TestStore::new();
    let output = store
        .cmd(&["import", "--mapping", "pax", csv.to_str().unwrap()])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The store's creation is announced on a line of its own; the error takes one line.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("broken.csv:2:"), "{stderr}");
    assert!(stderr.contains(r#"value "2015-02-12\nlater""#), "{stderr}");
}

#[test]
fn ucdp_agreements_still_in_effect_are_censored_at_the_coverage_end_and_ended_ones_left_uncoded() {
    let store = imported("ucdp", &["ucdp-sample.csv"]);
    let observed = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/treaty/graph/import/ucdp/ucdp-sample> tr:observedOn ?d
           FILTER(STR(?d) = \"2021-12-31\") }",
    );
    assert_eq!(observed, 1);
    // pa_3rd names third parties; UCDP gives them no roles (docs/import.md says why).
    assert_eq!(
        query(
            &store,
            "settlements where signed = 1994-05-14 show third_party, witness, third_party_guarantor"
        ),
        ["Russia; United Nations,,"]
    );
    // A blank `ended` is holding; True has no coded ending, only the dataset's comment.
    assert_eq!(
        query(
            &store,
            "settlements where signed in (1994-05-14, 2005-06-01) show name, peace_ending, peace_ending_note"
        ),
        [
            "Fixture Ceasefire in a territory (synthetic test row),holding,",
            "Fixture UCDP Agreement Two (synthetic test row),,Synthetic comment: the agreement ended (test row)",
        ]
    );
    // 9901, signed 1994-05-14 and holding, is censored at the import's observation date:
    // (2021-12-31 - 1994-05-14) / 365.25 = 27.6331 years
    // (python3 -c "import datetime as d; print((d.date(2021,12,31)-d.date(1994,5,14)).days/365.25)").
    // 9902 (ended, cause not coded) is left out with a note, never read as holding.
    store
        .cmd(&[
            "query",
            "--format",
            "md",
            "survival of settlements where signed in (1994-05-14, 2005-06-01)",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| 27.6331 | 1 | 0 | 1 | 1.0000 | 1.0000 | 1.0000 |",
        ))
        .stderr(predicate::str::contains(
            "left out 1 settlements without a coded peace ending: Fixture UCDP Agreement Two (synthetic test row)",
        ));
}

#[test]
fn a_mapping_observation_date_must_be_a_whole_day() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("observed.toml");
    std::fs::write(
        &mapping,
        "observed_on = \"2021-12\"\n[entity]\nclass = \"tr:Settlement\"\nid = \"{AgtId}\"\n",
    )
    .unwrap();
    TestStore::new()
        .cmd(&[
            "import",
            "--mapping",
            mapping.to_str().unwrap(),
            &file("pax-basic.csv"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("observed.toml:1:15: observed_on"));
}

#[test]
fn the_report_lists_links_by_key_created_actors_matches_and_skipped_rows() {
    let store = imported("pax", &["pax-names.csv"]);
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("atop.md");
    let csv = dir.path().join("pax.csv");
    store
        .cmd(&[
            "import",
            "--mapping",
            "atop",
            &file("atop-nato.csv"),
            "--report",
            md.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("report written to"));
    let report = std::fs::read_to_string(&md).unwrap();
    for line in [
        "### Linked to actors in the store (",
        "| 2 | ta:united-states | COW code |",
        "| <https://w3id.org/treaty/id/import/state/341-mng> | Montenegro | 341 | 341 | 1868- | 341 (created from a state list) |",
        "| 3180 | ATOP alliance 3180 | ts:north-atlantic-treaty-1949 \"North Atlantic Treaty\" | 1.00 | score | signed the same day; 12 parties shared (29 in the row, 12 in the settlement); names not compared |",
        "### Skipped (0 rows)",
    ] {
        assert!(report.contains(line), "{line} not in:\n{report}");
    }
    // CSV: one table; a bad row is listed with its row number and why.
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            "--skip-bad-rows",
            &file("pax-bad-row.csv"),
            "--report",
            csv.to_str().unwrap(),
        ])
        .assert()
        .success();
    let table = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "file,section,row,value,actor,how,cells,score,detail"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",linked,,France,ta:france,name,2,,")),
        "{table}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",skipped,3,31/02/2005,,Dat,,,month 2 of 2005 has no day 31")),
        "{table}"
    );
    // A report that is neither Markdown nor CSV is refused before anything is imported.
    store
        .cmd(&[
            "import",
            "--mapping",
            "pax",
            &file("pax-basic.csv"),
            "--report",
            dir.path().join("r.txt").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Markdown (.md) or CSV (.csv)"));
    assert_eq!(
        store.count(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/treaty/graph/import/pax/pax-basic> { ?s ?p ?o } }"
        ),
        0
    );
}

/// What done looks like (issue 16): PA-X, ATOP and UCDP in one store make no actor named after a
/// bare code or in parentheses, NATO is one settlement, and each agreement is counted once.
#[test]
fn pax_atop_and_ucdp_in_one_store_name_every_actor_and_count_each_agreement_once() {
    let store = TestStore::new();
    let bundled = query(&store, "count settlements")
        .join("")
        .parse::<u64>()
        .unwrap();
    for (mapping, fixture) in [
        ("pax", "pax-names.csv"),
        ("atop", "atop-nato.csv"),
        ("ucdp", "ucdp-sample.csv"),
    ] {
        store
            .cmd(&["import", "--mapping", mapping, &file(fixture)])
            .assert()
            .success();
    }
    // No actor whose name is a bare number or is wrapped in parentheses, in any graph.
    let bad_names = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a tr:Actor ; rdfs:label ?l
           FILTER(REGEX(STR(?l), \"^[0-9 ]+$\") || REGEX(STR(?l), \"^\\\\(.*\\\\)$\")
                  || REGEX(STR(?l), \"^(COW|GW) state\")) }",
    );
    assert_eq!(bad_names, 0);
    // NATO: the bundled settlement alone on its day, with ATOP's record linked to it.
    assert_eq!(
        query(&store, "settlements where signed = 1949-04-04 show name"),
        ["North Atlantic Treaty"]
    );
    // Each agreement once: the three PA-X rows are new; ATOP 3180 is the North Atlantic Treaty;
    // UCDP 9901 is PA-X 91001 (matched across the two imports), 9902 is new.
    assert_eq!(
        query(&store, "count settlements")
            .join("")
            .parse::<u64>()
            .unwrap(),
        bundled + 3 + 1
    );
    let records =
        store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s skos:exactMatch ?r . ?r a tr:Record }");
    assert_eq!(records, 2);
    // UCDP codes PA-X's 91001 as holding, in the UCDP graph: censored at UCDP's observation
    // date, 27.6331 years after 1994-05-14 (see the UCDP test above for the arithmetic).
    store
        .cmd(&[
            "query",
            "--format",
            "md",
            "survival of settlements where signed = 1994-05-14",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("| 27.6331 | 1 | 0 | 1 |"));
}

/// The settlements in the graph of a file imported with the `pax` mapping, by the file's stem.
fn settlements_in_pax_graph(store: &TestStore, stem: &str) -> u64 {
    store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/treaty/graph/import/pax/{stem}> {{ ?s a tr:Settlement }} }}"
    ))
}

/// A PA-X-shaped file of `rows` synthetic agreements (invented names and dates), with a bad
/// date in the last row when `bad_last` is set.
fn synthetic_pax(dir: &std::path::Path, rows: usize, bad_last: bool) -> String {
    let mut text = String::from("AgtId,Agt,Dat,Con,Stage,Reg\n");
    for i in 0..rows {
        let date = if bad_last && i + 1 == rows {
            "31/02/2005".to_owned()
        } else {
            format!("{}-{:02}-{:02}", 1990 + i % 30, 1 + i % 12, 1 + i % 28)
        };
        text.push_str(&format!(
            "{},Synthetic agreement {i} (test row),{date},France/Ukraine,Pre,Europe and Eurasia\n",
            800_000 + i
        ));
    }
    let path = dir.join("synthetic-pax.csv");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_bad_row_after_chunks_were_loaded_leaves_the_store_as_it_was() {
    // The conversion streams 5,000 rows at a time into the bulk loader; the bad row comes
    // after two chunks went there, and nothing may be committed.
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let path = synthetic_pax(dir.path(), 12_001, true);
    let before = store.quads();
    store
        .cmd(&["import", "--mapping", "pax", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "synthetic-pax.csv:12002: column \"Dat\": value \"31/02/2005\"",
        ));
    assert_eq!(store.quads(), before);
    // The same rows without the bad one import completely.
    let path = synthetic_pax(dir.path(), 12_000, false);
    store
        .cmd(&["import", "--mapping", "pax", &path])
        .assert()
        .success()
        .stderr(predicate::str::contains("12000 of 12000 rows"));
    assert_eq!(settlements_in_pax_graph(&store, "synthetic-pax"), 12_000);
}

#[test]
fn an_import_killed_midway_leaves_the_store_as_it_was() {
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let path = synthetic_pax(dir.path(), 300_000, false);
    let before = store.quads();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treaty"));
    common::clean_env(&mut cmd);
    let mut child = cmd
        .arg("--store")
        .arg(&store.path)
        .args(["import", "--mapping", "pax", &path])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it could be killed: make the file larger"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(store.quads(), before);
    assert_eq!(
        query(&store, "count settlements").join(""),
        query(&TestStore::new(), "count settlements").join("")
    );
}

#[test]
fn importing_again_streams_replaces_the_graph_and_a_bad_row_changes_nothing() {
    // A file imported again goes to a scratch database in chunks of 5,000 rows, then one
    // transaction writes the difference (docs/import.md, Memory).
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let path = synthetic_pax(dir.path(), 12_000, false);
    store
        .cmd(&["import", "--mapping", "pax", &path])
        .assert()
        .success();
    assert_eq!(settlements_in_pax_graph(&store, "synthetic-pax"), 12_000);
    let before = store.quads();
    // The same file with a bad row after two chunks: the old contents stay, whole.
    synthetic_pax(dir.path(), 12_001, true);
    store
        .cmd(&["import", "--mapping", "pax", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("synthetic-pax.csv:12002"));
    assert_eq!(store.quads(), before);
    // The same file with fewer rows: the rows no longer in it leave the store.
    synthetic_pax(dir.path(), 7_000, false);
    store
        .cmd(&["import", "--mapping", "pax", &path])
        .assert()
        .success()
        .stderr(predicate::str::contains("7000 of 7000 rows"));
    assert_eq!(settlements_in_pax_graph(&store, "synthetic-pax"), 7_000);
    assert_eq!(
        query(&store, "imports show imported_from, row_count"),
        ["synthetic-pax.csv,7000"]
    );
    // The scratch database is gone.
    let scratch = store.path.join("scratch");
    assert_eq!(std::fs::read_dir(scratch).unwrap().count(), 0);
}

#[test]
fn an_identifier_repeated_in_another_chunk_is_one_settlement() {
    // Rows 1 and 6,001 share an identifier; they are converted in different chunks of 5,000.
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("AgtId,Agt,Dat,Con,Stage,Reg\n");
    for i in 0..6_000 {
        text.push_str(&format!(
            "{},Synthetic agreement {i} (test row),2001-01-01,France/Ukraine,Pre,Europe and Eurasia\n",
            900_000 + i
        ));
    }
    text.push_str(
        "900000,Synthetic agreement 0 (test row),2001-01-01,Georgia,Pre,Europe and Eurasia\n",
    );
    let path = dir.path().join("repeated-id.csv");
    std::fs::write(&path, text).unwrap();
    store
        .cmd(&["import", "--mapping", "pax", &path.display().to_string()])
        .assert()
        .success()
        .stderr(predicate::str::contains("6001 of 6001 rows"));
    assert_eq!(settlements_in_pax_graph(&store, "repeated-id"), 6_000);
    // Its fields accumulate: both rows' conflict locations.
    let mut places = query(
        &store,
        "settlements where name = \"Synthetic agreement 0 (test row)\" show conflict_location",
    );
    places.sort();
    assert_eq!(places.len(), 1, "{places:?}");
    assert!(
        places[0].contains("France") && places[0].contains("Georgia"),
        "{places:?}"
    );
}
