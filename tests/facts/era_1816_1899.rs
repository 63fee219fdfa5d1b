//! Spot checks of the settlements the second edition added for 1816-1899, each against the sources
//! the data cites.

use super::{count, peace_ending, rows, signed};

#[test]
fn the_settlements_issue_15_named_for_1816_1899_are_dated() {
    // Turkmenchay: 10 February 1828 Old Style (Great Soviet Encyclopedia, Wikipedia).
    assert_eq!(signed("Treaty of Turkmenchay (1828)"), "1828-02-22");
    // The Convention for the Pacification of the Levant (Napier's text, Wikipedia).
    assert_eq!(signed("Convention of London (1840)"), "1840-07-15");
    assert_eq!(signed("Treaty of Zurich (1859)"), "1859-11-10");
    // Denmark and the duchies (Britannica 1929, 'Schleswig-Holstein Question').
    assert_eq!(signed("Treaty of Vienna (1864)"), "1864-10-30");
    assert_eq!(signed("Peace of Prague (1866)"), "1866-08-23");
    assert_eq!(signed("Treaty of Vienna (1866)"), "1866-10-03");
    // Britannica and the Encyclopedia of Western Colonialism; Wikipedia says 23 October.
    assert_eq!(signed("Treaty of Addis Ababa (1896)"), "1896-10-26");
}

#[test]
fn addis_ababa_keeps_the_other_date_in_its_note() {
    let note =
        rows("settlements where name = \"Treaty of Addis Ababa (1896)\" show note").join(" ");
    assert!(note.contains("23 October"), "{note}");
}

#[test]
fn paraguay_made_two_separate_peaces_after_the_war_of_the_triple_alliance() {
    // Brazil broke the allies' undertaking to make peace together (Loizaga-Cotegipe, 1872);
    // Argentina followed in 1876 (Machaín-Irigoyen).
    assert_eq!(
        rows(
            "settlements where ends = \"War of the Triple Alliance\" show signed, name, party order by signed"
        ),
        [
            "1872-01-09,Loizaga-Cotegipe Treaty (1872),Brazil; Paraguay",
            "1876-02-03,Machaín-Irigoyen Treaty (1876),Argentina; Paraguay"
        ]
    );
    assert_eq!(peace_ending("Loizaga-Cotegipe Treaty (1872)"), "holding,,");
}

#[test]
fn how_the_peaces_of_1828_to_1896_ended() {
    // Italy (continuing Sardinia) declared war on Austria on 20 June 1866.
    assert_eq!(
        peace_ending("Treaty of Zurich (1859)"),
        "war resumed,1866-06-20,"
    );
    // Italy declared war on Austria-Hungary on 23 May 1915.
    assert_eq!(
        peace_ending("Treaty of Vienna (1866)"),
        "war resumed,1915-05-23,"
    );
    // Italy invaded Ethiopia on 3 October 1935.
    assert_eq!(
        peace_ending("Treaty of Addis Ababa (1896)"),
        "war resumed,1935-10-03,"
    );
    // Soviet Russia's treaty with Persia of 26 February 1921 annulled the Tsarist treaties.
    assert_eq!(
        peace_ending("Treaty of Turkmenchay (1828)"),
        "superseded,,1921-02-26"
    );
    // The Straits Convention of 13 July 1841 closed the Eastern crisis.
    assert_eq!(
        peace_ending("Convention of London (1840)"),
        "superseded,,1841-07-13"
    );
    // Prussia's place passed to the German Empire, linked as predecessor only.
    assert_eq!(peace_ending("Peace of Prague (1866)"), "lapsed,,1871-01-18");
    // Abdelkader resumed the war in November 1839 (month precision).
    assert_eq!(
        peace_ending("Treaty of Tafna (1837)"),
        "war resumed,1839-11,"
    );
    // Kütahya is dated to the month; the Ottoman army crossed into Syria in April 1839.
    assert_eq!(signed("Convention of Kütahya (1833)"), "1833-05");
    assert_eq!(
        peace_ending("Convention of Kütahya (1833)"),
        "war resumed,1839-04,"
    );
}

#[test]
fn the_north_schleswig_plebiscite_lapsed_when_austria_released_prussia() {
    // Article V of Prague; abrogated by the Austro-German treaty of 11 October 1878.
    assert_eq!(
        rows(
            "guarantees where settlement = \"Peace of Prague (1866)\" show mechanism, guarantor, outcome, outcome_date"
        ),
        ["plebiscite,Prussia,lapsed,1878-10-11"]
    );
}

#[test]
fn occupations_held_as_security_follow_the_file_convention() {
    // The occupied state is the guarantor, the occupier the beneficiary.
    let found = rows(
        "guarantees where settlement.signed between 1816-01-01 and 1899-12-31 and mechanism is \"occupation as guarantee\" show settlement.name, guarantor, beneficiary, outcome order by settlement_name",
    );
    for row in [
        "Treaty of Wad-Ras (1860),Morocco,Spain,honoured",
        "Treaty of Constantinople (1897),Greece,Ottoman Empire,honoured",
        "Franco-Siamese Treaty (1893),Thailand,France,superseded",
    ] {
        assert!(found.contains(&row.to_owned()), "{row}: {found:?}");
    }
}

#[test]
fn africa_has_nineteenth_century_settlements() {
    // Issue 15: at least five settlements in Africa before 1945 (there were none).
    let africa: u32 = count(
        "settlements where region = \"Africa\" and signed between 1816-01-01 and 1899-12-31 show count(*)",
    )
    .parse()
    .unwrap();
    assert!(africa >= 10, "{africa}");
}

#[test]
fn states_outside_the_cow_list_carry_their_gleditsch_ward_code() {
    // Burma 1816-1885 and Gran Colombia 1821-1830 are on the Gleditsch-Ward list only.
    assert_eq!(
        rows("actors where name = \"Konbaung Burma\" show cow_code, gw_code"),
        [",775"]
    );
    assert_eq!(
        rows("actors where name = \"Gran Colombia\" show cow_code, gw_code"),
        [",99"]
    );
    assert_eq!(
        rows("actors where name = \"Morocco\" show cow_code, gw_code, iso_code"),
        ["600,600,MAR"]
    );
}
