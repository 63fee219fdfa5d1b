//! Spot checks of the settlements the second edition added for 1648-1815, each against the sources
//! the data cites.

use super::{count, peace_ending, rows, signed};

#[test]
fn issue_fifteen_peaces_of_the_era_are_dated() {
    // Wikipedia and Larousse (Pyrenees); Britannica (Passarowitz); Britannica and Wikipedia
    // (Hubertusburg, Campo Formio, Schönbrunn); Amiens, Pressburg, the First Peace of Paris.
    assert_eq!(signed("Treaty of the Pyrenees (1659)"), "1659-11-07");
    assert_eq!(signed("Treaty of Passarowitz (1718)"), "1718-07-21");
    assert_eq!(
        signed("Treaty of Belgrade (Austria-Ottoman Empire, 1739)"),
        "1739-09-18"
    );
    assert_eq!(signed("Treaty of Hubertusburg (1763)"), "1763-02-15");
    assert_eq!(signed("Peace of Versailles (1783)"), "1783-09-03");
    assert_eq!(signed("Treaty of Jassy (1792)"), "1792-01-09");
    assert_eq!(signed("Treaty of Campo Formio (1797)"), "1797-10-17");
    assert_eq!(signed("Treaty of Lunéville (1801)"), "1801-02-09");
    assert_eq!(signed("Treaty of Amiens (1802)"), "1802-03-25");
    assert_eq!(signed("Peace of Pressburg (1805)"), "1805-12-26");
    assert_eq!(signed("Treaty of Paris (1814)"), "1814-05-30");
}

#[test]
fn old_style_dates_are_stored_new_style() {
    // Nerchinsk 27 August (O.S.) = 6 September 1689; Gulistan 24 October (O.S.) = 5 November
    // 1813 (Great Soviet Encyclopedia); the Russian treaty of Belgrade 18 (29) September 1739
    // (Presidential Library).
    assert_eq!(signed("Treaty of Nerchinsk (1689)"), "1689-09-06");
    assert_eq!(signed("Treaty of Gulistan (1813)"), "1813-11-05");
    assert_eq!(
        signed("Treaty of Belgrade (Russia-Ottoman Empire, 1739)"),
        "1739-09-29"
    );
    let note = rows("settlements where name = \"Treaty of Gulistan (1813)\" show note").join(" ");
    assert!(note.contains("24 October"), "{note}");
}

#[test]
fn peaces_broken_by_the_next_war_between_the_same_enemies() {
    // Pyrenees: the French invasion of the Spanish Netherlands, 24 May 1667.
    assert_eq!(
        peace_ending("Treaty of the Pyrenees (1659)"),
        "war resumed,1667-05-24,"
    );
    // Amiens: Britain declared war on France on 18 May 1803.
    assert_eq!(
        peace_ending("Treaty of Amiens (1802)"),
        "war resumed,1803-05-18,"
    );
    // Gulistan: Abbas Mirza's invasion of July 1826 (month precision).
    assert_eq!(
        peace_ending("Treaty of Gulistan (1813)"),
        "war resumed,1826-07,"
    );
    // Passarowitz: Austria entered the war against the Porte in July 1737.
    assert_eq!(
        peace_ending("Treaty of Passarowitz (1718)"),
        "war resumed,1737-07,"
    );
}

#[test]
fn peaces_that_ended_without_war_or_never_began() {
    // Nerchinsk's Amur frontier was replaced by the Treaty of Aigun (28 May 1858).
    assert_eq!(
        peace_ending("Treaty of Nerchinsk (1689)"),
        "superseded,,1858-05-28"
    );
    // Shah Tahmasp II refused to ratify the treaty of 1723.
    assert_eq!(
        peace_ending("Treaty of Saint Petersburg (Russia-Persia, 1723)"),
        "never in force,,1723-09-23"
    );
    // The United States and France have not fought since the Convention of 1800.
    assert_eq!(peace_ending("Convention of 1800"), "holding,,");
}

#[test]
fn the_company_made_the_indian_peaces() {
    // Wikipedia and Britannica: the East India Company, not the Crown, concluded them.
    let parties =
        rows("settlements where name = \"Treaty of Seringapatam (1792)\" show party").join(" ");
    for party in [
        "East India Company",
        "Hyderabad (Nizam's state)",
        "Kingdom of Mysore",
        "Maratha Confederacy",
    ] {
        assert!(parties.contains(party), "{party}: {parties}");
    }
    assert_eq!(signed("Treaty of Salbai (1782)"), "1782-05-17");
    assert_eq!(signed("Treaty of Mangalore (1784)"), "1784-03-11");
    assert_eq!(signed("Treaty of Madras (1769)"), "1769-04-04");
}

#[test]
fn the_madras_defensive_alliance_was_broken_by_the_company() {
    // Hyder Ali got no help against the Marathas in 1771 (Wikipedia, Treaty of Madras).
    assert_eq!(
        rows(
            "guarantees where settlement = \"Treaty of Madras (1769)\" show outcome, violated_by, outcome_date"
        ),
        ["violated,East India Company,1771"]
    );
}

#[test]
fn malta_under_the_guarantee_of_amiens() {
    // Britain never evacuated Malta and answered France's demand in March 1803 (Rufus King to
    // Madison, 19 March 1803).
    assert_eq!(
        rows(
            "guarantees where settlement = \"Treaty of Amiens (1802)\" show outcome, outcome_date, violated_by"
        ),
        ["violated,1803-03,United Kingdom"]
    );
}

#[test]
fn every_region_has_an_eighteenth_century_peace() {
    let regions = rows(
        "settlements where signed between 1700-01-01 and 1799-12-31 by region show region order by region",
    );
    for region in ["Africa", "Americas", "Asia", "Europe", "Middle East"] {
        assert!(
            regions.contains(&region.to_owned()),
            "{region}: {regions:?}"
        );
    }
    assert_eq!(
        count(
            "settlements where signed between 1648-01-01 and 1815-12-31 and region = \"Asia\" show count(*) as n"
        ),
        "8"
    );
}
