"""The SPARQL 1.1 Protocol at /sparql, driven by a real client (SPARQLWrapper) for
every result format and by raw HTTP for status codes, content types, negotiation,
CORS and caching; answers checked against the embedded store."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, \
    SPARQLWrapper

from tests.httpclient import get, raw_request, request

LOOKUP = "SELECT ?p ?o WHERE { id:serbia ?p ?o } ORDER BY ?p ?o"
DESCRIBE_SERBIA = "CONSTRUCT { id:serbia ?p ?o } WHERE { id:serbia ?p ?o }"


def expected_rows(store, query: str) -> list[dict[str, str]]:
    results = store.query(query)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def wrapper(base: str, query: str, fmt, method=GET, request_method=URLENCODED) -> SPARQLWrapper:
    w = SPARQLWrapper(f"{base}/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    w.setRequestMethod(request_method)
    return w


# --- SPARQLWrapper, every result format -------------------------------------------

@pytest.mark.parametrize("method,request_method", [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_select_json_by_every_request_kind(live_server, store, method, request_method):
    result = wrapper(live_server, LOOKUP, JSON, method, request_method).queryAndConvert()
    rows = [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]
    assert rows == expected_rows(store, LOOKUP) and len(rows) > 3


def test_select_xml(live_server, store):
    doc = wrapper(live_server, LOOKUP, XML).queryAndConvert()
    values = [[b.getElementsByTagName("uri")[0].firstChild.data if b.getElementsByTagName("uri")
               else b.getElementsByTagName("literal")[0].firstChild.data
               for b in result.getElementsByTagName("binding")]
              for result in doc.getElementsByTagName("result")]
    assert values == [[r["p"], r["o"]] for r in expected_rows(store, LOOKUP)]


@pytest.mark.parametrize("fmt,delimiter", [(CSV, ","), (TSV, "\t")])
def test_select_csv_and_tsv(live_server, store, fmt, delimiter):
    text = wrapper(live_server, LOOKUP, fmt).queryAndConvert()
    text = text.decode() if isinstance(text, bytes) else text
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert [h.lstrip("?") for h in rows[0]] == ["p", "o"]
    assert len(rows) - 1 == len(expected_rows(store, LOOKUP))
    if fmt == CSV:
        assert [r[0] for r in rows[1:]] == [r["p"] for r in expected_rows(store, LOOKUP)]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(live_server, fmt):
    assert wrapper(live_server, "ASK { id:serbia ?p ?o }", fmt).queryAndConvert() is not None
    yes = wrapper(live_server, "ASK { id:serbia ?p ?o }", JSON).queryAndConvert()
    no = wrapper(live_server, "ASK { id:serbia dsr:noSuchProperty ?o }", JSON).queryAndConvert()
    assert yes["boolean"] is True and no["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_construct_in_rdf_formats(live_server, store, fmt):
    graph = wrapper(live_server, DESCRIBE_SERBIA, fmt).queryAndConvert()
    if isinstance(graph, bytes):              # SPARQLWrapper hands Turtle over unparsed
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    assert isinstance(graph, rdflib.Graph)
    expected = {(t.subject.value, t.predicate.value, str(t.object.value)) for t in store.query(DESCRIBE_SERBIA)}
    got = {(str(s), str(p), str(o)) for s, p, o in graph}
    assert got == expected and len(got) > 3


def test_describe(live_server):
    graph = rdflib.Graph().parse(data=wrapper(live_server, "DESCRIBE id:serbia", TURTLE).queryAndConvert(),
                                 format="turtle")
    assert (rdflib.URIRef("https://w3id.org/dsr-balkans/id/serbia"), None, None) in graph


def test_protocol_dataset_restricts_the_default_graph(live_server, built):
    w = wrapper(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    total = int(w.queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    w = wrapper(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    w.addDefaultGraph(built.graph_iri("entities"))
    entities = int(w.queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    assert 0 < entities < total


# --- the dataset --------------------------------------------------------------------

def test_default_graph_is_the_union_and_named_graphs_answer_graph(live_server, store, built):
    _, _, body = get(live_server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    per_graph = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]}
    assert built.graph_iri("inferred") in per_graph and built.graph_iri("entities") in per_graph
    _, _, body = get(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    union = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    # Oxigraph's union default graph matches a triple once per graph that holds it
    # (as the embedded store of the CLI does); DISTINCT gives the set.
    assert union == sum(per_graph.values()) == len(store)
    _, _, body = get(live_server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    distinct = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert distinct == len({(q.subject, q.predicate, q.object) for q in store.store})


def test_asserted_only_leaves_out_the_inferences(live_server, store, built):
    row = next(iter(store.query(
        "SELECT ?s ?p ?o WHERE { GRAPH graph:inferred { ?s ?p ?o } "
        "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } FILTER (?g != graph:inferred) } FILTER(isIRI(?o)) } LIMIT 1")))
    ask = f"ASK {{ <{row['s'].value}> <{row['p'].value}> <{row['o'].value}> }}"
    assert json.loads(get(live_server, ask)[2])["boolean"] is True
    assert json.loads(get(live_server, ask, **{"asserted-only": "true"})[2])["boolean"] is False
    _, _, body = get(live_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", **{"asserted-only": "true"})
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert built.graph_iri("inferred") not in graphs
    status, _, body = get(live_server, ask, **{"asserted-only": "maybe"})
    assert status == 400 and b"true or false" in body


# --- negotiation ----------------------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
])
def test_select_negotiation(live_server, accept, expected):
    status, headers, _ = get(live_server, LOOKUP, accept=accept)
    assert status == 200 and headers["content-type"].split(";")[0] == expected
    assert "Accept" in headers["vary"]


@pytest.mark.parametrize("accept,expected", [
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
    ("application/trig", "application/trig"), ("application/n-quads", "application/n-quads"),
    ("*/*", "text/turtle"), ("application/n-triples;q=0.2, text/turtle;q=0.8", "text/turtle"),
])
def test_construct_negotiation_and_parse(live_server, store, accept, expected):
    status, headers, body = get(live_server, DESCRIBE_SERBIA, accept=accept)
    media = headers["content-type"].split(";")[0]
    assert status == 200 and media == expected
    fmt = ox.RdfFormat.from_media_type(media)
    parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(body, fmt)}
    assert parsed == {(t.subject, t.predicate, t.object) for t in store.query(DESCRIBE_SERBIA)}


def test_format_parameter_overrides_accept(live_server):
    status, headers, body = get(live_server, LOOKUP, accept="application/sparql-results+json", format="csv")
    assert status == 200 and headers["content-type"].startswith("text/csv") and body.startswith(b"p,o")
    status, headers, _ = get(live_server, DESCRIBE_SERBIA, accept="text/turtle", format="application/ld+json")
    assert headers["content-type"].startswith("application/ld+json")
    status, _, body = get(live_server, LOOKUP, format="yaml")
    assert status == 400 and b"json, xml, csv, tsv" in body


def test_unsupported_accept_is_406(live_server):
    status, _, body = get(live_server, LOOKUP, accept="image/png")
    assert status == 406
    assert b"application/sparql-results+json" in body
    status, _, _ = get(live_server, DESCRIBE_SERBIA, accept="text/csv")
    assert status == 406


# --- service description, HTML, CORS ---------------------------------------------------

@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/rdf+xml", "*/*"])
def test_service_description(live_server, accept):
    status, headers, body = request(f"{live_server}/sparql", headers={"Accept": accept})
    assert status == 200
    fmt = ox.RdfFormat.from_media_type(headers["content-type"].split(";")[0])
    triples = list(ox.parse(body, fmt, base_iri=live_server))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(f"{live_server}/sparql")
    assert any(t.subject == endpoint and t.object == ox.NamedNode(sd + "Service") for t in triples)
    formats = {t.object.value for t in triples if t.predicate == ox.NamedNode(sd + "resultFormat")}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 10
    assert sum(1 for t in triples if t.predicate == ox.NamedNode(sd + "name")) >= 3


def test_browsers_get_a_query_page(live_server):
    status, headers, body = request(f"{live_server}/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<form" in body or b"<textarea" in body


def test_cors_and_preflight(live_server):
    _, headers, _ = get(live_server, LOOKUP)
    assert headers["access-control-allow-origin"] == "*"
    assert "ETag" in headers["access-control-expose-headers"]
    status, headers, _ = request(f"{live_server}/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status in (200, 204)
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()


# --- errors ---------------------------------------------------------------------------

def test_malformed_query_gets_400_with_message_and_position(live_server):
    status, headers, body = get(live_server, "SELECT * WHERE {\n  ?s ?p \n}")
    assert status == 400 and headers["content-type"].startswith("application/json")
    error = json.loads(body)
    assert error["line"] == 3 and error["column"] >= 1
    assert "expected" in error["error"]
    status, headers, body = get(live_server, "SELECT * WHERE { ?s ?p }", accept="text/csv")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert b"SPARQL syntax error" in body and b"1:" in body


@pytest.mark.parametrize("headers,body,status", [
    ({}, b"ASK {}", 415),                                                    # no content type
    ({"Content-Type": "text/plain"}, b"ASK {}", 415),
    ({"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"), 415),
    ({"Content-Type": "application/sparql-query"}, "ASK {}".encode("utf-16"), 400),   # not UTF-8
    ({"Content-Type": "application/x-www-form-urlencoded"}, b"query=ASK%7B%7D&query=ASK%7B%7D", 400),
    ({"Content-Type": "application/x-www-form-urlencoded"}, b"nothing=here", 400),
    ({"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 403),
])
def test_bad_posts(live_server, headers, body, status):
    got, _, answer = raw_request(live_server, "POST", "/sparql", body, {"Accept": "text/plain", **headers})
    assert got == status, answer
    assert len(answer) > 20


def test_wrong_method(live_server):
    status, headers, _ = request(f"{live_server}/sparql?query=ASK%7B%7D", method="PUT", data=b"")
    assert status == 405 and "GET" in headers["allow"]


# --- caching ---------------------------------------------------------------------------

def test_repeated_requests_are_cached_and_validated(live_server):
    query = "SELECT ?o WHERE { id:serbia skos:prefLabel ?o }"
    status, headers, body = get(live_server, query)
    etag = headers["etag"]
    assert status == 200 and etag.startswith('W/"')
    again = get(live_server, query)
    assert again[0] == 200 and again[2] == body and again[1]["etag"] == etag
    qs = urllib.parse.urlencode({"query": query})
    status, headers, body = request(f"{live_server}/sparql?{qs}",
                                    headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert status == 304 and body == b""
    status, _, _ = request(f"{live_server}/sparql?{qs}", headers={
        "Accept": "application/sparql-results+xml", "If-None-Match": etag})
    assert status == 200                       # another representation, another ETag
    status, headers, body = request(f"{live_server}/sparql?{qs}", method="HEAD",
                                    headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and body == b"" and headers["etag"] == etag
