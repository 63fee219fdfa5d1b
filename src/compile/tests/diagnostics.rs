//! Every message the resolver (and `let`) can give, rendered as a user sees it. One test per
//! place in `compile/` that makes a `Diagnostic`, in the order of the files.

use expect_test::{Expect, expect};

use super::{bundled, error};

fn check(tql: &str, expect: Expect) {
    let (schema, _) = bundled();
    expect.assert_eq(&error(tql, schema));
}

// mod.rs

#[test]
fn let_named_like_a_set() {
    check(
        "let settlements = guarantees",
        expect![[r#"
        Error: `settlements` is already the name of an entity set
           ╭─[ query:1:5 ]
           │
         1 │ let settlements = guarantees
           │     ─────┬─────  
           │          ╰─────── choose another name
        ───╯
    "#]],
    );
}

// resolve/mod.rs

#[test]
fn unknown_set_near_a_set() {
    check(
        "setlements",
        expect![[r#"
        Error: there is no entity set called `setlements`
           ╭─[ query:1:1 ]
           │
         1 │ setlements
           │ ─────┬────  
           │      ╰────── unknown entity set
           │ 
           │ Help: did you mean `settlements`?
        ───╯
    "#]],
    );
}

#[test]
fn unknown_set_near_none() {
    check(
        "treaties",
        expect![[r#"
        Error: there is no entity set called `treaties`
           ╭─[ query:1:1 ]
           │
         1 │ treaties
           │ ────┬───  
           │     ╰───── unknown entity set
           │ 
           │ Help: the entity sets are: actors, conflicts, guarantees, imports, mechanisms, outcomes, settlements, sources
        ───╯
    "#]],
    );
}

#[test]
fn shown_item_neither_grouped_nor_aggregated() {
    check(
        "guarantees by mechanism show name, count(*)",
        expect![[r#"
        Error: this column is neither a group key nor an aggregate
           ╭─[ query:1:30 ]
           │
         1 │ guarantees by mechanism show name, count(*)
           │                              ──┬─  
           │                                ╰─── not grouped
           │ 
           │ Help: add it to `by`, or wrap it in count(...), min(...) or max(...)
        ───╯
    "#]],
    );
}

#[test]
fn alias_starting_with_an_underscore() {
    check(
        "settlements show name as _name",
        expect![[r#"
        Error: a column name may not start with `_`
           ╭─[ query:1:26 ]
           │
         1 │ settlements show name as _name
           │                          ──┬──  
           │                            ╰──── reserved
        ───╯
    "#]],
    );
}

#[test]
fn order_by_a_column_not_shown() {
    check(
        "settlements show name order by signed",
        expect![[r#"
        Error: `signed` is not a shown column
           ╭─[ query:1:32 ]
           │
         1 │ settlements show name order by signed
           │                                ───┬──  
           │                                   ╰──── order and having refer to shown columns
           │ 
           │ Help: the columns are: name
        ───╯
    "#]],
    );
}

#[test]
fn having_without_a_comparison() {
    check(
        "count guarantees by outcome having count between 1 and 3",
        expect![[r#"
        Error: `having` takes one comparison of a column with a number
           ╭─[ query:1:36 ]
           │
         1 │ count guarantees by outcome having count between 1 and 3
           │ 
           │ Help: for example: having count > 3
        ───╯
    "#]],
    );
}

#[test]
fn having_with_something_else_than_a_number() {
    check(
        "count guarantees by outcome having count > \"3\"",
        expect![[r#"
        Error: expected a number
           ╭─[ query:1:44 ]
           │
         1 │ count guarantees by outcome having count > "3"
           │                                            ─┬─  
           │                                             ╰─── `having` compares a column with a number
        ───╯
    "#]],
    );
}

// resolve/paths.rs

#[test]
fn unknown_field_near_a_field() {
    check(
        "settlements where signd > 1815",
        expect![[r#"
        Error: settlements have no field `signd`
           ╭─[ query:1:19 ]
           │
         1 │ settlements where signd > 1815
           │                   ──┬──  
           │                     ╰──── unknown field
           │ 
           │ Help: did you mean `signed`?
        ───╯
    "#]],
    );
}

#[test]
fn unknown_field_near_none() {
    check(
        "settlements where guarantee.outcome.colour = red",
        expect![[r#"
            Error: this value have no field `colour`
               ╭─[ query:1:37 ]
               │
             1 │ settlements where guarantee.outcome.colour = red
               │                                     ───┬──  
               │                                        ╰──── unknown field
               │ 
               │ Help: the fields are: existence_exception, name, note, other_name, source, summary, wikidata
            ───╯
        "#]],
    );
}

#[test]
fn repeated_step_of_values_that_are_not_entities() {
    check(
        "settlements where name+ = \"x\"",
        expect![[r#"
        Error: `name` cannot be repeated with + or *
           ╭─[ query:1:19 ]
           │
         1 │ settlements where name+ = "x"
           │                   ──┬─  
           │                     ╰─── its values are not entities
        ───╯
    "#]],
    );
}

#[test]
fn aggregate_in_a_condition() {
    check(
        "settlements where count(party) > 2",
        expect![[r#"
        Error: `count(...)` is an aggregate and cannot be used here
           ╭─[ query:1:19 ]
           │
         1 │ settlements where count(party) > 2
           │ 
           │ Help: use aggregates in `show`, with `by` for groups
        ───╯
    "#]],
    );
}

#[test]
fn unknown_function() {
    check(
        "settlements show month(signed)",
        expect![[r#"
            Error: there is no function `month`
               ╭─[ query:1:18 ]
               │
             1 │ settlements show month(signed)
               │                  ──┬──  
               │                    ╰──── unknown function
               │ 
               │ Help: the functions are year, decade, century, years, today, count, min, max, sum, avg
            ───╯
        "#]],
    );
}

#[test]
fn function_with_the_wrong_number_of_dates() {
    check(
        "settlements show years(signed)",
        expect![[r#"
        Error: `years` takes 2 dates
           ╭─[ query:1:18 ]
           │
         1 │ settlements show years(signed)
        ───╯
    "#]],
    );
}

#[test]
fn function_of_something_else_than_a_field() {
    check(
        "settlements show year(1815)",
        expect![[r#"
            Error: a year is not a date here
               ╭─[ query:1:23 ]
               │
             1 │ settlements show year(1815)
               │                       ──┬─  
               │                         ╰─── which day of the year?
               │ 
               │ Help: write the full date, such as `1815-01-01`
            ───╯
        "#]],
    );
}

#[test]
fn function_of_a_field_that_is_not_a_date() {
    check(
        "settlements show year(name)",
        expect![[r#"
        Error: `name` is not a date
           ╭─[ query:1:23 ]
           │
         1 │ settlements show year(name)
           │                       ──┬─  
           │                         ╰─── expected a date field
        ───╯
    "#]],
    );
}

#[test]
fn value_where_a_field_is_expected() {
    check(
        "settlements where 1815 < signed",
        expect![[r#"
        Error: expected a field
           ╭─[ query:1:19 ]
           │
         1 │ settlements where 1815 < signed
           │                   ──┬─  
           │                     ╰─── a field such as `name` or `signed`
        ───╯
    "#]],
    );
}

#[test]
fn star_for_another_aggregate_than_count() {
    check(
        "settlements show kind, max(*)",
        expect![[r#"
        Error: only count takes `*`
           ╭─[ query:1:24 ]
           │
         1 │ settlements show kind, max(*)
        ───╯
    "#]],
    );
}

#[test]
fn aggregate_of_two_fields() {
    check(
        "settlements show kind, min(signed, peace_held_until)",
        expect![[r#"
        Error: `min` takes one field
           ╭─[ query:1:24 ]
           │
         1 │ settlements show kind, min(signed, peace_held_until)
        ───╯
    "#]],
    );
}

#[test]
fn today_as_a_value() {
    check(
        "settlements show name, today()",
        expect![[r#"
        Error: `today()` is a date, not a value of the entity
           ╭─[ query:1:24 ]
           │
         1 │ settlements show name, today()
           │ 
           │ Help: use it where a date goes: `years(signed, today())`, `signed > today()`
        ───╯
    "#]],
    );
}

#[test]
fn function_of_text() {
    check(
        r#"settlements show years(signed, "1914")"#,
        expect![[r#"
        Error: expected a date
           ╭─[ query:1:32 ]
           │
         1 │ settlements show years(signed, "1914")
           │                                ───┬──  
           │                                   ╰──── a date field such as `signed`, a date such as `1914-07-28`, or `today()`
        ───╯
    "#]],
    );
}

#[test]
fn function_of_a_month() {
    check(
        "settlements show years(1914-07, signed)",
        expect![[r#"
        Error: a date here needs its day
           ╭─[ query:1:24 ]
           │
         1 │ settlements show years(1914-07, signed)
           │                        ───┬───  
           │                           ╰───── a month is not a day
           │ 
           │ Help: write the full date, such as `1914-07-28`
        ───╯
    "#]],
    );
}

#[test]
fn today_with_an_argument_in_a_function() {
    check(
        "settlements show years(signed, today(1))",
        expect![[r#"
        Error: `today()` takes no argument
           ╭─[ query:1:38 ]
           │
         1 │ settlements show years(signed, today(1))
        ───╯
    "#]],
    );
}

// resolve/conditions.rs

#[test]
fn text_search_in_a_derived_value() {
    check(
        "settlements where year(signed) contains \"18\"",
        expect![[r#"
        Error: expected a field with text
           ╭─[ query:1:19 ]
           │
         1 │ settlements where year(signed) contains "18"
        ───╯
    "#]],
    );
}

#[test]
fn boolean_compared_with_something_else() {
    check(
        "guarantees where reciprocal = 1",
        expect![[r#"
        Error: expected true or false
           ╭─[ query:1:31 ]
           │
         1 │ guarantees where reciprocal = 1
        ───╯
    "#]],
    );
}

#[test]
fn date_compared_with_a_field_that_is_not_a_date() {
    check(
        "settlements where signed < name",
        expect![[r#"
            Error: cannot compare `signed` (date) with `name` (text)
               ╭─[ query:1:28 ]
               │
             1 │ settlements where signed < name
               │                            ──┬─  
               │                              ╰─── a field of another kind
            ───╯
        "#]],
    );
}

#[test]
fn name_compared_by_order() {
    check(
        "guarantees where guarantor > Britain",
        expect![[r#"
        Error: `>` does not apply to names
           ╭─[ query:1:30 ]
           │
         1 │ guarantees where guarantor > Britain
           │ 
           │ Help: compare names with = or !=
        ───╯
    "#]],
    );
}

#[test]
fn predecessors_in_a_dataset_without_them() {
    let (schema, _) = bundled();
    let mut schema = schema.clone();
    schema
        .fields
        .retain(|f| !crate::schema::LINEAGE.contains(&f.name.as_str()) || f.inverse);
    expect![[r#"
        Error: this dataset has no `continues` or `predecessor` field
           ╭─[ query:1:30 ]
           │
         1 │ guarantees where guarantor = Russia including predecessors
        ───╯
    "#]]
    .assert_eq(&super::error(
        "guarantees where guarantor = Russia including predecessors",
        &schema,
    ));
}

// resolve/values.rs

#[test]
fn unbound_parameter() {
    check(
        "settlements where party = $nobody",
        expect![[r#"
        Error: no value for the parameter `$nobody`
           ╭─[ query:1:27 ]
           │
         1 │ settlements where party = $nobody
           │                           ───┬───  
           │                              ╰───── unbound parameter
           │ 
           │ Help: pass --param nobody=VALUE
        ───╯
    "#]],
    );
}

#[test]
fn text_search_for_something_else_than_text() {
    check(
        "settlements where name contains 1815",
        expect![[r#"
        Error: expected text in quotes
           ╭─[ query:1:33 ]
           │
         1 │ settlements where name contains 1815
           │                                 ──┬─  
           │                                   ╰─── for example "London"
        ───╯
    "#]],
    );
}

#[test]
fn text_compared_with_something_else() {
    check(
        "settlements where name = 1815-06",
        expect![[r#"
        Error: expected text in quotes
           ╭─[ query:1:26 ]
           │
         1 │ settlements where name = 1815-06
           │                          ───┬───  
           │                             ╰───── for example "Vienna"
        ───╯
    "#]],
    );
}

#[test]
fn parameter_that_is_not_a_number() {
    check(
        "settlements where year(signed) > $word",
        expect![[r#"
        Error: `$word` is `soon`, not a number
           ╭─[ query:1:34 ]
           │
         1 │ settlements where year(signed) > $word
        ───╯
    "#]],
    );
}

#[test]
fn number_compared_with_something_else() {
    check(
        "settlements where year(signed) > \"1900\"",
        expect![[r#"
        Error: expected a number
           ╭─[ query:1:34 ]
           │
         1 │ settlements where year(signed) > "1900"
        ───╯
    "#]],
    );
}

#[test]
fn parameter_that_is_not_a_date() {
    check(
        "settlements where signed > $word",
        expect![[r#"
        Error: `$word` is `soon`, not a year or date
           ╭─[ query:1:28 ]
           │
         1 │ settlements where signed > $word
        ───╯
    "#]],
    );
}

#[test]
fn date_compared_with_something_else() {
    check(
        "settlements where signed > \"1850\"",
        expect![[r#"
            Error: expected a year or a date
               ╭─[ query:1:28 ]
               │
             1 │ settlements where signed > "1850"
               │                            ───┬──  
               │                               ╰──── for example 1815, 1815-06, 1815-06-09 or today()
            ───╯
        "#]],
    );
}

#[test]
fn name_expected() {
    check(
        "guarantees where guarantor = 1815",
        expect![[r#"
        Error: expected the name of an actor
           ╭─[ query:1:30 ]
           │
         1 │ guarantees where guarantor = 1815
           │                              ──┬─  
           │                                ╰─── a name, in quotes if it has spaces
        ───╯
    "#]],
    );
}

#[test]
fn unknown_name_near_names() {
    check(
        "guarantees where guarantor = Britian",
        expect![[r#"
            Error: no actor is called `Britian`
               ╭─[ query:1:30 ]
               │
             1 │ guarantees where guarantor = Britian
               │                              ───┬───  
               │                                 ╰───── unknown actor
               │ 
               │ Help: did you mean `Britain` or `British East India Company`?
            ───╯
        "#]],
    );
}

#[test]
fn unknown_name_near_none() {
    check(
        "guarantees where guarantor = Qqqqzzz",
        expect![[r#"
        Error: no actor is called `Qqqqzzz`
           ╭─[ query:1:30 ]
           │
         1 │ guarantees where guarantor = Qqqqzzz
           │                              ───┬───  
           │                                 ╰───── unknown actor
        ───╯
    "#]],
    );
}

#[test]
fn ambiguous_name() {
    check(
        "settlements where party = Serbia",
        expect![[r#"
        Error: `Serbia` is ambiguous
           ╭─[ query:1:27 ]
           │
         1 │ settlements where party = Serbia
           │                           ───┬──  
           │                              ╰──── 2 actors have this name
           │ 
           │ Help: write one of: `Kingdom of Serbia` (ta:kingdom-of-serbia), `Serbia` (ta:serbia)
        ───╯
    "#]],
    );
}

#[test]
fn year_out_of_range() {
    check(
        "settlements where signed > 0",
        expect![[r#"
        Error: 0 is not a year we can compare dates with
           ╭─[ query:1:28 ]
           │
         1 │ settlements where signed > 0
           │ 
           │ Help: write a year from 1 to 9999
        ───╯
    "#]],
    );
}

#[test]
fn today_with_an_argument_in_a_comparison() {
    check(
        "settlements where signed > today(1)",
        expect![[r#"
        Error: `today()` takes no argument
           ╭─[ query:1:34 ]
           │
         1 │ settlements where signed > today(1)
        ───╯
    "#]],
    );
}

// compile/mod.rs, analysis.rs and analogues.rs: statistics statements

#[test]
fn analysis_of_counted_rows() {
    check(
        "let counted = count settlements; rate of counted meeting name = \"x\"",
        expect![[r#"
            Error: `counted` counts or groups its rows, so it has no row per entity to analyse
               ╭─[ query:1:42 ]
               │
             1 │ let counted = count settlements; rate of counted meeting name = "x"
               │                                          ───┬───  
               │                                             ╰───── a counted or grouped query
               │ 
               │ Help: use a `let` that only chooses entities (`where`, `with`, `without`)
            ───╯
        "#]],
    );
}

#[test]
fn analysis_of_no_entity_set() {
    check(
        "survival of treaties",
        expect![[r#"
        Error: there is no entity set called `treaties`
           ╭─[ query:1:13 ]
           │
         1 │ survival of treaties
           │             ────┬───  
           │                 ╰───── unknown entity set
           │ 
           │ Help: the entity sets are: actors, conflicts, guarantees, imports, mechanisms, outcomes, settlements, sources
        ───╯
    "#]],
    );
}

#[test]
fn survival_of_actors() {
    check(
        "survival of actors by kind",
        expect![[r#"
        Error: survival is measured for settlements and guarantees, not `actors`
           ╭─[ query:1:13 ]
           │
         1 │ survival of actors by kind
           │             ───┬──  
           │                ╰──── not settlements or guarantees
           │ 
           │ Help: settlements: from signing to the coded peace ending; guarantees: from their settlement's signing to the first violation
        ───╯
    "#]],
    );
}

#[test]
fn analogues_with_an_unknown_feature() {
    check(
        "analogues of (colour red)",
        expect![[r#"
        Error: no feature `colour`
           ╭─[ query:1:15 ]
           │
         1 │ analogues of (colour red)
           │               ───┬──  
           │                  ╰──── not a feature of guarantees
           │ 
           │ Help: the features are mechanism, guarantor_count, great_power_guarantor, former_belligerent_guarantor, reciprocal, legally_binding, secret, era, region
        ───╯
    "#]],
    );
}

#[test]
fn analogues_with_great_power_guarantor_not_a_boolean() {
    check(
        "analogues of (great_power_guarantor 1)",
        expect![[r#"
        Error: `great_power_guarantor` takes true or false: a guarantor was a great power in the year of signing
           ╭─[ query:1:37 ]
           │
         1 │ analogues of (great_power_guarantor 1)
           │                                     ┬  
           │                                     ╰── not a value of this feature
        ───╯
    "#]],
    );
}

#[test]
fn analogues_with_a_feature_of_the_wrong_kind() {
    check(
        "analogues of (reciprocal 3)",
        expect![[r#"
        Error: `reciprocal` takes true or false
           ╭─[ query:1:26 ]
           │
         1 │ analogues of (reciprocal 3)
           │                          ┬  
           │                          ╰── not a value of this feature
        ───╯
    "#]],
    );
}
