//! TQL -> resolved query -> SPARQL algebra, printed as people read it (`sparql::pretty`).

use expect_test::{Expect, expect};

use super::{bundled, resolved};
use crate::compile::lower;
use crate::sparql;

fn check(tql: &str, expect: Expect) {
    let (schema, _) = bundled();
    let query = match resolved(tql, schema) {
        Ok(query) => lower(&query),
        Err(d) => panic!("{}", d.render("query", tql, false)),
    };
    let text = sparql::pretty(&query, crate::vocab::PREFIXES);
    // The text is what the compiler built: it parses back to the same algebra.
    let again = spargebra::SparqlParser::new()
        .parse_query(&text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        sparql::canonical_sse(&query),
        sparql::canonical_sse(&again),
        "{text}"
    );
    expect.assert_eq(&text);
}

#[test]
fn one_row_per_entity_with_shown_fields_optional_and_lists_concatenated() {
    check(
        "guarantees where guarantor = Britain show name, guarantor",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX ta: <https://w3id.org/treaty/id/actor/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT
              (SAMPLE(?__v1) AS ?name)
              (GROUP_CONCAT(DISTINCT COALESCE(STR(?__v3), ""); SEPARATOR = "\u001F") AS ?guarantor)
            WHERE {
              ?__this a tr:Guarantee .
              ?__this tr:guarantor ta:united-kingdom .
              OPTIONAL { ?__this rdfs:label ?__v1 . }
              OPTIONAL {
                ?__this tr:guarantor ?__v2 .
                ?__v2 rdfs:label ?__v3 .
              }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v1))) ASC(STR(MIN(?__v3))) ASC(?__this)"#]],
    );
}

#[test]
fn conditions_joined_by_and_share_the_beginning_of_their_paths() {
    check(
        "settlements where guarantee.mechanism is neutrality and guarantee.outcome is violated show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX tm: <https://w3id.org/treaty/id/mechanism/>
            PREFIX to: <https://w3id.org/treaty/id/outcome/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Settlement .
                  ?__this tr:guarantee ?__v1 .
                  ?__v1 tr:mechanism tm:neutrality .
                  ?__v1 tr:outcome to:violated .
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}

#[test]
fn or_and_not_become_exists_tests() {
    check(
        "guarantees where (outcome is violated or reciprocal = true) and not guarantor = France show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX ta: <https://w3id.org/treaty/id/actor/>
            PREFIX to: <https://w3id.org/treaty/id/outcome/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v1) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  FILTER((EXISTS { ?__this tr:outcome to:violated . } || EXISTS { ?__this tr:reciprocal true . }) && NOT EXISTS { ?__this tr:guarantor ta:france . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v1 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v1))) ASC(?__this)"#]],
    );
}

#[test]
fn several_values_come_first_as_values() {
    check(
        "guarantees where guarantor = Russia including predecessors show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX ta: <https://w3id.org/treaty/id/actor/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  VALUES ?__v1 { ta:russia ta:russian-empire ta:soviet-russia ta:soviet-union ta:tsardom-of-russia }
                  ?__this tr:guarantor ?__v1 .
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}

#[test]
fn not_after_a_date_instead_of_at_most() {
    check(
        "settlements where signed <= 1945-09-02 show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Settlement .
                  ?__this tr:signed ?__v1 .
                  FILTER(!(?__v1 > "1945-09-02"^^xsd:date))
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}

#[test]
fn text_compares_in_lower_case_and_searches_without_case() {
    check(
        "settlements where name = \"Treaty of PARIS\" and name contains \"Vienna\" and guarantee.guarantor matches \"^Brit\" show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v6) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this rdfs:label ?__v1 .
                  ?__this rdfs:label ?__v2 .
                  ?__this tr:guarantee ?__v3 .
                  ?__v3 tr:guarantor ?__v4 .
                  ?__v4 rdfs:label ?__v5 .
                  FILTER((((LCASE(STR(?__v1)) = "treaty of paris") && CONTAINS(LCASE(STR(?__v2)), "vienna")) && REGEX(STR(?__v5), "^Brit", "i")) && EXISTS { ?__this a tr:Settlement . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v6 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v6))) ASC(?__this)"#]],
    );
}

#[test]
fn repeated_steps_are_property_paths() {
    check(
        "settlements where supersedes+ = \"Minsk Protocol\" show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX ts: <https://w3id.org/treaty/id/settlement/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v1) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this (tr:supersedes)+ ts:minsk-protocol-2014 .
                  FILTER(EXISTS { ?__this a tr:Settlement . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v1 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v1))) ASC(?__this)"#]],
    );
}

#[test]
fn groups_with_having_and_order() {
    check(
        "count guarantees by outcome having count > 2 order by count desc",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?outcome (COUNT(DISTINCT ?__this) AS ?count)
            WHERE {
              ?__this a tr:Guarantee .
              OPTIONAL {
                {
                  SELECT ?__this ?__v1 ?outcome
                  WHERE {
                    ?__this tr:outcome ?__v1 .
                    ?__v1 rdfs:label ?outcome .
                  }
                }
              }
            }
            GROUP BY ?outcome
            HAVING (COUNT(DISTINCT ?__this) > 2)
            ORDER BY DESC(?count) ASC(STR(?outcome))"#]],
    );
}

#[test]
fn aggregates_averages_rounded_and_derived_values() {
    check(
        "settlements with peace_held_until \
         show century(signed), count(*) as n, avg(years(signed, peace_held_until)) as held, max(decade(signed))",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT ?century_signed ?n ?held ?max_decade_signed ?__skipped2 ?__skipped3
            WHERE {
              {
                SELECT ?__g ?century_signed (COUNT(DISTINCT ?__this) AS ?__n) (COUNT(DISTINCT ?__this) AS ?n)
                WHERE {
                  {
                    SELECT DISTINCT ?__this
                    WHERE {
                      ?__this tr:peaceHeldUntil ?__v1 .
                      FILTER(EXISTS { ?__this a tr:Settlement . })
                    }
                  }
                  OPTIONAL { ?__this tr:signed ?__v2 . }
                  BIND(IF(BOUND(?__v2), xsd:integer(FLOOR(COALESCE(YEAR(?__v2) - 1) / 100.0)) + 1, ?__v3) AS ?century_signed)
                  BIND(IF(BOUND(?century_signed), CONCAT("+", STR(?century_signed)), "-") AS ?__g)
                }
                GROUP BY ?__g ?century_signed
              }
              OPTIONAL {
                {
                  SELECT ?__g (AVG(?__v10) AS ?__a2) (COUNT(DISTINCT ?__this) AS ?__h2)
                  WHERE {
                    {
                      SELECT DISTINCT ?__this ?__g ?__v8 ?__v9 ?__v10
                      WHERE {
                        {
                          SELECT DISTINCT ?__this
                          WHERE {
                            ?__this tr:peaceHeldUntil ?__v5 .
                            FILTER(EXISTS { ?__this a tr:Settlement . })
                          }
                        }
                        OPTIONAL { ?__this tr:signed ?__v6 . }
                        BIND(IF(BOUND(?__v6), xsd:integer(FLOOR(COALESCE(YEAR(?__v6) - 1) / 100.0)) + 1, ?__v7) AS ?__v4)
                        BIND(IF(BOUND(?__v4), CONCAT("+", STR(?__v4)), "-") AS ?__g)
                        ?__this tr:signed ?__v8 .
                        ?__this tr:peaceHeldUntil ?__v9 .
                        BIND(YEAR(?__v9) - YEAR(?__v8) - IF(((MONTH(?__v9) < MONTH(?__v8)) || ((MONTH(?__v9) = MONTH(?__v8)) && (DAY(?__v9) < DAY(?__v8)))), 1, 0) AS ?__v10)
                        FILTER(BOUND(?__v10))
                      }
                    }
                  }
                  GROUP BY ?__g
                }
              }
              OPTIONAL {
                {
                  SELECT ?__g (MAX(?__v16) AS ?__a3) (COUNT(DISTINCT ?__this) AS ?__h3)
                  WHERE {
                    {
                      SELECT DISTINCT ?__this ?__g ?__v15 ?__v16
                      WHERE {
                        {
                          SELECT DISTINCT ?__this
                          WHERE {
                            ?__this tr:peaceHeldUntil ?__v12 .
                            FILTER(EXISTS { ?__this a tr:Settlement . })
                          }
                        }
                        OPTIONAL { ?__this tr:signed ?__v13 . }
                        BIND(IF(BOUND(?__v13), xsd:integer(FLOOR(COALESCE(YEAR(?__v13) - 1) / 100.0)) + 1, ?__v14) AS ?__v11)
                        BIND(IF(BOUND(?__v11), CONCAT("+", STR(?__v11)), "-") AS ?__g)
                        ?__this tr:signed ?__v15 .
                        BIND(xsd:integer(FLOOR(YEAR(?__v15) / 10.0)) * 10 AS ?__v16)
                        FILTER(BOUND(?__v16))
                      }
                    }
                  }
                  GROUP BY ?__g
                }
              }
              BIND(ROUND(?__a2 * 100) / 100 AS ?held)
              BIND(?__n - COALESCE(?__h2, 0) AS ?__skipped2)
              BIND(?__a3 AS ?max_decade_signed)
              BIND(?__n - COALESCE(?__h3, 0) AS ?__skipped3)
            }
            ORDER BY ASC(?century_signed) ASC(?n) ASC(?held) ASC(?max_decade_signed)"#]],
    );
}

#[test]
fn distinct_with_limit_and_offset() {
    check(
        "settlements show distinct kind order by kind desc limit 5 offset 2",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT DISTINCT ?kind
            WHERE {
              ?__this a tr:Settlement .
              OPTIONAL {
                {
                  SELECT ?__this ?__v1 ?kind
                  WHERE {
                    ?__this tr:kind ?__v1 .
                    ?__v1 rdfs:label ?kind .
                  }
                }
              }
            }
            ORDER BY DESC(STR(?kind))
            OFFSET 2
            LIMIT 5"#]],
    );
}

#[test]
fn field_to_field_comparison() {
    check(
        "conflicts where end < start show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v3) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Conflict .
                  ?__this tr:end ?__v1 .
                  ?__this tr:start ?__v2 .
                  FILTER(?__v1 < ?__v2)
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v3 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v3))) ASC(?__this)"#]],
    );
}

// The rules of SEMANTICS.md at the SPARQL level; expectations are filled in by UPDATE_EXPECT=1
// and reviewed: each says which nodes a scope shares.

#[test]
fn r1_each_where_clause_is_its_own_scope() {
    check(
        "guarantees where settlement.signed > 1900 and settlement.kind is armistice \
         where settlement.signed < 1950 show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX tk: <https://w3id.org/treaty/id/kind/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT (SAMPLE(?__v5) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  ?__v1 tr:guarantee ?__this .
                  ?__v1 tr:signed ?__v2 .
                  ?__v1 tr:kind tk:armistice .
                  ?__v3 tr:guarantee ?__this .
                  ?__v3 tr:signed ?__v4 .
                  FILTER((?__v2 > "1900-12-31"^^xsd:date) && (?__v4 < "1950-01-01"^^xsd:date))
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v5 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v5))) ASC(?__this)"#]],
    );
}

#[test]
fn r2_each_operand_of_or_and_not_is_its_own_exists_with_its_conjunction_correlated() {
    check(
        "guarantees where settlement.signed > 1900 and \
         not (settlement.kind is armistice and settlement.signed < 1950) show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX tk: <https://w3id.org/treaty/id/kind/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT (SAMPLE(?__v5) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  ?__v1 tr:guarantee ?__this .
                  ?__v1 tr:signed ?__v2 .
                  FILTER((?__v2 > "1900-12-31"^^xsd:date) && NOT EXISTS {
                    ?__v3 tr:guarantee ?__this .
                    ?__v3 tr:kind tk:armistice .
                    ?__v3 tr:signed ?__v4 .
                    FILTER(?__v4 < "1950-01-01"^^xsd:date)
                  })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v5 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v5))) ASC(?__this)"#]],
    );
}

#[test]
fn r3_a_shown_expression_correlates_its_paths() {
    check(
        "guarantees show years(settlement.signed, settlement.peace_held_until) as y",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            SELECT (GROUP_CONCAT(DISTINCT COALESCE(STR(?__v1), ""); SEPARATOR = "\u001F") AS ?y)
            WHERE {
              ?__this a tr:Guarantee .
              OPTIONAL {
                {
                  SELECT ?__v2 ?__this ?__v3 ?__v4
                  WHERE {
                    ?__v2 tr:guarantee ?__this .
                    ?__v2 tr:signed ?__v3 .
                    ?__v2 tr:peaceHeldUntil ?__v4 .
                  }
                }
              }
              BIND(IF((BOUND(?__v3) && BOUND(?__v4)), YEAR(?__v4) - YEAR(?__v3) - IF(((MONTH(?__v4) < MONTH(?__v3)) || ((MONTH(?__v4) = MONTH(?__v3)) && (DAY(?__v4) < DAY(?__v3)))), 1, 0), ?__v5) AS ?__v1)
            }
            GROUP BY ?__this
            ORDER BY ASC(MIN(?__v1)) ASC(?__this)"#]],
    );
}

#[test]
fn r6_an_aggregate_runs_over_distinct_entity_bindings_in_its_own_sub_select() {
    check(
        "guarantees by mechanism show mechanism, count(guarantor) as n, \
         count(distinct guarantor) as d, avg(years(settlement.signed, settlement.peace_held_until)) as y",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?mechanism ?n ?d ?y ?__skipped3
            WHERE {
              {
                SELECT ?__g ?mechanism (COUNT(DISTINCT ?__this) AS ?__n)
                WHERE {
                  ?__this a tr:Guarantee .
                  OPTIONAL {
                    ?__this tr:mechanism ?__v1 .
                    ?__v1 rdfs:label ?mechanism .
                  }
                  BIND(IF(BOUND(?mechanism), CONCAT("+", STR(?mechanism)), "-") AS ?__g)
                }
                GROUP BY ?__g ?mechanism
              }
              OPTIONAL {
                {
                  SELECT ?__g (COUNT(?__v4) AS ?__a1) (COUNT(DISTINCT ?__this) AS ?__h1)
                  WHERE {
                    {
                      SELECT DISTINCT ?__this ?__g ?__v4
                      WHERE {
                        ?__this a tr:Guarantee .
                        OPTIONAL {
                          ?__this tr:mechanism ?__v3 .
                          ?__v3 rdfs:label ?__v2 .
                        }
                        BIND(IF(BOUND(?__v2), CONCAT("+", STR(?__v2)), "-") AS ?__g)
                        ?__this tr:guarantor ?__v4 .
                        FILTER(BOUND(?__v4))
                      }
                    }
                  }
                  GROUP BY ?__g
                }
              }
              OPTIONAL {
                {
                  SELECT ?__g (COUNT(DISTINCT ?__v7) AS ?__a2) (COUNT(DISTINCT ?__this) AS ?__h2)
                  WHERE {
                    {
                      SELECT DISTINCT ?__this ?__g ?__v7
                      WHERE {
                        ?__this a tr:Guarantee .
                        OPTIONAL {
                          ?__this tr:mechanism ?__v6 .
                          ?__v6 rdfs:label ?__v5 .
                        }
                        BIND(IF(BOUND(?__v5), CONCAT("+", STR(?__v5)), "-") AS ?__g)
                        ?__this tr:guarantor ?__v7 .
                        FILTER(BOUND(?__v7))
                      }
                    }
                  }
                  GROUP BY ?__g
                }
              }
              OPTIONAL {
                {
                  SELECT ?__g (AVG(?__v13) AS ?__a3) (COUNT(DISTINCT ?__this) AS ?__h3)
                  WHERE {
                    {
                      SELECT DISTINCT ?__this ?__g ?__v10 ?__v11 ?__v12 ?__v13
                      WHERE {
                        ?__this a tr:Guarantee .
                        OPTIONAL {
                          ?__this tr:mechanism ?__v9 .
                          ?__v9 rdfs:label ?__v8 .
                        }
                        BIND(IF(BOUND(?__v8), CONCAT("+", STR(?__v8)), "-") AS ?__g)
                        ?__v10 tr:guarantee ?__this .
                        ?__v10 tr:signed ?__v11 .
                        ?__v10 tr:peaceHeldUntil ?__v12 .
                        BIND(YEAR(?__v12) - YEAR(?__v11) - IF(((MONTH(?__v12) < MONTH(?__v11)) || ((MONTH(?__v12) = MONTH(?__v11)) && (DAY(?__v12) < DAY(?__v11)))), 1, 0) AS ?__v13)
                        FILTER(BOUND(?__v13))
                      }
                    }
                  }
                  GROUP BY ?__g
                }
              }
              BIND(COALESCE(?__a1, 0) AS ?n)
              BIND(COALESCE(?__a2, 0) AS ?d)
              BIND(ROUND(?__a3 * 100) / 100 AS ?y)
              BIND(?__n - COALESCE(?__h3, 0) AS ?__skipped3)
            }
            ORDER BY ASC(STR(?mechanism)) ASC(?n) ASC(?d) ASC(?y)"#]],
    );
}

#[test]
fn r9_not_equal_between_fields_is_not_among() {
    check(
        "guarantees where guarantor != settlement.party show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v3) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  ?__this tr:guarantor ?__v1 .
                  ?__v2 tr:guarantee ?__this .
                  FILTER(NOT EXISTS { ?__v2 tr:party ?__v1 . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v3 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v3))) ASC(?__this)"#]],
    );
}

#[test]
fn r9_equal_names_compare_labels_in_lower_case() {
    check(
        "guarantees where guarantor.name = settlement.party.name show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v6) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  ?__this tr:guarantor ?__v1 .
                  ?__v1 rdfs:label ?__v2 .
                  ?__v3 tr:guarantee ?__this .
                  ?__v3 tr:party ?__v4 .
                  ?__v4 rdfs:label ?__v5 .
                  FILTER(LCASE(STR(?__v2)) = LCASE(STR(?__v5)))
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v6 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v6))) ASC(?__this)"#]],
    );
}

#[test]
fn alternatives_on_one_path_are_one_pattern_in_a_scope_of_their_own() {
    // One VALUES join, not an EXISTS test per alternative; its guarantee (?__v2) is not the
    // one `outcome` speaks of (?__v3).
    check(
        "settlements where (guarantee.mechanism is neutrality or guarantee.mechanism is \
         demilitarisation) and guarantee.outcome is violated show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX tm: <https://w3id.org/treaty/id/mechanism/>
            PREFIX to: <https://w3id.org/treaty/id/outcome/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v4) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Settlement .
                  VALUES ?__v1 { tm:neutrality tm:demilitarisation }
                  ?__this tr:guarantee ?__v2 .
                  ?__v2 tr:mechanism ?__v1 .
                  ?__this tr:guarantee ?__v3 .
                  ?__v3 tr:outcome to:violated .
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v4 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v4))) ASC(?__this)"#]],
    );
    // Text tests of one path: one walk, the tests joined by `||`.
    check(
        "settlements where name contains \"minsk\" or name matches \"^treaty of london\" show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this rdfs:label ?__v1 .
                  FILTER((CONTAINS(LCASE(STR(?__v1)), "minsk") || REGEX(STR(?__v1), "^treaty of london", "i")) && EXISTS { ?__this a tr:Settlement . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
    // Under `not`: one NOT EXISTS with the values.
    check(
        "guarantees where not (mechanism is neutrality or mechanism is demilitarisation) show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX tm: <https://w3id.org/treaty/id/mechanism/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  FILTER(NOT EXISTS {
                    VALUES ?__v1 { tm:neutrality tm:demilitarisation }
                    ?__this tr:mechanism ?__v1 .
                  })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}

#[test]
fn without_is_minus_unless_a_condition_names_a_value() {
    check(
        "guarantees without outcome show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  MINUS { ?__this tr:outcome ?__v1 . }
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
    // After a named value the entities are few: each is looked up.
    check(
        "guarantees where guarantor = Britain without tested_by show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX ta: <https://w3id.org/treaty/id/actor/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this a tr:Guarantee .
                  ?__this tr:guarantor ta:united-kingdom .
                  FILTER(NOT EXISTS { ?__this tr:testedBy ?__v1 . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}

#[test]
fn the_class_is_a_test_of_what_a_with_finds() {
    check(
        "settlements with supersedes show name",
        expect![[r#"
            PREFIX tr: <https://w3id.org/treaty/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT (SAMPLE(?__v2) AS ?name)
            WHERE {
              {
                SELECT DISTINCT ?__this
                WHERE {
                  ?__this tr:supersedes ?__v1 .
                  FILTER(EXISTS { ?__this a tr:Settlement . })
                }
              }
              OPTIONAL { ?__this rdfs:label ?__v2 . }
            }
            GROUP BY ?__this
            ORDER BY ASC(STR(SAMPLE(?__v2))) ASC(?__this)"#]],
    );
}
