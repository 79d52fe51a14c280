"""An external store: ``dsr push`` loads the build into a real ``oxigraph serve`` on
loopback, ``dsr serve --store`` answers from it through SPARQLWrapper, and every
canned query gives the same answer as the embedded store."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.httpclient import get, request
from tests.servers import oxigraph_binary, start_dsr, start_oxigraph
from tests.test_canned_http import CANNED, comparable_http, run
from tests.test_sparql_safety import _Canary, canary  # noqa: F401  (fixture)


def dsr(built, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(built.dist), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    assert oxigraph_binary(), "the oxigraph command is missing: pip install -e '.[test]'"
    root = tmp_path_factory.mktemp("oxigraph")
    server = start_oxigraph(root / "data", root / "oxigraph.log", "--timeout-s", "20")
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def pushed(built, oxigraph):
    out = dsr(built, "push", "--no-build", "--endpoint", f"{oxigraph}/store")
    assert out.returncode == 0, out.stderr
    assert "Pushed" in out.stderr
    return oxigraph


@pytest.fixture(scope="module")
def external_server(built, pushed, tmp_path_factory):
    server = start_dsr(built, tmp_path_factory.mktemp("ext") / "server.log", "--timeout", "20",
                       store=f"{pushed}/query")
    yield server.url
    server.stop()


def count_quads(endpoint: str) -> int:
    _, _, body = request(f"{endpoint}/query?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%20GRAPH%20%3Fg%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D",
                         headers={"Accept": "application/sparql-results+json"})
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_push_loads_every_named_graph(pushed, store):
    assert count_quads(pushed) == len(store)
    _, _, body = request(f"{pushed}/query?query=SELECT%20DISTINCT%20%3Fg%20%7BGRAPH%20%3Fg%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D",
                         headers={"Accept": "application/sparql-results+json"})
    remote = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert remote == {g.value for g in store.named_graphs()}


def test_push_by_sparql_update_replaces_graphs(built, pushed, store):
    out = dsr(built, "push", "--no-build", "--endpoint", f"{pushed}/update", "--protocol", "update")
    assert out.returncode == 0, out.stderr
    assert count_quads(pushed) == len(store)        # replaced, not doubled


def test_push_to_nowhere_fails_clearly(built):
    out = dsr(built, "push", "--no-build", "--endpoint", "http://127.0.0.1:1/store")
    assert out.returncode == 1 and "cannot reach" in out.stderr


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_queries_answer_the_same(live_server, external_server, name):
    embedded_status, _, embedded = run(live_server, name)
    if embedded_status != 200:
        pytest.fail(f"queries/{name}.rq fails on the embedded store: {embedded.decode()[:300]}")
    status, _, body = run(external_server, name)
    assert status == 200, body
    assert _unordered_concat(comparable_http(body)) == _unordered_concat(comparable_http(embedded))


def _unordered_concat(rows: list[tuple]) -> list[tuple]:
    """GROUP_CONCAT joins values in an order each store chooses: compare the parts as sets."""
    return sorted(tuple((k, ", ".join(sorted(v.split(", ")))) for k, v in row) for row in rows)


@pytest.mark.parametrize("query,accept", [
    ("SELECT ?p ?o WHERE { id:serbia ?p ?o } ORDER BY ?p ?o", "application/sparql-results+json"),
    ("SELECT ?p ?o WHERE { id:serbia ?p ?o } ORDER BY ?p ?o", "text/csv"),
    ("SELECT ?p ?o WHERE { id:serbia ?p ?o } ORDER BY ?p ?o", "application/sparql-results+xml"),
    ("ASK { id:serbia ?p ?o }", "application/sparql-results+json"),
    ("CONSTRUCT { id:serbia ?p ?o } WHERE { id:serbia ?p ?o }", "application/n-triples"),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", "text/csv"),
])
def test_protocol_answers_the_same(live_server, external_server, query, accept):
    a = get(live_server, query, accept=accept)
    b = get(external_server, query, accept=accept)
    assert a[0] == b[0] == 200
    assert a[1]["content-type"] == b[1]["content-type"]
    if accept == "application/n-triples":
        assert sorted(a[2].splitlines()) == sorted(b[2].splitlines())
    else:
        assert a[2] == b[2]


def test_asserted_only_through_the_external_store(live_server, external_server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    a = get(live_server, query, **{"asserted-only": "true"})
    b = get(external_server, query, **{"asserted-only": "true"})
    assert a[2] == b[2] and a[2] != get(live_server, query)[2]


def test_errors_are_the_same(live_server, external_server, canary):  # noqa: F811
    for query in ("SELECT * WHERE { ?s ?p }", f"SELECT * WHERE {{ SERVICE <{canary}/x> {{ ?s ?p ?o }} }}",
                  "DROP ALL"):
        a, b = get(live_server, query), get(external_server, query)
        assert a[0] == b[0] and a[0] in (400, 403)
        assert json.loads(a[2])["error"] == json.loads(b[2])["error"]
    time.sleep(0.3)
    assert _Canary.hits == []


def test_unreachable_store_is_a_clear_error(built):
    from kg.backend import StoreUnavailable
    from kg.remote import RemoteBackend
    with pytest.raises(StoreUnavailable) as err:
        RemoteBackend(built, "http://127.0.0.1:1/query")
    assert "cannot reach the external store" in err.value.message
    with pytest.raises(ValueError):
        RemoteBackend(built, "file:///etc/passwd")
