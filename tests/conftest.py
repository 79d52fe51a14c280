"""Shared fixtures: one real build of the project into a temporary dist/ per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import build
from kg.config import load_settings
from kg.loading import load_inputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return load_settings(dist=tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def built(settings):
    """The project's real graph, built once (violations fail the session loudly)."""
    build(settings, quiet=True, force=True)
    return settings


@pytest.fixture(scope="session")
def inputs(settings):
    return load_inputs(settings)


@pytest.fixture(scope="session")
def store(built):
    from kg.store import GraphStore
    return GraphStore(built)


PREFIXES = """\
@prefix dsr:     <https://w3id.org/dsr-balkans/ontology#> .
@prefix id:      <https://w3id.org/dsr-balkans/id/> .
@prefix report:  <https://w3id.org/dsr-balkans/report/> .
@prefix claim:   <https://w3id.org/dsr-balkans/claim/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
"""


def make_project(root: Path, triples: dict[str, str], sources: dict[str, str] | None = None):
    """A miniature checkout: the real ontology, shapes, queries and report texts,
    the real reports.ttl and core entities, plus the given Turtle files (prefixes added).
    Returns its Settings (dist inside root)."""
    import shutil
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "queries").symlink_to(ROOT / "queries")
    src = root / "sources"
    src.mkdir()
    for path in (ROOT / "sources").glob("*.txt"):
        (src / path.name).symlink_to(path)
    for name, text in (sources or {}).items():
        (src / name).write_text(text, encoding="utf-8")
    (root / "triples" / "core").mkdir(parents=True)
    shutil.copy(ROOT / "triples" / "reports.ttl", root / "triples" / "reports.ttl")
    shutil.copy(ROOT / "triples" / "core" / "entities.ttl", root / "triples" / "core" / "entities.ttl")
    for name, body in triples.items():
        path = root / "triples" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PREFIXES + body, encoding="utf-8")
    return load_settings().with_(root=root, dist=root / "dist")


@pytest.fixture
def mini_project(tmp_path):
    """Factory fixture: mini_project({"test/claims.ttl": "...turtle..."}) -> Settings."""
    counter = iter(range(1000))

    def factory(triples: dict[str, str], sources: dict[str, str] | None = None):
        return make_project(tmp_path / f"project{next(counter)}", triples, sources)
    return factory


@pytest.fixture(scope="session")
def live_server(built, tmp_path_factory):
    """``dsr serve`` (the production server) over the session's build, on a free
    loopback port, with the default limits (10 s per query); yields its base URL,
    e.g. http://127.0.0.1:PORT."""
    from tests.servers import start_dsr
    server = start_dsr(built, tmp_path_factory.mktemp("live") / "server.log")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def run(store, built):
    """run(name, **params) -> rows of a canned query over the real build, each row a
    {variable: lexical value or None} dict (parameters bound as a user would pass them)."""
    from kg.queries import load_queries
    queries = load_queries(built.queries_dir)

    def _run(name: str, **params: str) -> list[dict[str, str | None]]:
        query = queries[name]
        solutions = store.query(query.render(query.bindings(params, built.base)))
        names = [v.value for v in solutions.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]
    return _run


@pytest.fixture(scope="session")
def url(live_server) -> str:
    """Base URL of the shared production server, without a trailing slash."""
    return live_server.rstrip("/")


@pytest.fixture(scope="session")
def base(built) -> str:
    return built.base


@pytest.fixture(scope="session")
def kinds(store, base):
    """Every IRI under the base IRI, by kind (id, report, claim, graph, ...)."""
    from tests.ld_client import iris_by_kind
    return iris_by_kind(store, base)


@pytest.fixture(scope="session")
def synthetic_10k(tmp_path_factory):
    """A synthetic checkout of ~10,000 curated triples shaped like the real graph
    (bench/synthetic.py: real ontology and shapes, quotes in synthetic report texts);
    returns its Settings."""
    from bench.synthetic import generate
    root = tmp_path_factory.mktemp("synthetic") / "project"
    generate(root, 10_000, seed=0)
    return load_settings().with_(root=root, dist=root / "dist")


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    """A miniature writable checkout (tests/curator.py) and ``dsr serve`` over it with a
    write token, two workers; one per test module, so each module starts from the same
    state. Yields ``(settings, server)``."""
    from tests.curator import start_writable, writable_project
    root = tmp_path_factory.mktemp("writable")
    project = writable_project(root / "project")
    server = start_writable(project, root / "server.log", "--workers", "2")
    yield project, server
    server.stop()
