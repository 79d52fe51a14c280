"""Canned queries over HTTP: every queries/*.rq listed at /queries and run at
/queries/NAME with typed, validated parameters, in every result format, with the
same answers as the embedded store and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse

import pytest

from kg.config import load_settings
from kg.queries import load_queries
from tests.httpclient import request

CANNED = load_queries(load_settings().queries_dir)


def run(base: str, name: str, accept: str = "application/sparql-results+json", **params):
    qs = urllib.parse.urlencode(params)
    return request(f"{base}/queries/{name}" + (f"?{qs}" if qs else ""), headers={"Accept": accept})


def rows_of(body: bytes) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


def comparable_http(body: bytes) -> list[tuple]:
    """Rows as sorted tuples, blank nodes as "_:" (their labels are per store)."""
    return sorted(tuple(sorted((k, "_:" if v["type"] == "bnode" else v["value"]) for k, v in b.items()))
                  for b in json.loads(body)["results"]["bindings"])


def comparable_store(store, text: str, asserted_only: bool = False) -> list[tuple]:
    import pyoxigraph as ox
    results = store.query(text, asserted_only=asserted_only)
    names = [v.value for v in results.variables]
    return sorted(tuple(sorted((n, "_:" if isinstance(row[n], ox.BlankNode) else row[n].value)
                               for n in names if row[n] is not None)) for row in results)


def test_list_as_json_has_every_query(live_server):
    status, headers, body = request(f"{live_server}/queries", headers={"Accept": "application/json"})
    assert status == 200 and headers["content-type"].startswith("application/json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    assert set(listed) == set(CANNED) and len(listed) >= 5
    for name, q in CANNED.items():
        item = listed[name]
        assert item["title"] == q.title and item["description"] == q.description
        assert [p["name"] for p in item["parameters"]] == [p.name for p in q.params]
        assert all({"name", "type", "default", "description"} <= set(p) for p in item["parameters"])
        assert item["url"] == f"/queries/{name}"


def test_list_as_html(live_server):
    status, headers, body = request(f"{live_server}/queries", headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    from markupsafe import escape
    page = body.decode()
    for q in CANNED.values():
        assert str(escape(q.title)) in page and f'/queries/{q.name}"' in page


@pytest.mark.parametrize("name", sorted(CANNED))
def test_each_query_answers_as_the_store_does(live_server, store, built, name):
    canned = CANNED[name]
    status, _, body = run(live_server, name)
    assert status == 200, f"queries/{name}.rq: {body.decode()}"
    text = canned.render(canned.bindings({}, built.base))
    assert comparable_http(body) == comparable_store(store, text)


def _quick_queries() -> list[str]:
    """A query without parameters and one with, for the per-format checks."""
    plain = "coverage" if "coverage" in CANNED else next(n for n, q in CANNED.items() if not q.params)
    with_param = next(n for n, q in sorted(CANNED.items()) if any(p.type == "iri" and p.default for p in q.params))
    return [plain, with_param]


@pytest.mark.parametrize("accept,media,check", [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    ("text/csv", "text/csv", b","),
    ("text/tab-separated-values", "text/tab-separated-values", b"?"),
    ("application/json", "application/sparql-results+json", b'"head"'),
])
def test_every_result_format(live_server, accept, media, check):
    for name in _quick_queries():
        status, headers, body = run(live_server, name, accept=accept)
        assert status == 200 and headers["content-type"].split(";")[0] == media, name
        assert check in body
        status, headers, _ = run(live_server, name, format=media)
        assert status == 200 and headers["content-type"].split(";")[0] == media


def test_typed_parameters(live_server, built):
    """An IRI parameter given as a prefixed name or as a full IRI binds the same term;
    an empty value leaves it unbound."""
    name = _quick_queries()[1]
    param = next(p for p in CANNED[name].params if p.type == "iri" and p.default)
    short = param.default
    full = "<" + param.to_term(short, built.base).value + ">"
    status, _, body = run(live_server, name, **{param.name: short})
    assert status == 200
    status, _, same = run(live_server, name, **{param.name: full})
    assert status == 200 and comparable_http(same) == comparable_http(body)
    assert comparable_http(run(live_server, name)[2]) == comparable_http(body)     # the default


@pytest.mark.parametrize("value,needle", [
    ("not an iri", b"must be an IRI"),
    ('id:x> } ; DROP ALL ; SELECT * { <a', b"must be an IRI"),
])
def test_bad_iri_values_are_400_and_named(live_server, value, needle):
    name = _quick_queries()[1]
    param = next(p for p in CANNED[name].params if p.type == "iri")
    status, _, body = run(live_server, name, accept="text/csv", **{param.name: value})
    assert status == 400 and needle in body and param.name.encode() in body


def test_unknown_and_reserved_parameters(live_server):
    name = _quick_queries()[1]
    status, _, body = run(live_server, name, accept="text/csv", colour="red")
    assert status == 400 and b"colour" in body
    status, _, body = run(live_server, name, accept="text/csv", **{"asserted-only": "perhaps"})
    assert status == 400 and b"true or false" in body


def test_hostile_values_become_single_terms(built):
    """Whatever a value contains, it is bound as one validated term, never as query text."""
    from kg.queries import Parameter, ParameterError
    from kg.sparql_safety import inspect_query
    hostile = '" } } ; DROP ALL ; SELECT * { ?s ?p "'
    term = Parameter("x", "string").to_term(hostile, built.base)
    name = _quick_queries()[1]
    canned = CANNED[name]
    text = canned.render({next(p.name for p in canned.params if p.type == "iri"): term})
    assert inspect_query(text).form == "SELECT"       # still one SELECT, nothing else
    for kind in ("iri", "integer", "decimal", "date", "year"):
        with pytest.raises(ParameterError):
            Parameter("x", kind).to_term(hostile, built.base)


def test_unknown_query_is_404_with_the_list(live_server):
    status, _, body = run(live_server, "no-such-query", accept="text/plain")
    assert status == 404
    assert all(name.encode() in body for name in CANNED)


def test_asserted_only_is_passed_through(live_server, store, built):
    """asserted-only=true answers from the graphs without graph/inferred."""
    checked = 0
    for name, canned in sorted(CANNED.items()):
        text = canned.render(canned.bindings({}, built.base))
        if "GRAPH" in text.upper() or checked == 3:
            continue
        status, _, body = run(live_server, name, **{"asserted-only": "true"})
        if status == 504:
            continue
        assert status == 200, body
        assert comparable_http(body) == comparable_store(store, text, asserted_only=True), name
        checked += 1
    assert checked


def test_browsers_get_a_page(live_server):
    status, headers, body = request(f"{live_server}/queries/coverage", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert CANNED["coverage"].title.encode() in body or b"Coverage" in body


def test_cli_uses_the_same_definitions(live_server, built):
    name = _quick_queries()[1]
    param = next(p for p in CANNED[name].params if p.type == "iri" and p.default)
    out = subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(built.dist), "query", name,
                          "--format", "json", "--param", f"{param.name}={param.default}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    http = run(live_server, name, **{param.name: param.default})[2]
    assert comparable_http(out.stdout.encode()) == comparable_http(http) != []
