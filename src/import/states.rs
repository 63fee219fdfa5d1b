//! The Correlates of War and Gleditsch-Ward state system lists (data/states/), compiled in, so
//! that a state code in an imported table resolves to a named state with its years even when
//! no curated actor carries the code.
//!
//! A state of the lists is one [`ListedState`] per pair of code and abbreviation, whichever list
//! has it: the two lists share most codes, and where they differ (COW 260 is the Federal
//! Republic from 1955, GW 260 from 1949 and after 1990; COW 679 is unified Yemen, GW keeps 678)
//! the abbreviation tells the states apart.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const COW: &str = include_str!("../../data/states/cow-states2016.csv");
const GW: &str = include_str!("../../data/states/gw-states.tsv");

/// Which list a code is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    /// Correlates of War, State System Membership List v2016.
    Cow,
    /// Gleditsch and Ward, independent states and microstates.
    Gw,
}

/// One spell of membership in one list.
#[derive(Debug, Clone)]
struct Spell {
    state: usize,
    from: i64,
    until: Option<i64>,
}

/// A state of the lists: its names, codes and the years of its membership in either list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedState {
    /// `<code>-<abbreviation>`, lower case: the end of the IRI an import mints for it.
    pub key: String,
    /// The COW name if COW lists it, else the GW name.
    pub name: String,
    /// The other list's name, when it differs.
    pub other_name: Option<String>,
    pub cow: Option<i64>,
    pub gw: Option<i64>,
    /// First year of membership in either list.
    pub from: i64,
    /// Last year of membership, `None` while still a member.
    pub until: Option<i64>,
}

/// Both lists, read once.
#[derive(Debug)]
pub struct StateLists {
    states: Vec<ListedState>,
    spells: Vec<Spell>,
    by_code: HashMap<(List, i64), Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

/// The lists compiled into the binary.
pub fn lists() -> &'static StateLists {
    static LISTS: OnceLock<StateLists> = OnceLock::new();
    LISTS.get_or_init(|| StateLists::parse(COW, GW))
}

impl StateLists {
    fn parse(cow: &str, gw: &str) -> Self {
        // (list, code, abbreviation, name, from, until)
        let mut rows: Vec<(List, i64, String, String, i64, Option<i64>)> = Vec::new();
        for line in cow.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f = split_csv(line);
            let year = |i: usize| f[i].trim().parse::<i64>().expect("a year in states2016");
            let end = year(6);
            // The list's last day means "still a member".
            let until = (end != 2016 || f[7].trim() != "12" || f[8].trim() != "31").then_some(end);
            rows.push((
                List::Cow,
                f[1].trim().parse().expect("a COW code"),
                f[0].trim().to_owned(),
                f[2].trim().to_owned(),
                year(3),
                until,
            ));
        }
        for line in gw.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let year = |s: &str| s.get(..4).and_then(|y| y.parse::<i64>().ok());
            rows.push((
                List::Gw,
                f[0].trim().parse().expect("a GW code"),
                f[1].trim().to_owned(),
                f[2].trim().to_owned(),
                year(f[3]).expect("a start date in the GW list"),
                year(f[4]),
            ));
        }
        let mut keyed: BTreeMap<String, usize> = BTreeMap::new();
        let mut lists = StateLists {
            states: Vec::new(),
            spells: Vec::new(),
            by_code: HashMap::new(),
            by_name: HashMap::new(),
        };
        // COW rows first, so that a state both lists have is named as COW names it.
        rows.sort_by_key(|r| r.0);
        for (list, code, abbr, name, from, until) in rows {
            let key = format!("{code}-{}", abbr.to_lowercase());
            let i = *keyed.entry(key.clone()).or_insert_with(|| {
                lists.states.push(ListedState {
                    key,
                    name: name.clone(),
                    other_name: None,
                    cow: None,
                    gw: None,
                    from,
                    until,
                });
                lists.states.len() - 1
            });
            let state = &mut lists.states[i];
            match list {
                List::Cow => state.cow = Some(code),
                List::Gw => state.gw = Some(code),
            }
            if state.name != name && state.other_name.is_none() {
                state.other_name = Some(name.clone());
            }
            state.from = state.from.min(from);
            state.until = match (state.until, until) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            lists
                .by_code
                .entry((list, code))
                .or_default()
                .push(lists.spells.len());
            lists.spells.push(Spell {
                state: i,
                from,
                until,
            });
        }
        for (i, state) in lists.states.iter().enumerate() {
            for name in std::iter::once(&state.name).chain(&state.other_name) {
                for variant in name_variants(name) {
                    let entry = lists.by_name.entry(variant).or_default();
                    if !entry.contains(&i) {
                        entry.push(i);
                    }
                }
            }
        }
        lists
    }

    /// The state that `code` stands for in `list` in `year`: the spell that covers the year,
    /// else the nearest one, else (without a year) the latest.
    pub fn by_code(&self, list: List, code: i64, year: Option<i64>) -> Option<&ListedState> {
        let spells = self.by_code.get(&(list, code))?;
        spells
            .iter()
            .map(|i| &self.spells[*i])
            .min_by_key(|s| match year {
                Some(y) => {
                    let before = (s.from - y).max(0);
                    let after = s.until.map_or(0, |u| (y - u).max(0));
                    (before + after, 0)
                }
                None => (0, -s.until.unwrap_or(i64::MAX)),
            })
            .map(|s| &self.states[s.state])
    }

    /// The states a name stands for (the list's name, or the part before a parenthesis, or
    /// "Korea, Republic of" read as "Republic of Korea"), ignoring case; among several, the
    /// one that was a member in `year`, else the nearest in time.
    pub fn by_name(&self, name: &str, year: Option<i64>) -> Option<&ListedState> {
        let found = self.by_name.get(&name.trim().to_lowercase())?;
        found.iter().map(|i| &self.states[*i]).min_by_key(|s| {
            year.map_or(0, |y| {
                (s.from - y).max(0) + s.until.map_or(0, |u| (y - u).max(0))
            })
        })
    }

    /// Every state, in the order the lists give them.
    pub fn states(&self) -> &[ListedState] {
        &self.states
    }
}

/// The spellings a list name is found by: itself, the part before a parenthesis ("Germany
/// (Prussia)", "Myanmar (Burma)") and the inverted form of "Vietnam, Republic of".
fn name_variants(name: &str) -> Vec<String> {
    let mut out = vec![name.to_lowercase()];
    if let Some((before, _)) = name.split_once(" (") {
        out.push(before.trim().to_lowercase());
    }
    if let Some((head, tail)) = name.split_once(", ") {
        let head = head.split(" (").next().unwrap_or(head);
        out.push(format!("{tail} {head}").to_lowercase());
    }
    out
}

/// One CSV line without quoted commas (the COW file quotes nothing).
fn split_csv(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(list: List, code: i64, year: i64) -> String {
        lists()
            .by_code(list, code, Some(year))
            .unwrap()
            .name
            .clone()
    }

    #[test]
    fn the_lists_are_complete() {
        let l = lists();
        let count = |list| -> usize {
            l.by_code
                .iter()
                .filter(|((li, _), _)| *li == list)
                .map(|(_, s)| s.len())
                .sum()
        };
        assert_eq!(count(List::Cow), 243);
        assert_eq!(count(List::Gw), 239);
    }

    #[test]
    fn rows_checked_against_the_published_lists() {
        assert_eq!(name(List::Cow, 2, 1816), "United States of America");
        assert_eq!(name(List::Cow, 140, 1900), "Brazil");
        assert_eq!(name(List::Cow, 395, 1949), "Iceland");
        assert_eq!(name(List::Cow, 365, 1950), "Russia");
        assert_eq!(name(List::Cow, 255, 1900), "Germany");
        let gfr = lists().by_code(List::Cow, 260, Some(1955)).unwrap();
        assert_eq!(gfr.name, "German Federal Republic");
        assert_eq!((gfr.cow, gfr.gw), (Some(260), Some(260)));
        assert_eq!(gfr.from, 1949, "GW lists it from 1949, COW from 1955");
        assert_eq!(gfr.until, None, "GW keeps 260 for Germany after 1990");
        let gdr = lists().by_code(List::Gw, 265, Some(1970)).unwrap();
        assert_eq!(
            (gdr.name.as_str(), gdr.until),
            ("German Democratic Republic", Some(1990))
        );
        assert_eq!(name(List::Gw, 340, 2010), "Serbia");
        assert_eq!(name(List::Cow, 345, 1990), "Yugoslavia");
    }

    #[test]
    fn codes_that_change_meaning_are_read_by_year() {
        // COW: 678 is the Yemen Arab Republic until 1990, 679 unified Yemen after.
        assert_eq!(name(List::Cow, 678, 1980), "Yemen Arab Republic");
        assert_eq!(name(List::Cow, 679, 1995), "Yemen");
        // GW keeps 678 for unified Yemen; its abbreviation differs from COW's 678 (YAR).
        let gw = lists().by_code(List::Gw, 678, Some(1995)).unwrap();
        assert_eq!(gw.key, "678-yem");
        assert_eq!(name(List::Cow, 817, 1960), "Republic of Vietnam");
    }

    #[test]
    fn names_are_found_in_their_usual_forms() {
        let l = lists();
        assert_eq!(l.by_name("iceland", None).unwrap().cow, Some(395));
        assert_eq!(l.by_name("Myanmar", None).unwrap().gw, Some(775));
        assert_eq!(l.by_name("Republic of Korea", None).unwrap().gw, Some(732));
        assert!(l.by_name("Atlantis", None).is_none());
    }
}
