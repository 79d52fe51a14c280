"""The curator write path end to end: a real ``dsr serve`` (two worker processes) over a
writable project, real HTTP, SPARQLWrapper, restarts, concurrent writers and a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.changelog import read_changes
from tests.curator import (AUTH, CLAIM_TTL, R000, R001, TOKEN, ask, claim_body, claim_ttl, post, start_writable,
                           state, update, writable_project)
from tests.httpclient import raw_request, request

LOCATED = "id:state-data-center-kragujevac dsr:locatedIn id:kragujevac"


@pytest.fixture(scope="module")
def project(writable):
    return writable[0]


@pytest.fixture(scope="module")
def server(writable):
    return writable[1]


def test_writes_are_off_without_a_configured_token(live_server):
    status, headers, body = raw_request(live_server, "POST", "/update", b"INSERT DATA {}",
                                        {"Content-Type": "application/sparql-update", "Accept": "application/json",
                                         **AUTH})
    assert status == 403
    assert "started without a write token" in json.loads(body)["error"]


def test_writes_need_the_token(server):
    status, headers, body = post(server.url, "/update", "INSERT DATA {}", "application/sparql-update")
    assert status == 401 and headers["www-authenticate"].startswith("Bearer")
    status, _, body = post(server.url, "/update", "INSERT DATA {}", "application/sparql-update",
                           {"Authorization": "Bearer wrong"})
    assert status == 403 and "not valid" in json.loads(body)["error"]
    status, _, _ = post(server.url, f"/store?graph={R000}", CLAIM_TTL, "text/turtle", method="PUT")
    assert status == 401
    status, _, _ = post(server.url, f"/store?graph={R000}", CLAIM_TTL, "text/turtle",
                        {"Authorization": f"Basic {TOKEN}"}, method="DELETE")
    assert status == 403


def test_an_accepted_claim_is_queryable_at_once_with_its_inferences(server, project):
    assert not ask(server.url, LOCATED)
    status, outcome = update(server.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(901)))
    assert status == 200, outcome
    assert outcome["status"] == "accepted" and outcome["added"] == 9
    assert (project.root / outcome["change"]).exists()
    # Both worker processes answer with the new fact, its provenance and the inference.
    for _ in range(8):
        assert ask(server.url, "GRAPH <%s> { %s }" % (R000, LOCATED))
        assert ask(server.url, "GRAPH <%sgraph/inferred> { id:state-data-center-kragujevac dsr:locatedIn id:serbia }"
                   % "https://w3id.org/dsr-balkans/")
    sparql = SPARQLWrapper(f"{server.url}/sparql")
    sparql.setQuery("PREFIX claim: <https://w3id.org/dsr-balkans/claim/> PREFIX dsr: <https://w3id.org/dsr-balkans/ontology#> "
                    "SELECT ?quote WHERE { claim:r000-901 dsr:quote ?quote }")
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]
    assert rows[0]["quote"]["value"].startswith("has become the commercial user")
    # The same request again changes nothing and logs nothing.
    before = state(server.url, project)
    status, outcome = update(server.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(901)))
    assert status == 200 and outcome["status"] == "unchanged"
    assert state(server.url, project) == before


def test_the_change_log_is_line_based_and_replayed_by_the_build(server, project):
    changes = read_changes(project.triples_dir, project.base)
    assert changes, "the accepted write left no change file"
    text = changes[0].path.read_text()
    assert text.startswith("# SPARQL Update via /update")
    assert "H id <urn:uuid:" in text and "\nTX .\n" in text and text.endswith("TC .\n")
    rows = [line for line in text.splitlines() if line.startswith("A ")]
    assert any("claim/r000-901> <https://w3id.org/dsr-balkans/ontology#quote>" in r for r in rows)
    assert all(r.endswith(f"<{R000}> .") for r in rows)
    # git shows the change as new lines of a new file
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    listed = subprocess.run(["git", "-C", str(project.root), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert f"triples/changes/{changes[0].path.name}" in listed
    assert ".lock" not in listed


def test_graph_store_put_get_post_delete_round_trip(server, project):
    ttl = claim_ttl(902)
    status, _, body = post(server.url, f"/store?graph={R000}", ttl, "text/turtle", AUTH, method="POST")
    assert status == 200, body
    status, _, body = request(f"{server.url}/store?graph={R000}", headers={"Accept": "text/turtle"})
    assert status == 200 and b"r000-902" in body and b"r000-901" in body
    # PUT replaces the report's curated graph: only claim 903 remains
    status, _, body = post(server.url, f"/store?graph={R000}", claim_ttl(903), "text/turtle", AUTH, method="PUT")
    assert status == 200, body
    outcome = json.loads(body)
    assert outcome["removed"] == 18 and outcome["added"] == 9
    assert ask(server.url, "claim:r000-903 dsr:quote ?q") and not ask(server.url, "claim:r000-902 ?p ?o")
    status, _, body = post(server.url, f"/store?graph={R000}", b"", "text/turtle", AUTH, method="DELETE")
    assert status == 200, body
    assert not ask(server.url, "claim:r000-903 ?p ?o")
    status, _, body = request(f"{server.url}/store?graph={R000}", headers={"Accept": "application/n-triples"})
    assert status == 200 and body.strip() == b""


def test_deleting_an_entity_that_a_claim_needs_is_refused(server, project):
    before = state(server.url, project)
    status, outcome = update(server.url, "DELETE DATA { GRAPH <%s> { id:test-telecom-operator a dsr:Company } }" % R001)
    assert status == 422
    text = json.dumps(outcome)
    assert "test-telecom-operator" in text and outcome["report"]["violations"] >= 1
    assert state(server.url, project) == before


def test_accepted_changes_survive_a_restart_and_a_rebuild(project, tmp_path_factory):
    log = tmp_path_factory.mktemp("restart") / "server.log"
    first = start_writable(project, log)
    try:
        status, outcome = update(first.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(904)))
        assert status == 200, outcome
    finally:
        first.stop()
    second = start_writable(project, tmp_path_factory.mktemp("restart2") / "server.log")
    try:
        assert ask(second.url, "claim:r000-904 dsr:quote ?q")
    finally:
        second.stop()
    rebuilt = subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(project.root / "dist2"), "build"],
                             env={**os.environ, "DSR_ROOT": str(project.root)}, capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "claim/r000-904" in (project.root / "dist2" / "dataset.nq").read_text()


def test_concurrent_writes_are_serialised_and_all_kept(server, project):
    numbers = list(range(910, 916))
    results: dict[int, tuple] = {}

    def write(n: int) -> None:
        results[n] = update(server.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(n)))
    threads = [threading.Thread(target=write, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n][0] == 200 for n in numbers), results
    changes = read_changes(project.triples_dir, project.base)     # checks the id chain
    assert [c.number for c in changes] == list(range(1, len(changes) + 1))
    for n in numbers:
        assert ask(server.url, f"claim:r000-{n} dsr:quote ?q")


def _big_entities(n: int) -> str:
    import hashlib
    lines = ["@prefix dsr: <https://w3id.org/dsr-balkans/ontology#> .",
             "@prefix id: <https://w3id.org/dsr-balkans/id/> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."]
    for i in range(n):
        word = hashlib.sha256(str(i).encode()).hexdigest()[:10]
        lines.append(f'id:bulk-{i} a dsr:Company ; skos:prefLabel "Bulk {word}"@en ; skos:altLabel "B{word[::-1]}"@en .')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("delay,pause", [(0.05, None), (0.8, None), (0.5, "after-log")])
def test_a_crash_during_a_large_write_leaves_old_or_new_state(project, tmp_path_factory, delay, pause):
    """SIGKILL the server (all its processes) while it handles a 2,000-entity PUT: after a
    restart the graph is either entirely without or entirely with the write, the log
    parses, and the restarted server publishes what the log holds. ``after-log`` holds
    the writer between logging the change and publishing it (DSR_TEST_PAUSE_AFTER_LOG),
    the window in which only the log knows the change."""
    log_dir = tmp_path_factory.mktemp("crash")
    env = {"DSR_TEST_PAUSE_AFTER_LOG": "30"} if pause else {}
    server = start_writable(project, log_dir / "server.log", env=env)
    graph = R001
    status, _, old_graph = request(f"{server.url}/store?graph={graph}", headers={"Accept": "application/n-triples"})
    assert status == 200
    before_changes = len(read_changes(project.triples_dir, project.base))
    answer: dict = {}

    def put() -> None:   # the old graph's N-Triples are Turtle too: the PUT keeps them and adds 2,000 entities
        try:
            answer["status"] = post(server.url, f"/store?graph={graph}", old_graph.decode() + _big_entities(2000),
                                    "text/turtle", AUTH, method="PUT")[0]
        except Exception as exc:  # noqa: BLE001 - the connection dies with the server
            answer["error"] = exc
    thread = threading.Thread(target=put)
    thread.start()
    if pause:
        deadline = time.monotonic() + 120
        while len(read_changes(project.triples_dir, project.base)) == before_changes:
            assert time.monotonic() < deadline, "the write was never logged"
            time.sleep(0.05)
    time.sleep(delay)
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()
    thread.join(60)
    assert "status" not in answer, "the write finished before the crash: choose a shorter delay"
    changes = read_changes(project.triples_dir, project.base)       # every file complete, chain intact
    logged = any(any("bulk-1999" in str(q[0]) for q in c.added) for c in changes[before_changes:])
    if pause:
        assert logged
    restarted = start_writable(project, log_dir / "restart.log")
    try:
        present = ask(restarted.url, "id:bulk-1999 a dsr:Company")
        assert present == ask(restarted.url, "id:bulk-0 a dsr:Company"), "a mix of old and new state"
        assert present == logged
        assert ask(restarted.url, "claim:r001-001 dsr:quote ?q")
        if present:   # undo, so that the next case starts from the old state again
            status, _, body = post(restarted.url, f"/store?graph={graph}", old_graph, "text/turtle", AUTH, method="PUT")
            assert status == 200, body
            assert not ask(restarted.url, "id:bulk-0 a dsr:Company")
    finally:
        restarted.stop()


def test_writes_reach_an_external_store(tmp_path):
    """With ``dsr serve --store`` (a real ``oxigraph serve``) an accepted write is loaded
    into the store before it is committed, and queries through our server and straight
    to the store see it with its inference."""
    from tests.servers import oxigraph_binary, start_oxigraph
    assert oxigraph_binary(), "the oxigraph command is missing: pip install -e '.[test]'"
    project = writable_project(tmp_path / "project")
    oxigraph = start_oxigraph(tmp_path / "oxdata", tmp_path / "oxigraph.log")
    try:
        pushed = subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(project.dist), "push", "--no-build",
                                 "--endpoint", f"{oxigraph.url}/store"], env={**os.environ, "DSR_ROOT": str(project.root)},
                                capture_output=True, text=True)
        assert pushed.returncode == 0, pushed.stderr
        server = start_writable(project, tmp_path / "server.log", "--store", f"{oxigraph.url}/query")
        try:
            assert not ask(server.url, LOCATED)
            status, outcome = update(server.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(901)))
            assert status == 200, outcome
            assert ask(server.url, "GRAPH <%s> { %s }" % (R000, LOCATED))
            assert ask(server.url, "id:state-data-center-kragujevac dsr:locatedIn id:serbia")
            from urllib.parse import quote
            from tests.curator import PREFIXES_SPARQL
            status, _, body = request(f"{oxigraph.url}/query?query="
                                      + quote(PREFIXES_SPARQL + "ASK { GRAPH ?g { " + LOCATED + " } }"),
                                      headers={"Accept": "application/sparql-results+json"})
            assert status == 200 and json.loads(body)["boolean"] is True
        finally:
            server.stop()
    finally:
        oxigraph.stop()


def test_delete_insert_where_rewrites_in_place(server, project):
    status, outcome = update(server.url, "INSERT DATA { GRAPH <%s> { %s } }" % (R000, claim_body(920)))
    assert status == 200, outcome
    status, outcome = update(server.url, """
        DELETE { GRAPH <%(g)s> { claim:r000-920 dsr:section ?s } }
        INSERT { GRAPH <%(g)s> { claim:r000-920 dsr:section "Summary" } }
        WHERE  { GRAPH <%(g)s> { claim:r000-920 dsr:section ?s } }""" % {"g": R000})
    assert status == 200 and outcome["added"] == 1 and outcome["removed"] == 1, outcome
    assert ask(server.url, 'claim:r000-920 dsr:section "Summary"')
    assert not ask(server.url, 'claim:r000-920 dsr:section "China’s Closest Friend in the Western Balkans"')


def test_refusals_in_turtle_and_html(server, project):
    bad = claim_ttl(921).replace("a dsr:Claim", "a dsr:Claim, dsr:Compnay")
    status, headers, body = raw_request(server.url, "POST", f"/store?graph={R000}", bad.encode(),
                                        {"Content-Type": "text/turtle", "Accept": "text/turtle", **AUTH})
    assert status == 422 and headers["content-type"].startswith("text/turtle")
    from rdflib import Graph
    from rdflib.namespace import RDF, SH
    g = Graph().parse(data=body, format="turtle")
    assert next(g.subjects(RDF.type, SH.ValidationReport), None) is not None
    status, headers, body = raw_request(server.url, "POST", f"/store?graph={R000}", bad.encode(),
                                        {"Content-Type": "text/turtle", "Accept": "text/html", **AUTH})
    assert status == 422 and headers["content-type"].startswith("text/html")
    assert "Validation failed" in body.decode() and "dsr:Compnay" in body.decode()


def test_unknown_graphs(server):
    status, _, _ = request(f"{server.url}/store?graph=https://w3id.org/dsr-balkans/graph/nope")
    assert status == 404
    status, _, body = post(server.url, "/store?graph=https://w3id.org/dsr-balkans/graph/nope", b"", "text/turtle",
                           AUTH, method="DELETE")
    assert status == 404 and b"not a report graph" in body
    status, _, body = request(f"{server.url}/store")
    assert status == 400
