"""Checks `treaty serve`'s /sparql with two independent clients from PyPI: rdflib's
SPARQLWrapper (as notebooks use it) and pyoxigraph's result and RDF parsers over plain HTTP.

Usage: python3 tests/clients/sparql_clients.py http://127.0.0.1:7878/sparql
Run by tests/serve.rs against a server on the bundled data; exits non-zero on the first failure.
"""

import csv
import io
import sys
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph
from SPARQLWrapper import JSON, TURTLE, POST, SPARQLWrapper

ENDPOINT = sys.argv[1]

PREFIXES = """PREFIX tr: <https://w3id.org/treaty/ontology#>
PREFIX ts: <https://w3id.org/treaty/id/settlement/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# The five guarantors of Belgian neutrality in the Treaty of London (1839), as the bundled data
# records them (tests/store.rs asks the same question through `treaty sparql`).
GUARANTORS = """SELECT DISTINCT ?name WHERE {
  ts:treaty-of-london-1839 tr:guarantee/tr:guarantor/rdfs:label ?name }"""
EXPECTED = {"Austrian Empire", "France", "Prussia", "Russian Empire", "United Kingdom"}

CONSTRUCT = """CONSTRUCT { ts:treaty-of-london-1839 tr:guarantee ?g . ?g tr:guarantor ?a }
WHERE { ts:treaty-of-london-1839 tr:guarantee ?g . ?g tr:guarantor ?a }"""


def check(condition, message):
    if not condition:
        print("FAILED: " + message)
        sys.exit(1)
    print("ok: " + message)


def sparqlwrapper():
    client = SPARQLWrapper(ENDPOINT)
    client.setQuery(PREFIXES + GUARANTORS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    check({r["name"]["value"] for r in rows} == EXPECTED, "SPARQLWrapper SELECT as JSON (GET)")

    client.setMethod(POST)
    rows = client.query().convert()["results"]["bindings"]
    check({r["name"]["value"] for r in rows} == EXPECTED, "SPARQLWrapper SELECT as JSON (POST)")

    client = SPARQLWrapper(ENDPOINT)
    client.setQuery(PREFIXES + "ASK { ts:treaty-of-london-1839 a tr:Settlement }")
    client.setReturnFormat(JSON)
    check(client.query().convert()["boolean"] is True, "SPARQLWrapper ASK")

    client = SPARQLWrapper(ENDPOINT)
    client.setQuery(PREFIXES + CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = client.queryAndConvert()
    check(len(graph) >= 6, "SPARQLWrapper CONSTRUCT as Turtle, read by rdflib (%d triples)" % len(graph))

    client = SPARQLWrapper(ENDPOINT)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }")
    try:
        client.query()
        check(False, "an update is refused")
    except Exception as e:  # SPARQLWrapper raises its own error types for 4xx answers
        check("403" in str(e) or "Forbidden" in str(e) or "read-only" in str(e),
              "an update is refused (%s)" % type(e).__name__)


def fetch(query, accept):
    url = ENDPOINT + "?" + urllib.parse.urlencode({"query": PREFIXES + query})
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type"), response.read()


def pyoxigraph_parsers():
    for accept, fmt in [
        ("application/sparql-results+xml", pyoxigraph.QueryResultsFormat.XML),
        ("application/sparql-results+json", pyoxigraph.QueryResultsFormat.JSON),
        ("text/tab-separated-values", pyoxigraph.QueryResultsFormat.TSV),
    ]:
        content_type, body = fetch(GUARANTORS, accept)
        solutions = pyoxigraph.parse_query_results(body, fmt)
        names = {s["name"].value for s in solutions}
        check(names == EXPECTED and content_type.startswith(accept),
              "pyoxigraph reads %s results" % accept)
    # CSV is lossy (no datatypes), so pyoxigraph does not read it: Python's csv module does.
    content_type, body = fetch(GUARANTORS, "text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    check(rows[0] == ["name"] and {r[0] for r in rows[1:]} == EXPECTED
          and content_type.startswith("text/csv"), "Python's csv reads text/csv results")
    for accept, fmt in [
        ("text/turtle", pyoxigraph.RdfFormat.TURTLE),
        ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
        ("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
        ("application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML),
    ]:
        _, body = fetch(CONSTRUCT, accept)
        triples = list(pyoxigraph.parse(body, fmt))
        check(len(triples) >= 6, "pyoxigraph reads a CONSTRUCT as %s (%d triples)" % (accept, len(triples)))
    try:
        fetch("SELECT * WHERE { ?s ?p }", "application/sparql-results+json")
        check(False, "a malformed query is refused")
    except urllib.error.HTTPError as e:
        check(e.code == 400, "a malformed query gets 400")


sparqlwrapper()
pyoxigraph_parsers()
print("all client checks passed")
