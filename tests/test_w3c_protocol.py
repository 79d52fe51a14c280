"""The W3C SPARQL 1.1 Protocol test suite (../shared/w3c-sparql-protocol/protocol,
see its SOURCE.md), run over real HTTP against ``dsr serve`` with the suite's three
fixture graphs loaded. Every query test and every bad-request test runs; the tests
that expect an update to succeed are skipped: /sparql is read-only by design (updates
get 403, which the bad-update tests check), and /update accepts only validated changes
to report graphs (tests/test_write_path.py), which the suite's arbitrary data is not."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from tests.httpclient import raw_request

SUITE = Path(__file__).resolve().parent.parent.parent / "shared" / "w3c-sparql-protocol" / "protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig", "application/n-quads"}


def load_manifest() -> tuple[rdflib.Graph, list[rdflib.URIRef]]:
    if not (SUITE / "manifest.ttl").exists():
        return rdflib.Graph(), []
    graph = rdflib.Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


GRAPH, TESTS = load_manifest()


def test_suite_is_present():
    assert TESTS, f"the W3C protocol suite is missing at {SUITE}"
    assert len(TESTS) == 34


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory):
    """dsr serve over the suite's fixture graphs, each named by its rdfs:label IRI."""
    from kg.config import load_settings
    from tests.servers import start_dsr
    dist = tmp_path_factory.mktemp("w3c-dist")
    quads = []
    for data in GRAPH.objects(None, UT.graphData):
        name = ox.NamedNode(str(GRAPH.value(data, RDFS.label)))
        path = Path(str(GRAPH.value(data, UT.graph)).removeprefix("file://"))
        quads += [ox.Quad(t.subject, t.predicate, t.object, name)
                  for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)]
    ox.serialize(sorted(set(quads), key=str), str(dist / "dataset.nq"), ox.RdfFormat.N_QUADS)
    settings = load_settings(dist=dist)
    server = start_dsr(settings, dist / "server.log")
    yield server.url
    server.stop()


def _requests(test):
    action = GRAPH.value(test, MF.action)
    return list(Collection(GRAPH, GRAPH.value(action, HT.requests)))


def _status_ok(status: int, expected: set) -> bool:
    return any(str(e).endswith(f"StatusCode{status // 100}xx") for e in expected)


def _boolean(body: bytes, media: str) -> bool:
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return node.text.strip() == "true"


def _ids(test) -> str:
    return str(test).rsplit("#", 1)[-1]


@pytest.mark.parametrize("test", TESTS, ids=[_ids(t) for t in TESTS])
def test_w3c_protocol(w3c_server, test):
    name = _ids(test)
    if name.startswith("update_"):
        pytest.skip("/sparql is read-only (403 by design); /update takes only validated report-graph "
                    "changes, not the suite's arbitrary graphs (see tests/test_write_path.py)")
    for req in _requests(test):
        method = str(GRAPH.value(req, HT.methodName))
        path = str(GRAPH.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = {}
        header_list = GRAPH.value(req, HT.headers)
        if header_list is not None:
            for h in Collection(GRAPH, header_list):
                headers[str(GRAPH.value(h, HT.fieldName))] = str(GRAPH.value(h, HT.fieldValue))
        body = None
        body_node = GRAPH.value(req, HT.body)
        if body_node is not None:
            encoding = str(GRAPH.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(GRAPH.value(body_node, CNT.chars)).encode(encoding.lower())
        status, response_headers, answer = raw_request(w3c_server, method, path, body, headers)
        resp = GRAPH.value(req, HT.resp)
        expected = set(GRAPH.objects(resp, MF.expectedStatus))
        assert _status_ok(status, expected), f"{name}: HTTP {status} {answer[:300]!r}"
        media = response_headers.get("content-type", "").split(";")[0]
        fmt = GRAPH.value(resp, MF.expectedFormat)
        if fmt is not None:
            allowed = {"boolean": BOOLEAN, "tabular": TABULAR, "RDF": RDF_TYPES}[str(fmt)]
            assert media in allowed, f"{name}: {media}"
        boolean = GRAPH.value(resp, MF.expectedBoolean)
        if boolean is not None:
            assert _boolean(answer, media) is bool(boolean.toPython()), f"{name}: {answer[:300]!r}"
