"""Hostile and broken inputs to the curator endpoints: each gets its specific error, and
none changes anything (curated graphs, change log, published dataset).

Every case runs against a real ``dsr serve`` with writes enabled. Writes go to
``/store`` or ``/update`` with a valid token (so it is the input that is refused, not
the caller); syntax cases also go through ``/validate``.
"""

from __future__ import annotations

import json

import pytest

from tests.curator import AUTH, PREFIXES_SPARQL, R000, R001, claim_body, claim_ttl, post, state

BASE = "https://w3id.org/dsr-balkans/"
TTL_PREFIXES = claim_ttl(1).split("\n\n", 1)[0] + "\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" \
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
STORE = f"/store?graph={R000}"
STORE_R001 = f"/store?graph={R001}"


def ttl(body: str) -> str:
    return TTL_PREFIXES + body


def entity(slug: str, cls: str = "Company", label: str = "A new test company", extra: str = "") -> str:
    return ttl(f'id:{slug} a dsr:{cls} ; skos:prefLabel "{label}"@en {extra}.\n')


CLAIM = claim_body(950)

# (id, method, path, content type, body, status, words the error must contain)
CASES = [
    # --- malformed syntax of every accepted format --------------------------------
    ("turtle-syntax", "POST", STORE, "text/turtle", ttl("claim:r000-950 a dsr:Claim\nclaim:r000-951 a dsr:Claim ."),
     400, ["Turtle syntax error", "request body.ttl:"]),
    ("trig-syntax", "POST", "/validate", "application/trig", "<http://x/g> { <http://x/a> <http://x/b> }",
     400, ["TriG syntax error"]),
    ("ntriples-syntax", "POST", STORE, "application/n-triples", "<http://x/a> <http://x/b> <c> .\n",
     400, ["N-Triples syntax error", ":1:"]),
    ("nquads-syntax", "POST", "/validate", "application/n-quads", '<http://x/a> <http://x/b> "c" <g> <h> .\n',
     400, ["N-Quads syntax error"]),
    ("jsonld-not-json", "POST", STORE, "application/ld+json", '{"@id": "http://x/a",, }',
     400, ["JSON-LD syntax error", "not JSON"]),
    ("rdfxml-syntax", "POST", STORE, "application/rdf+xml",
     '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
     '<rdf:Description rdf:about="http://x/a"><rdf:value>x</rdf:valu></rdf:Description></rdf:RDF>',
     400, ["RDF/XML syntax error", "ill-formed"]),
    ("sparql-update-syntax", "POST", "/update", "application/sparql-update", "INSERT DATA { GRAPH <%s> { " % R000,
     400, ["SPARQL syntax error"]),
    # --- data that parses but is wrong ---------------------------------------------
    ("wrong-datatype-lexical", "POST", STORE, "text/turtle",
     entity("test-company-count", extra='; dsr:cameraCount "many"^^xsd:integer '),
     422, ["'many' is not a valid xsd:integer"]),
    ("wrong-datatype-shape", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace('dsr:section "China’s Closest Friend in the Western Balkans"', 'dsr:note "six"')),
     422, ["Validation failed", "dsr:note", "r000-950"]),
    ("missing-source", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace("dsr:source report:surveying-dsr-western-balkans ;", "")),
     422, ["r000-950", "source"]),
    ("missing-quote", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace('dsr:quote "has become the commercial user of the National Data Center in Kragujevac"',
                       'dsr:note "1"^^xsd:positiveInteger')), 422, ["r000-950", "quote"]),
    ("quote-not-in-report", "POST", STORE, "text/turtle",
     ttl(claim_body(950, quote="has become the sole owner of every data centre in the Balkans")),
     422, ["quote not found"]),
    ("unknown-report", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace("report:surveying-dsr-western-balkans", "report:no-such-report")),
     422, ["no-such-report"]),
    ("claim-in-the-wrong-report-graph", "POST", STORE_R001, "text/turtle", ttl(CLAIM),
     422, ["cites", "write it to <" + R000]),
    ("unknown-class", "POST", STORE, "text/turtle", entity("test-compnay", cls="Compnay"),
     422, ["unknown class dsr:Compnay", "Did you mean dsr:Company"]),
    ("unknown-property", "POST", STORE, "text/turtle", entity("test-company-hq", extra="; dsr:headquarter id:serbia "),
     422, ["unknown property dsr:headquarter"]),
    ("disjoint-classes", "POST", STORE, "text/turtle",
     ttl('id:test-hybrid a dsr:Company, dsr:DataCentre ; skos:prefLabel "Test hybrid"@en .'),
     422, ["OWL-RL inconsistency"]),
    ("dangling-reference", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace("rdf:object id:kragujevac", "rdf:object id:no-such-city")),
     422, ["no-such-city"]),
    ("duplicate-entity-wikidata", "POST", STORE, "text/turtle",
     entity("huawei-technologies-test", label="Huawei Technologies Test",
            extra="; skos:exactMatch <http://www.wikidata.org/entity/Q160120> "),
     422, ["same Wikidata item wd:Q160120", "id/huawei"]),
    ("duplicate-entity-label", "POST", STORE, "text/turtle", entity("huawei-2", label="Huawei"),
     422, ["is also a label of the existing", "id/huawei"]),
    ("blank-node", "POST", STORE, "text/turtle", ttl('[] a dsr:Company ; skos:prefLabel "Nameless"@en .'),
     422, ["blank node"]),
    ("uppercase-slug", "POST", STORE, "text/turtle", entity("Test_Company_Upper", label="Upper Test Co"),
     422, ["slugs are lowercase", "id/test-company-upper"]),
    ("iri-from-a-local-server", "POST", STORE, "text/turtle",
     ttl(CLAIM.replace("rdf:subject id:state-data-center-kragujevac",
                       "rdf:subject <http://127.0.0.1:8000/id/state-data-center-kragujevac>")),
     422, ["another host", BASE + "id/state-data-center-kragujevac"]),
    ("iri-with-spaces-turtle", "POST", STORE, "text/turtle", ttl("<%sid/test company> a dsr:Company ." % BASE),
     400, ["Invalid IRI code point"]),
    ("iri-with-spaces-jsonld", "POST", STORE, "application/ld+json",
     json.dumps({"@id": BASE + "id/test company", "@type": BASE + "ontology#Company"}),
     400, ["not a valid IRI"]),
    # --- hostile bodies -----------------------------------------------------------
    ("oversize-body", "POST", STORE, "text/turtle", ttl("# " + "x" * (17 * 1024 * 1024)),
     413, ["limit"]),
    ("deeply-nested-jsonld", "POST", STORE, "application/ld+json",
     '{"@id": "%sid/x", "%sontology#note": %s"x"%s}' % (BASE, BASE, "[" * 5000, "]" * 5000),
     400, ["nested deeper than 64"]),
    ("remote-jsonld-context", "POST", STORE, "application/ld+json",
     json.dumps({"@context": "http://evil.example/context.jsonld", "@id": "id:x"}),
     400, ["remote JSON-LD context", "not fetched"]),
    ("jsonld-import", "POST", STORE, "application/ld+json",
     json.dumps({"@context": {"@import": "http://evil.example/c.jsonld"}, "@id": BASE + "id/x"}),
     400, ["@import", "not fetched"]),
    ("rdfxml-external-entity", "POST", STORE, "application/rdf+xml",
     '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
     'rdf:about="%sid/x"><rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>' % BASE,
     400, ["DOCTYPE", "not accepted"]),
    ("non-utf8-bytes", "POST", STORE, "text/turtle", ttl('id:x skos:prefLabel "Ni').encode() + b"\xe8\xa0" + b'"@en .',
     400, ["not UTF-8"]),
    ("unsupported-media-type", "POST", STORE, "text/csv", "a,b,c\n", 415, ["unsupported media type 'text/csv'"]),
    ("quads-to-the-graph-store", "PUT", STORE, "application/n-quads",
     "<%sid/x> <%sontology#note> \"x\" <%s> .\n" % (BASE, BASE, R000), 415, ["carries graph names"]),
    ("update-with-load", "POST", "/update", "application/sparql-update", "LOAD <http://evil.example/data.ttl>",
     403, ["LOAD is not accepted"]),
    ("update-with-service", "POST", "/update", "application/sparql-update",
     "INSERT { GRAPH <%s> { ?s ?p ?o } } WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }" % R000,
     403, ["SERVICE"]),
    ("update-to-the-default-graph", "POST", "/update", "application/sparql-update",
     PREFIXES_SPARQL + "INSERT DATA { " + CLAIM + " }", 403, ["the default graph", "only report graphs"]),
    ("write-to-the-inferred-graph", "PUT", f"/store?graph={BASE}graph/inferred", "text/turtle", ttl(CLAIM),
     403, ["not a report graph"]),
    ("write-to-the-default-graph-store", "POST", "/store?default", "text/turtle", ttl(CLAIM),
     403, ["cannot be written"]),
    ("drop-all", "POST", "/update", "application/sparql-update", "DROP ALL",
     403, ["only report graphs"]),
]


@pytest.fixture(scope="module")
def project(writable):
    return writable[0]


@pytest.fixture(scope="module")
def server(writable):
    return writable[1]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_specifically_and_changes_nothing(server, project, case):
    _, method, path, content_type, body, status, words = case
    before = state(server.url, project)
    got, headers, answer = post(server.url, path, body, content_type, AUTH, method=method)
    text = answer.decode("utf-8", "replace")
    assert got == status, text[:2000]
    assert headers["content-type"].startswith("application/json")
    for word in words:
        assert word in text, f"{word!r} not in the answer:\n{text[:3000]}"
    assert state(server.url, project) == before


@pytest.mark.parametrize("case", [c for c in CASES if c[5] == 400 and c[2] != "/update"],
                         ids=[c[0] for c in CASES if c[5] == 400 and c[2] != "/update"])
def test_validate_reports_the_same_syntax_errors(server, case):
    _, _, _, content_type, body, status, words = case
    got, _, answer = post(server.url, "/validate", body, content_type)
    report = json.loads(answer)
    assert got == 400
    problems = [p for node in report["report"]["nodes"] for p in node["problems"]]
    assert problems and problems[0]["kind"] == "syntax"
    assert words[-1] in answer.decode()
