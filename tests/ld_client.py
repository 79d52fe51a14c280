"""Helpers for the Linked Data tests: a real server on loopback, a plain HTTP client
that can stop at redirects, samples of every kind of IRI, and the two RDF parsers
(rdflib and Debian's ``rapper``; pyld for JSON-LD, which rapper does not read)."""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import re
import shutil
import subprocess
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass

import pytest
from rdflib import BNode, Graph

RDF_SUFFIXES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
RAPPER_PARSERS = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def fetch(url: str, accept: str | None = None, follow: bool = False, headers: dict | None = None,
          method: str = "GET") -> Answer:
    """One HTTP request (following redirects only if asked), on a fresh connection."""
    for _ in range(5):
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = dict(headers or {})
        if accept is not None:
            sent["Accept"] = accept
        conn.request(method, path, headers=sent)
        response = conn.getresponse()
        answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), url)
        conn.close()
        if follow and answer.status in (301, 302, 303, 307, 308):
            url = urllib.parse.urljoin(url, answer.header("Location"))
            continue
        return answer
    raise AssertionError(f"too many redirects from {url}")


def start_server(settings):
    """The real app served by werkzeug on a free loopback port, in a daemon thread."""
    from werkzeug.serving import make_server

    from web.app import create_app
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


def iris_by_kind(store, base: str) -> dict[str, list[str]]:
    """Every IRI under the base IRI, by kind (id, report, claim, graph, ontology, shapes, other)."""
    rows = store.store.query(
        "SELECT DISTINCT ?x WHERE { { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } "
        "UNION { GRAPH ?x { ?s ?p ?o } } UNION { GRAPH ?g { ?s ?x ?o } } "
        f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {json.dumps(base)})) }}")
    out: dict[str, set[str]] = {}
    for row in rows:
        iri = row["x"].value
        rest = iri[len(base):]
        kind = re.split(r"[/#]", rest, maxsplit=1)[0]
        out.setdefault(kind if kind in ("id", "report", "claim", "graph", "ontology", "shapes") else "other",
                       set()).add(iri)
    return {k: sorted(v) for k, v in out.items()}


def sample(items: list[str], n: int, seed: int = 8) -> list[str]:
    return sorted(random.Random(seed).sample(items, min(n, len(items))))


def path_of(iri: str, base: str) -> str:
    """The server path of an IRI: the part after the base, fragment dropped."""
    return "/" + iri[len(base):].split("#", 1)[0]


def rdflib_parse(body: bytes, suffix: str, public_id: str) -> Graph:
    return Graph().parse(data=body, format=RDF_SUFFIXES[suffix], publicID=public_id)


def rapper_path() -> str:
    path = shutil.which("rapper")
    if path is None:
        pytest.fail("rapper is not installed: run `make system-test-deps` "
                    "(or `apt-get install raptor2-utils`) to get the second, independent RDF parser")
    return path


def rapper_count(source: str, parser: str, data: bytes | None = None, base: str = "http://example.org/") -> int:
    """Triples rapper reads from a URL (it fetches and follows redirects itself) or from
    ``data`` on stdin. Fails on any parser error or warning."""
    args = [rapper_path(), "-i", parser, "-c"]
    args += ["-", base] if data is not None else [source]
    done = subprocess.run(args, input=data, capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, f"rapper -i {parser} failed on {source}:\n{err}"
    assert "Error" not in err and "Warning" not in err, f"rapper -i {parser} complained about {source}:\n{err}"
    match = re.search(r"Parsing returned (\d+) triples", err)
    assert match, err
    return int(match.group(1))


def pyld_graph(body: bytes, allowed_prefix: str) -> Graph:
    """Expand JSON-LD with pyld (an independent implementation), loading contexts only
    from ``allowed_prefix`` (our server): a remote context fails the test."""
    from pyld import jsonld

    def loader(url, options=None):
        assert url.startswith(allowed_prefix), f"JSON-LD refers to a context outside our server: {url}"
        answer = fetch(url, accept="application/ld+json", follow=True)
        assert answer.status == 200, f"context {url} answered {answer.status}"
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": json.loads(answer.body)}
    nquads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")


def signature(graph: Graph, rounds: int = 4) -> Counter:
    """The triples of ``graph`` with each blank node replaced by a colour computed from
    its surroundings (colour refinement). Isomorphic graphs have equal signatures, and
    for graphs like ours (blank nodes with distinct content) equal signatures mean
    isomorphic; unlike rdflib.compare it stays fast with thousands of blank nodes."""
    nodes = {n for t in graph for n in (t[0], t[2]) if isinstance(n, BNode)}
    colour = {n: "_" for n in nodes}

    def name(term) -> str:
        return colour.get(term) or term.n3()
    for _ in range(rounds):
        new = {}
        for n in nodes:
            out = sorted((p.n3(), name(o)) for p, o in graph.predicate_objects(n))
            into = sorted((name(s), p.n3()) for s, p in graph.subject_predicates(n))
            new[n] = "_:" + hashlib.sha1(repr((colour[n], out, into)).encode()).hexdigest()
        colour = new
    return Counter((name(s), p.n3(), name(o)) for s, p, o in graph)


def same_graph(a: Graph, b: Graph) -> bool:
    return len(a) == len(b) and signature(a) == signature(b)
