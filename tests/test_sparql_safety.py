"""Hostile queries cannot hurt the endpoint: no update, no outgoing request, no file
read, a time limit that stops a runaway query while others are served, and caps on
body, query length and result size, each refused with a clear 4xx/5xx message."""

from __future__ import annotations

import http.server
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kg.sparql_safety import QueryRefused, bind_values, inspect_query
from tests.httpclient import get, request

CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- the lexical check ------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL{}SERVICE<http://127.0.0.1:9/>{} }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }",     # keyword glued to a name
    "SELECT * { ?s ?p 1SERVICE <http://127.0.0.1:9/> { } }",
    "SELECT * { ?s ?p ?o .SERVICESILENT <http://127.0.0.1:9/> {} }",
    'SELECT * { ?s ?p "x"SERVICE <http://127.0.0.1:9/> {} }',
    # '<' as less-than, then a comment hiding '>"""' from the parser but not from a naive lexer
    'SELECT * WHERE { ?s ?p ?o FILTER(?o<?o)#>"""\nSERVICE <http://127.0.0.1:9/> {} #"""\n}',
    'SELECT ?x (?a<?b#>"""\nAS ?c) WHERE { SERVICE <http://127.0.0.1:9/> {} } #"""',
])
def test_service_is_refused_wherever_it_hides(query):
    with pytest.raises(QueryRefused) as err:
        inspect_query(query)
    assert err.value.kind == "service"
    assert "SERVICE" in err.value.message and err.value.line >= 1


@pytest.mark.parametrize("query,keyword", [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("load <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://g>", "LOAD"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("DROP ALL", "DROP"),
    ("CLEAR DEFAULT", "CLEAR"),
    ("PREFIX ex: <http://e/> WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
])
def test_updates_are_refused_with_the_keyword_named(query, keyword):
    with pytest.raises(QueryRefused) as err:
        inspect_query(query)
    assert err.value.kind == "update"
    assert keyword in err.value.message and "read-only" in err.value.message


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "a web SERVICE, to LOAD and DROP" } # SERVICE in a comment',
    "SELECT * { <http://example.org/service> ?p ?o . ?s <http://example.org/load> ?o }",
    "SELECT ?service ?load { ?service ?load ?o }",
    "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o FILTER(?o < 3 && ?o > 1) }",
    "PREFIX service: <http://e/> SELECT * { ?s ?p ?o }",
    'SELECT * { ?s ?p """a long\n"string" with SERVICE inside""" . ?s ?q \'\'\'and LOAD\'\'\' }',
    "SELECT * { ?s ?p ?o FILTER(LANG(?o) = \"en\") } ORDER BY DESC(?o) LIMIT 5",
])
def test_harmless_mentions_are_not_refused(query):
    assert inspect_query(query).form == "SELECT"


def test_inspection_reports_form_dataset_and_group():
    info = inspect_query("PREFIX x: <http://x/> CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }")
    assert info.form == "CONSTRUCT" and info.has_dataset
    assert info.group_start is not None
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    info = inspect_query(text)
    assert text[info.group_start - 7:info.group_start] == "WHERE {"
    assert inspect_query("ASK {}").form == "ASK" and not inspect_query("ASK {}").has_dataset
    assert inspect_query("DESCRIBE <http://x>").group_start is None


def test_values_binding_lands_in_the_top_level_group():
    import pyoxigraph as ox
    text = "SELECT ?x WHERE { OPTIONAL { ?x ?p ?o } FILTER(!BOUND(?y) || ?x = ?y) }"
    bound = bind_values(text, inspect_query(text), {"y": str(ox.NamedNode("http://e/a"))})
    assert "WHERE { VALUES ?y { <http://e/a> } OPTIONAL" in bound
    with pytest.raises(ValueError):
        bind_values(text, inspect_query(text), {"y }; DROP ALL #": "<http://e/a>"})


# --- over HTTP ----------------------------------------------------------------------

class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):      # noqa: N802
        _Canary.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

    do_POST = do_GET     # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    """An HTTP server on loopback that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Canary.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_service_to_loopback_is_refused_before_any_request(live_server, canary):
    status, headers, body = get(live_server, f"SELECT * WHERE {{ SERVICE <{canary}/sparql> {{ ?s ?p ?o }} }}")
    assert status == 400
    error = json.loads(body)
    assert "SERVICE" in error["error"] and error["line"] == 1
    time.sleep(0.3)
    assert _Canary.hits == []


def test_load_of_a_file_is_refused(live_server):
    status, _, body = get(live_server, "LOAD <file:///etc/passwd>", accept="text/plain")
    assert status == 403 and b"read-only" in body
    status, _, body = request(f"{live_server}/sparql", data=b"update=LOAD%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, _ = request(f"{live_server}/sparql", data=b"LOAD <file:///etc/passwd>",
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 403


def test_from_never_dereferences(live_server, canary):
    """FROM selects graphs of the store; an IRI outside it is an empty graph, never fetched."""
    status, _, body = get(live_server, f"SELECT * FROM <{canary}/data.ttl> FROM <file:///etc/passwd> "
                                       "WHERE { ?s ?p ?o }")
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []
    time.sleep(0.3)
    assert _Canary.hits == []


def test_no_request_parses_rdf_from_the_client(live_server):
    """JSON-LD contexts and RDF/XML entities cannot reach the server: it accepts no RDF input."""
    payloads = {
        "application/ld+json": b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://x"}',
        "application/rdf+xml": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                               b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>',
    }
    for content_type, body in payloads.items():
        status, _, answer = request(f"{live_server}/sparql", data=body, headers={"Content-Type": content_type})
        assert status == 415, content_type
        assert b"root:" not in answer


def test_query_processes_have_no_network(built, canary):
    """The second wall: even a SERVICE that skipped the lexical check cannot connect."""
    from kg.backend import EmbeddedBackend
    from kg.limits import QueryLimits
    backend = EmbeddedBackend(built, QueryLimits(executors=1))
    try:
        backend.start()
        if not backend.pool.network or backend.pool.network.startswith("none"):
            pytest.skip(f"network isolation unavailable here: {backend.pool.network}")
        header, _ = backend.pool.run({"query": f"SELECT * WHERE {{ SERVICE <{canary}/sparql> {{ ?s ?p ?o }} }}",
                                      "format": "json", "union": True, "max_rows": 10, "max_bytes": 10**6}, 10)
    finally:
        backend.close()
    assert header["ok"] is False and "unreachable" in header["message"].lower()
    time.sleep(0.3)
    assert _Canary.hits == []


def test_runaway_query_times_out_while_a_fast_one_is_answered(live_server):
    fast_query = "SELECT ?p ?o WHERE { id:serbia ?p ?o }"
    with ThreadPoolExecutor(max_workers=2) as pool:
        started = time.monotonic()
        slow = pool.submit(get, live_server, CARTESIAN_COUNT, "text/csv, text/plain;q=0.1", nocache="1")
        time.sleep(0.5)
        fast_started = time.monotonic()
        status, _, body = get(live_server, fast_query)
        fast_elapsed = time.monotonic() - fast_started
        slow_status, _, slow_body = slow.result(timeout=60)
        slow_elapsed = time.monotonic() - started
    assert status == 200 and json.loads(body)["results"]["bindings"]
    assert fast_elapsed < 5, "the fast query waited for the slow one"
    assert slow_status == 504
    assert b"time limit" in slow_body and b"10 s" in slow_body
    assert 9.5 < slow_elapsed < 60
    # The stopped query process was replaced: the endpoint still answers.
    status, _, _ = get(live_server, "ASK { ?s ?p ?o }", **{"x": "after-timeout"})
    assert status == 200


def test_oversize_body_is_refused(live_server):
    body = b"query=" + b"%20" * 40_000          # 120 kB form body, over the 64 KiB cap
    status, _, answer = request(f"{live_server}/sparql", data=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/plain"})
    assert status == 413 and b"at most 65,536" in answer and b"DSR_MAX_BODY" in answer


def test_overlong_query_is_refused(live_server):
    query = "SELECT * WHERE { ?s ?p ?o } " + " " * 25_000
    status, _, answer = request(f"{live_server}/sparql", data=query.encode(),
                                headers={"Content-Type": "application/sparql-query", "Accept": "text/plain"})
    assert status == 413 and b"at most 20,000" in answer
    status, _, answer = get(live_server, query, accept="text/plain")
    assert status == 414 and b"DSR_MAX_QUERY_LENGTH" in answer


def test_result_row_cap(live_server):
    status, _, answer = get(live_server, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 20000", accept="text/csv")
    assert status == 422 and b"10,000 rows" in answer and b"LIMIT" in answer
    status, _, answer = get(live_server, "CONSTRUCT { ?a <http://example.org/p> ?d } WHERE { ?a ?b ?c . ?d ?e ?f }",
                            accept="text/turtle")
    assert status == 422 and b"triples" in answer


def test_concurrent_requests_are_answered_correctly(live_server, store):
    """Many different queries at once, each answer matching the embedded store's."""
    subjects = [row["s"].value for row in store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH graph:entities { ?s a ?t } } ORDER BY ?s LIMIT 24",
        asserted_only=False)]
    assert len(subjects) >= 10

    def count(iri):
        status, _, body = get(live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{iri}> ?p ?o }}")
        assert status == 200
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(count, subjects * 2))
    expected = [len(list(store.query(f"SELECT * WHERE {{ <{iri}> ?p ?o }}"))) for iri in subjects] * 2
    assert answers == expected


def test_query_process_memory_limit(built):
    """A query that needs more memory than its process may have stops that process only."""
    from kg.backend import EmbeddedBackend, QueryCrashed, QueryError
    from kg.limits import QueryLimits
    backend = EmbeddedBackend(built, QueryLimits(executors=1, executor_memory_mb=400, timeout=30))
    from kg.backend import QueryJob
    try:
        with pytest.raises(QueryError) as err:
            backend.execute(QueryJob("SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g",
                                     "json"))
        assert isinstance(err.value, QueryCrashed), err.value.message
        assert "400 MiB" in err.value.message
        time.sleep(1)
        result = backend.execute(QueryJob("ASK { ?s ?p ?o }", "json"))
        assert b"true" in result.body
    finally:
        backend.close()
