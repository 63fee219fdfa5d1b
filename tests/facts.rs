//! Spot checks of key facts in the bundled data, from different eras, against the sources the
//! data cites (treaty texts, Britannica, standard histories). A change to any of these is a
//! change to the historical record and must be deliberate.

mod common;

use common::{stdout, treaty};

/// The CSV rows (without header) a TQL query gives on the bundled data.
fn rows(tql: &str) -> Vec<String> {
    stdout(treaty().args(["--memory", "query", "--format", "csv", tql]))
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

fn signed(name: &str) -> String {
    let found = rows(&format!("settlements where name = \"{name}\" show signed"));
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found[0].clone()
}

#[test]
fn signing_dates_across_four_centuries() {
    assert_eq!(signed("Peace of Westphalia"), "1648-10-24");
    assert_eq!(signed("Final Act of the Congress of Vienna"), "1815-06-09");
    assert_eq!(signed("Treaty of London (1839)"), "1839-04-19");
    assert_eq!(signed("Treaty of Paris (1856)"), "1856-03-30");
    assert_eq!(signed("Treaty of Versailles"), "1919-06-28");
    assert_eq!(signed("Locarno Rhineland Pact"), "1925-12-01");
    assert_eq!(signed("Charter of the United Nations"), "1945-06-26");
    assert_eq!(signed("North Atlantic Treaty"), "1949-04-04");
    assert_eq!(signed("Korean Armistice Agreement"), "1953-07-27");
    assert_eq!(signed("Helsinki Final Act"), "1975-08-01");
    assert_eq!(
        signed("Budapest Memorandum on Security Assurances"),
        "1994-12-05"
    );
    assert_eq!(signed("Minsk II"), "2015-02-12");
}

#[test]
fn munich_is_recorded_on_the_thirtieth_with_a_note_on_the_twenty_ninth() {
    assert_eq!(signed("Munich Agreement"), "1938-09-30");
    let note = rows("settlements where name = \"Munich Agreement\" show note").join(" ");
    assert!(note.contains("29 September"), "{note}");
}

#[test]
fn guarantors_and_outcomes() {
    assert_eq!(
        rows("guarantees where settlement = \"Treaty of London (1839)\" show distinct guarantor"),
        [
            "Austrian Empire",
            "France",
            "Prussia",
            "Russian Empire",
            "United Kingdom"
        ]
    );
    assert_eq!(
        rows(
            "guarantees where name = \"Guarantee of Belgian neutrality (1839)\" show outcome, violated_by"
        ),
        ["violated,German Reich"]
    );
    assert_eq!(
        rows(
            "guarantees where name = \"Neutralisation of the Black Sea (1856)\" show outcome, violated_by"
        ),
        ["violated,Russian Empire"]
    );
    assert_eq!(
        rows(
            "guarantees where settlement = \"Budapest Memorandum on Security Assurances\" show distinct guarantor"
        ),
        ["Russia", "United Kingdom", "United States"]
    );
    assert_eq!(
        rows(
            "guarantees where settlement = \"Budapest Memorandum on Security Assurances\" show outcome, violated_by"
        ),
        ["violated,Russia"]
    );
    let locarno = rows(
        "guarantees where settlement = \"Locarno Rhineland Pact\" and mechanism is \"guarantor powers\" show distinct guarantor",
    );
    assert!(
        locarno.contains(&"United Kingdom".to_owned()) && locarno.contains(&"Italy".to_owned()),
        "{locarno:?}"
    );
}

#[test]
fn the_cuban_settlement_was_reciprocal_with_a_secret_part() {
    let found = rows(
        "guarantees where settlement.signed = 1962 and settlement.name contains \"Cuba\" show name, reciprocal, secret order by name",
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found.iter().all(|r| r.contains(",true,")),
        "all reciprocal: {found:?}"
    );
    let secret: Vec<_> = found.iter().filter(|r| r.ends_with(",true")).collect();
    assert_eq!(secret.len(), 1, "{found:?}");
    assert!(
        secret[0].contains("Jupiter") || secret[0].contains("Turkey"),
        "{secret:?}"
    );
}

#[test]
fn who_signed_and_who_did_not() {
    let korea =
        rows("settlements where name = \"Korean Armistice Agreement\" show party").join(" ");
    assert!(
        !korea.contains("South Korea"),
        "South Korea did not sign: {korea}"
    );
    let nato =
        rows("settlements where name = \"North Atlantic Treaty\" show count(party) as parties");
    assert_eq!(nato, ["12"]);
}

#[test]
fn supersession_and_never_concluded_agreements() {
    assert_eq!(
        rows("settlements where supersedes = \"Minsk Protocol\" show name"),
        ["Minsk II"]
    );
    assert_eq!(
        rows("settlements where name = \"Istanbul Communiqué\" show status"),
        ["never in force"]
    );
}

// Issue 15: the corrections of the second edition, each against the source the data cites.

#[test]
fn the_un_charter_links_every_modelled_original_member() {
    let parties = rows("settlements where name = \"Charter of the United Nations\" show party");
    let parties = parties.join(" ");
    for member in [
        "Brazil",
        "Argentina",
        "Australia",
        "Liberia",
        "South Africa",
        "India",
    ] {
        assert!(
            parties.contains(member),
            "{member} signed in 1945: {parties}"
        );
    }
    assert_eq!(
        rows(
            "settlements where name = \"Charter of the United Nations\" show count(party) as parties"
        ),
        ["45"]
    );
}

#[test]
fn versailles_and_its_period_names() {
    let parties = rows("settlements where name = \"Treaty of Versailles\" show party").join(" ");
    for signatory in [
        "Kingdom of Serbs, Croats and Slovenes",
        "Thailand",
        "Brazil",
        "New Zealand",
    ] {
        assert!(parties.contains(signatory), "{signatory}: {parties}");
    }
    assert!(
        !parties.contains("Yugoslavia"),
        "not yet so named in 1919: {parties}"
    );
    assert_eq!(
        rows("settlements where name = \"Treaty of Brest-Litovsk\" show distinct party")
            .iter()
            .filter(|p| p.contains("Soviet"))
            .collect::<Vec<_>>(),
        ["Soviet Russia"]
    );
    let laos =
        rows("settlements where name contains \"Neutrality of Laos\" and signed = 1962 show party")
            .join(" ");
    assert!(
        laos.contains("Burma") && !laos.contains("Myanmar"),
        "{laos}"
    );
}

#[test]
fn helsinki_beneficiaries_are_the_states_of_1975() {
    let beneficiaries = rows(
        "guarantees where settlement = \"Helsinki Final Act\" and mechanism is \"non-aggression\" show distinct beneficiary",
    );
    assert!(!beneficiaries.is_empty());
    assert!(
        !beneficiaries.contains(&"Ukraine".to_owned()),
        "Ukraine joined the CSCE in 1992: {beneficiaries:?}"
    );
}

#[test]
fn occupations_follow_one_convention() {
    // The occupied state guarantees, the occupiers benefit (1815 ... 1895, and now 1918 and 1919).
    for settlement in ["Treaty of Versailles", "Armistice of Compiègne"] {
        assert_eq!(
            rows(&format!(
                "guarantees where settlement = \"{settlement}\" and mechanism is \"occupation as guarantee\" show distinct guarantor"
            )),
            ["German Reich"],
            "{settlement}"
        );
    }
    assert_eq!(
        rows("guarantees where settlement = \"Treaty of Ancón\" show mechanism"),
        ["plebiscite"]
    );
    let crimea =
        rows("guarantees where settlement = \"Treaty of Küçük Kaynarca\" show distinct mechanism");
    assert!(!crimea.contains(&"neutrality".to_owned()), "{crimea:?}");
}

#[test]
fn continuity_is_told_from_succession() {
    assert_eq!(
        rows("actors where name = \"Russia\" show continues"),
        ["Soviet Union"]
    );
    assert_eq!(
        rows("actors where name = \"Ukraine\" show continues"),
        ["Ukrainian SSR"]
    );
    let ukraine = rows("actors where name = \"Ukraine\" show distinct predecessor");
    assert!(ukraine.contains(&"Soviet Union".to_owned()), "{ukraine:?}");
    assert_eq!(
        rows("actors where name = \"Austrian Empire\" show continues"),
        ["Habsburg Monarchy"]
    );
    assert_eq!(
        rows("actors where name = \"Federal Republic of Yugoslavia\" show continues"),
        [""],
        "the FRY's claim to continue the SFRY was rejected (UNSC 777, Badinter Opinion 10)"
    );
}

#[test]
fn codes_and_identifiers() {
    assert_eq!(
        rows("actors where name = \"Brazil\" show cow_code, gw_code, iso_code"),
        ["140,140,BRA"]
    );
    assert_eq!(
        rows("actors where name = \"Germany\" show cow_code, gw_code"),
        ["255,260"]
    );
    let netherlands = rows("actors where name = \"Netherlands\" show wikidata").join(" ");
    assert!(
        netherlands.ends_with("Q29999"),
        "the Kingdom, not Q55: {netherlands}"
    );
}

/// How a settlement's peace ended: the ending, peace held until, peace ended on (CSV).
fn peace_ending(name: &str) -> String {
    let found = rows(&format!(
        "settlements where name = \"{name}\" show peace_ending, peace_held_until, peace_ended_on"
    ));
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found[0].clone()
}

#[test]
fn how_peaces_ended_with_their_dates() {
    // War between signatories: Britain and France against Russia, March 1854 (month precision).
    assert_eq!(
        peace_ending("Final Act of the Congress of Vienna"),
        "war resumed,1854-03,"
    );
    // The alliance faded without war: Britain left the congress system at Verona in October 1822.
    assert_eq!(peace_ending("Quadruple Alliance (1815)"), "lapsed,,1822-10");
    // Replaced by the Treaty of Versailles on its entry into force.
    assert_eq!(
        peace_ending("Armistice of Compiègne"),
        "superseded,,1920-01-10"
    );
    assert_eq!(
        peace_ending("Treaty of Sèvres"),
        "never in force,,1920-08-10"
    );
    assert_eq!(
        peace_ending("Molotov-Ribbentrop Pact"),
        "war resumed,1941-06-22,"
    );
    assert_eq!(
        peace_ending("Soviet-Japanese Neutrality Pact"),
        "war resumed,1945-08-09,"
    );
    assert_eq!(
        peace_ending("Panama Canal Neutrality Treaty"),
        "war resumed,1989-12-20,"
    );
    assert_eq!(
        peace_ending("Budapest Memorandum on Security Assurances"),
        "war resumed,2014-02,"
    );
    assert_eq!(
        peace_ending("Black Sea Grain Initiative"),
        "lapsed,,2023-07-17"
    );
    assert_eq!(peace_ending("Treaty of Ghent"), "holding,,");
    assert_eq!(peace_ending("Egypt-Israel Peace Treaty"), "holding,,");
}

#[test]
fn every_settlement_says_how_its_peace_ended() {
    assert_eq!(
        rows(
            "settlements by peace_ending show peace_ending, count(*) as settlements order by settlements desc, peace_ending"
        ),
        [
            "war resumed,85",
            "holding,46",
            "lapsed,13",
            "superseded,13",
            "never in force,4"
        ]
    );
    // The narrower concepts count as ended without war.
    assert_eq!(
        rows("settlements where peace_ending is \"ended without war\" show count(*)"),
        ["30"]
    );
    // Every ended peace has its date and every holding one has none.
    assert_eq!(
        rows(
            "settlements where peace_ending is \"war resumed\" without peace_held_until show count(*)"
        ),
        ["0"]
    );
}

#[test]
fn ended_guarantees_are_dated_or_say_why_not() {
    assert_eq!(
        rows(
            "guarantees where name = \"Guarantee of Belgian neutrality (1839)\" show outcome, outcome_date"
        ),
        ["violated,1914-08-04"]
    );
    // Russia's circular repudiating the Black Sea clauses.
    assert_eq!(
        rows(
            "guarantees where name = \"Neutralisation of the Black Sea (1856)\" show outcome_date"
        ),
        ["1870-10-31"]
    );
    // 104 guarantees were violated, lapsed, superseded or never in force: 94 are dated, and the
    // other ten (nine of them violated) say in their outcome note why no date is stored.
    assert_eq!(rows("guarantees with outcome_date show count(*)"), ["94"]);
    assert_eq!(
        rows("guarantees where outcome is violated without outcome_date show count(*)"),
        ["9"]
    );
}
