"""`dsr build` on the real graph: clean, deterministic, cached, laid out as documented."""

from __future__ import annotations

import json

from kg.build import build
from kg.dataset_io import DATASET_NQ, DATASET_TRIG


def test_build_output_layout(built):
    dist = built.dist
    for name in (DATASET_NQ, DATASET_TRIG, "stats.json", "build-info.json"):
        assert (dist / name).stat().st_size > 0, name
    graphs = json.loads((dist / "stats.json").read_text())["graphs"]
    base = built.base + "graph/"
    for slug in ("ontology", "shapes", "entities", "inferred", "surveying-dsr-western-balkans",
                 "gmf-2025-dsr-western-balkans", "dsr-enters-western-balkans-2021",
                 "dsr-balkans-2024", "csis-2020-chinese-client-state"):
        assert base + slug in graphs, f"missing named graph {slug}"


def test_two_builds_are_byte_identical(built, tmp_path):
    other = built.with_(dist=tmp_path / "again")
    build(other, quiet=True, force=True)
    for name in (DATASET_NQ, DATASET_TRIG, "stats.json", "build-info.json"):
        assert (built.dist / name).read_bytes() == (other.dist / name).read_bytes(), name


def test_unchanged_inputs_are_not_rebuilt(built):
    result = build(built, quiet=True)
    assert result.cached


def test_trig_and_nquads_hold_the_same_quads(built):
    from rdflib import Dataset
    from rdflib.compare import isomorphic
    a, b = Dataset(), Dataset()
    a.parse(built.dist / DATASET_NQ, format="nquads")
    b.parse(built.dist / DATASET_TRIG, format="trig")
    names_a = {g.identifier for g in a.graphs() if len(g)}
    names_b = {g.identifier for g in b.graphs() if len(g)}
    assert names_a == names_b
    for name in names_a:
        assert isomorphic(a.graph(name), b.graph(name)), name


def test_every_report_has_its_text_checksum(built, store):
    rows = list(store.query("SELECT ?r ?sha WHERE { ?r a dsr:Report ; dsr:sourceFile ?f . OPTIONAL { ?r dsr:sha256 ?sha } }"))
    assert len(rows) == 5
    import hashlib
    for row in rows:
        if row["sha"] is None:
            continue  # a report without claims yet has no checked text
        assert len(row["sha"].value) == 64


def test_stats_of_the_build_equal_stats_read_back_from_dataset_nq(built):
    """publish computes them from a store filled while dataset.nq is written."""
    from kg.stats import compute_stats, read_stats
    assert compute_stats(built.dist, built) == read_stats(built.dist)


def test_stats_worker_reports_a_graph_oxigraph_cannot_load(built):
    import pytest
    from kg.stats import StatsWorker
    with StatsWorker(built) as stats:
        stats.add(b"<http://example.org/s> <http://example.org/p> .\n")
        stats.start(built.dist)
        with pytest.raises(SyntaxError):
            stats.result()
