//! TQL -> the resolved query, printed compactly (`ir::Query`'s `Display`).

use expect_test::{Expect, expect};

use super::{bundled, resolved};

fn check(tql: &str, expect: Expect) {
    let (schema, _) = bundled();
    match resolved(tql, schema) {
        Ok(query) => expect.assert_eq(&query.to_string()),
        Err(d) => panic!("{}", d.render("query", tql, false)),
    }
}

#[test]
fn a_set_alone_shows_its_default_fields_in_its_default_order() {
    check(
        "settlements",
        expect![[r#"
        from tr:Settlement
        show name = rdfs:label
             signed = tr:signed
             kind = tr:kind
             status = tr:status
        order by signed, name, kind, status
    "#]],
    );
}

#[test]
fn a_name_becomes_an_iri() {
    check(
        "guarantees where guarantor = Britain show name",
        expect![[r#"
        from tr:Guarantee
        where tr:guarantor = ta:united-kingdom
        show name = rdfs:label
        order by name
    "#]],
    );
}

#[test]
fn paths_of_several_steps_and_inverse_fields() {
    check(
        "guarantees where settlement.party = France show settlement.signed, settlement.name",
        expect![[r#"
            from tr:Guarantee
            where ^tr:guarantee/tr:party = ta:france
            show settlement_signed = ^tr:guarantee/tr:signed (list)
                 settlement_name = ^tr:guarantee/rdfs:label (list)
            order by settlement_signed, settlement_name
        "#]],
    );
}

#[test]
fn and_or_not_keep_their_shape() {
    check(
        "guarantees where (outcome is violated or reciprocal = true) and not guarantor = France show name",
        expect![[r#"
            from tr:Guarantee
            where (tr:outcome = to:violated or tr:reciprocal = true)
              and not (tr:guarantor = ta:france)
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn alternatives_on_one_path_merge_into_one_test() {
    check(
        "guarantees where outcome is violated or outcome is lapsed or guarantor = Britain show name",
        expect![[r#"
            from tr:Guarantee
            where (tr:outcome in (to:violated, to:lapsed) or tr:guarantor = ta:united-kingdom)
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn with_and_without() {
    check(
        "settlements with guarantee.violated_by without peace_held_until show name",
        expect![[r#"
            from tr:Settlement
            where exists tr:guarantee/tr:violatedBy
              and not (exists tr:peaceHeldUntil)
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn in_is_a_merged_alternative() {
    check(
        "settlements where kind in (armistice, \"peace treaty\") show name",
        expect![[r#"
            from tr:Settlement
            where tr:kind in (tk:armistice, tk:peace-treaty)
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn between_years_and_dates_is_from_the_first_day_to_the_last() {
    check(
        "settlements where signed between 1900 and 1950-06 show name",
        expect![[r#"
            from tr:Settlement
            where tr:signed between 1900-01-01 and 1950-06-30
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn dates_compare_by_the_days_they_stand_for() {
    check(
        "settlements where signed = 1815 and signed != 1816-02 and signed < 1919-06-28 \
         and signed <= 1945 and signed > 1800 and signed >= $from show name",
        expect![[r#"
            from tr:Settlement
            where tr:signed between 1815-01-01 and 1815-12-31
              and not (tr:signed between 1816-02-01 and 1816-02-29)
              and tr:signed < 1919-06-28
              and tr:signed <= 1945-12-31
              and tr:signed > 1800-12-31
              and tr:signed >= 1815-06-01
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn is_includes_narrower_concepts() {
    check(
        "guarantees where mechanism is \"non-aggression\" show name",
        expect![[r#"
        from tr:Guarantee
        where tr:mechanism in (tm:non-aggression, tm:non-invasion)
        show name = rdfs:label
        order by name
    "#]],
    );
}

#[test]
fn not_is_excludes_narrower_concepts_too() {
    check(
        "guarantees where mechanism is not \"non-aggression\" show name",
        expect![[r#"
        from tr:Guarantee
        where not (tr:mechanism in (tm:non-aggression, tm:non-invasion))
        show name = rdfs:label
        order by name
    "#]],
    );
}

#[test]
fn including_predecessors_lists_the_actor_and_its_predecessors() {
    check(
        "guarantees where guarantor = Russia including predecessors show name",
        expect![[r#"
            from tr:Guarantee
            where tr:guarantor in (ta:russia, ta:russian-empire, ta:soviet-russia, ta:soviet-union, ta:tsardom-of-russia)
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn repeated_steps() {
    check(
        "settlements where supersedes+ = \"Minsk Protocol\" show name, supersedes*",
        expect![[r#"
            from tr:Settlement
            where tr:supersedes+ = ts:minsk-protocol-2014
            show name = rdfs:label
                 supersedes = tr:supersedes* (list)
            order by name, supersedes
        "#]],
    );
}

#[test]
fn text_compares_in_lower_case_and_searches_without_case() {
    check(
        "settlements where name = \"Treaty of PARIS\" or name contains \"Vienna\" or name matches \"^Minsk\" \
         show name",
        expect![[r#"
            from tr:Settlement
            where (lcase(rdfs:label) = "treaty of paris" or rdfs:label contains "Vienna" or rdfs:label matches "^Minsk")
            show name = rdfs:label
            order by name
        "#]],
    );
}

#[test]
fn dates_compare_with_dates_of_the_same_entity() {
    check(
        "conflicts where end < start show name",
        expect![[r#"
        from tr:Conflict
        where tr:end < tr:start
        show name = rdfs:label
        order by name
    "#]],
    );
}

#[test]
fn derived_values() {
    check(
        "settlements where year(signed) > 1900 \
         show name, decade(signed), century(signed), years(signed, peace_held_until) as held",
        expect![[r#"
            from tr:Settlement
            where year(tr:signed) > 1900
            show name = rdfs:label
                 decade_signed = decade(tr:signed)
                 century_signed = century(tr:signed)
                 held = years(tr:signed, tr:peaceHeldUntil)
            order by name, decade_signed, century_signed, held
        "#]],
    );
}

#[test]
fn count_by_groups_and_having_filters_groups() {
    check(
        "count guarantees by outcome, mechanism having count > 2 order by count desc",
        expect![[r#"
            from tr:Guarantee
            group by outcome = tr:outcome
                     mechanism = tr:mechanism
            show count = count(distinct this)
            having count > 2
            order by count desc, outcome, mechanism
        "#]],
    );
}

#[test]
fn aggregates_in_show_group_by_the_other_items() {
    check(
        "guarantees where outcome is violated \
         show mechanism, count(*) as n, count(guarantor), min(settlement.signed), avg(year(settlement.signed))",
        expect![[r#"
            from tr:Guarantee
            where tr:outcome = to:violated
            group by mechanism = tr:mechanism
            show n = count(distinct this)
                 count_guarantor = count(tr:guarantor)
                 min_settlement_signed = min(^tr:guarantee/tr:signed)
                 avg_year_settlement_signed = avg(year(^tr:guarantee/tr:signed))
            order by mechanism, n, count_guarantor, min_settlement_signed, avg_year_settlement_signed
        "#]],
    );
}

#[test]
fn count_without_by_is_one_group() {
    check(
        "count settlements where signed >= 1900",
        expect![[r#"
        from tr:Settlement
        where tr:signed >= 1900-01-01
        show count = count(distinct this)
        order by count
    "#]],
    );
}

#[test]
fn show_distinct_order_limit_offset() {
    check(
        "settlements show distinct kind order by kind desc limit 5 offset 2",
        expect![[r#"
            from tr:Settlement
            show distinct kind = tr:kind
            order by kind desc
            limit 5
            offset 2
        "#]],
    );
}

#[test]
fn order_by_a_column_name_alias_or_expression() {
    check(
        "settlements show name as title, signed, year(signed) order by year(signed) desc, title",
        expect![[r#"
            from tr:Settlement
            show title = rdfs:label
                 signed = tr:signed
                 year_signed = year(tr:signed)
            order by year_signed desc, title, signed
        "#]],
    );
}

#[test]
fn duplicate_column_names_are_numbered() {
    check(
        "settlements show name, name, name",
        expect![[r#"
        from tr:Settlement
        show name = rdfs:label
             name_2 = rdfs:label
             name_3 = rdfs:label
        order by name, name_2, name_3
    "#]],
    );
}

#[test]
fn let_puts_the_definition_in_front() {
    check(
        "let cold_war = settlements where signed between 1947 and 1991 show name; \
         cold_war where kind is armistice show name, signed limit 3",
        expect![[r#"
            from tr:Settlement
            where tr:signed between 1947-01-01 and 1991-12-31
              and tr:kind = tk:armistice
            show name = rdfs:label
                 signed = tr:signed
            order by signed, name
            limit 3
        "#]],
    );
}

#[test]
fn parameters_become_values() {
    check(
        "settlements where party = $country and name contains $q and signed >= $from show name",
        expect![[r#"
            from tr:Settlement
            where tr:party = ta:ukraine
              and rdfs:label contains "minsk"
              and tr:signed >= 1815-06-01
            show name = rdfs:label
            order by name
        "#]],
    );
}
