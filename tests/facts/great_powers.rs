//! Spot checks of the great power spells (data/bundled/great-powers.ttl) against the lists they
//! come from: the Correlates of War major powers list (majors2016.csv, v2016; rows as
//! `ccode,styear..endyear`) and Levy's list before 1816 as Pinker (2011, ch. 5) summarises it.

use super::common::{stdout, treaty};

/// The spells of `actor` (an IRI's last segment) of `property` (`greatPowerSpell` or
/// `greatPowerUnknown`), as `from-until`, in order.
fn spells(actor: &str, property: &str) -> Vec<String> {
    let query = format!(
        "PREFIX tr: <https://w3id.org/treaty/ontology#> \
         SELECT ?from ?until WHERE {{ <https://w3id.org/treaty/id/actor/{actor}> tr:{property} ?s . \
         ?s tr:spellFrom ?from ; tr:spellUntil ?until }} ORDER BY ?from"
    );
    stdout(treaty().args(["--memory", "sparql", "--format", "csv", &query]))
        .lines()
        .skip(1)
        .map(|line| line.trim().replace(',', "-"))
        .collect()
}

fn great(actor: &str) -> Vec<String> {
    spells(actor, "greatPowerSpell")
}

#[test]
fn correlates_of_war_rows_split_among_the_actors_that_were_the_state() {
    // FRN,220,1816..1940 and 220,1945..2016; Levy's France before 1816.
    assert_eq!(great("france"), ["1648-1815", "1816-1940", "1945-2016"]);
    // GMY,255: 1816-1918 (Prussia until the Reich of 1871), 1925-1945, 1991-2016.
    assert_eq!(great("prussia"), ["1740-1815", "1816-1871"]);
    assert_eq!(great("german-reich"), ["1871-1918", "1925-1945"]);
    assert_eq!(great("germany"), ["1991-2016"]);
    // RUS,365: 1816-1917 and 1922-2016, across four actors.
    assert_eq!(great("russian-empire"), ["1721-1815", "1816-1917"]);
    assert_eq!(great("soviet-russia"), ["1917-1917", "1922-1922"]);
    assert_eq!(great("soviet-union"), ["1922-1991"]);
    assert_eq!(great("russia"), ["1991-2016"]);
    // USA,2 from 1898; JPN,740 1895-1945 and 1991-2016; CHN,710 from 1950; ITA,325 1860-1943.
    assert_eq!(great("united-states"), ["1898-2016"]);
    assert_eq!(great("japan"), ["1895-1945", "1991-2016"]);
    assert_eq!(great("china"), ["1950-2016"]);
    assert_eq!(great("kingdom-of-sardinia"), ["1860-1861"]);
    assert_eq!(great("italy"), ["1861-1943"]);
    // AUH,300 1816-1918.
    assert_eq!(great("austria-hungary"), ["1867-1918"]);
    // Never on the list.
    assert!(great("ottoman-empire").iter().all(|s| s.as_str() < "1816"));
    assert!(great("austria").is_empty());
    assert!(great("republic-of-china").is_empty());
}

#[test]
fn levys_list_before_1816_and_what_it_leaves_open() {
    assert_eq!(great("spain"), ["1648-1808"]);
    assert_eq!(great("ottoman-empire"), ["1648-1699"]);
    assert_eq!(great("kingdom-of-great-britain"), ["1707-1800"]);
    assert_eq!(great("habsburg-monarchy"), ["1648-1804"]);
    assert_eq!(great("tsardom-of-russia"), ["1721-1721"]);
    // The summary gives no years for the Netherlands and Sweden: unknown, not false.
    assert!(great("sweden").is_empty());
    assert_eq!(spells("sweden", "greatPowerUnknown"), ["1648-1815"]);
    assert_eq!(spells("dutch-republic", "greatPowerUnknown"), ["1648-1795"]);
}

#[test]
fn each_list_says_which_years_it_codes() {
    let query = "PREFIX tr: <https://w3id.org/treaty/ontology#> \
                 SELECT ?list ?from ?until WHERE { ?list tr:greatPowersFrom ?from ; \
                 tr:greatPowersUntil ?until } ORDER BY ?from";
    let out = stdout(treaty().args(["--memory", "sparql", "--format", "csv", query]));
    let lists: Vec<&str> = out.lines().skip(1).map(str::trim).collect();
    assert_eq!(
        lists,
        [
            "https://w3id.org/treaty/id/source/levy-1983-war-great-power-system,1648,1815",
            "https://w3id.org/treaty/id/source/cow-majors-2016,1816,2016",
        ]
    );
}
