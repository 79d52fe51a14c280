"""kg.dataset_io on awkward terms: dataset.trig (Oxigraph's TriG) holds exactly the
quads of dataset.nq, reproducibly, and a failed write leaves the last good file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS, XSD

from kg.dataset_io import DATASET_NQ, DATASET_TRIG, write_dataset, write_trig
from kg.namespaces import DEFAULT_BASE, SH

BASE = DEFAULT_BASE
ID = BASE + "id/"


def _graphs() -> dict[str, Graph]:
    """Terms whose Turtle form differs from their N-Triples form: escapes in literals
    and in prefixed names, numbers and booleans written bare, language tags, blank
    nodes and lists, IRIs outside every prefix; graphs given out of IRI order."""
    facts = Graph()
    s = URIRef(ID + "thing")
    for o in (Literal('two\nlines, a "quote", a \\ and a tab\t'), Literal("\r\x01 control"),
              Literal("Beograd – Београд 😀", lang="sr"), Literal("x", lang="sr-latn"),
              Literal("1", datatype=XSD.integer), Literal("-5", datatype=XSD.integer),
              Literal("1.50", datatype=XSD.decimal), Literal("1e3", datatype=XSD.double),
              Literal("true", datatype=XSD.boolean), Literal("2020-01", datatype=XSD.gYearMonth),
              Literal("abc", datatype=XSD.integer), Literal("plain"),
              URIRef(ID + "a.b"), URIRef(ID + "a/b"), URIRef(ID + "with(paren)"),
              URIRef(ID + "pct%20x"), URIRef(ID + "-dash"), URIRef(ID + "1digit"), URIRef(ID),
              URIRef("http://example.org/x#y"), URIRef("urn:uuid:1234"), BNode("t0")):
        facts.add((s, SKOS.note, o))
    facts.add((BNode("t0"), RDF.first, URIRef(ID + "thing")))
    facts.add((BNode("t0"), RDF.rest, BNode("t1")))
    facts.add((BNode("t1"), RDF.first, Literal(2)))
    facts.add((BNode("t1"), RDF.rest, RDF.nil))
    shapes = Graph()
    shapes.add((URIRef(BASE + "shapes#S"), SH.path, SKOS.prefLabel))
    return {BASE + "graph/z-facts": facts, BASE + "graph/a-shapes": shapes, BASE + "graph/empty": Graph()}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    dist.joinpath("sums").write_text(repr(write_dataset(_graphs(), dist, BASE)))
    return dist


def _oxigraph_quads(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=fmt))


def test_trig_holds_the_quads_of_nquads_in_the_same_order(dist):
    nq = _oxigraph_quads(dist / DATASET_NQ, ox.RdfFormat.N_QUADS)
    trig = _oxigraph_quads(dist / DATASET_TRIG, ox.RdfFormat.TRIG)
    assert len(nq) == sum(len(g) for g in _graphs().values())
    assert trig == nq
    graphs = [q.graph_name.value for q in nq]
    assert graphs == sorted(graphs)


def test_rdflib_reads_the_same_quads_from_both(dist):
    """rdflib too (it relabels blank nodes, hence isomorphism per graph)."""
    a, b = Dataset(), Dataset()
    a.parse(dist / DATASET_NQ, format="nquads")
    b.parse(dist / DATASET_TRIG, format="trig")
    names = {g.identifier for g in a.graphs() if len(g)}
    assert names == {g.identifier for g in b.graphs() if len(g)}
    for name in names:
        assert isomorphic(a.graph(name), b.graph(name)), name
        assert isomorphic(a.graph(name), _graphs()[str(name)]), name


def test_returned_checksums_are_those_of_the_files(dist):
    sums = eval(dist.joinpath("sums").read_text())
    for name in (DATASET_NQ, DATASET_TRIG):
        assert sums[name] == hashlib.sha256((dist / name).read_bytes()).hexdigest(), name
    assert not list(dist.glob("*.tmp"))


def test_trig_declares_the_project_prefixes_and_uses_them(dist):
    text = (dist / DATASET_TRIG).read_text(encoding="utf-8")
    assert f"@prefix id: <{ID}> ." in text
    assert "@prefix sh: <http://www.w3.org/ns/shacl#> ." in text
    assert "id:thing skos:note" in text


def test_language_tags_come_out_lower_case_in_trig(tmp_path):
    """Oxigraph lower-cases language tags when it parses (RDF 1.1 allows it: tags are
    case-insensitive); the loader parses with Oxigraph, so built data has them so."""
    graph = Graph()
    graph.add((URIRef(ID + "x"), SKOS.prefLabel, Literal("Beograd", lang="sr-Latn")))
    write_dataset({BASE + "graph/g": graph}, tmp_path, BASE)
    assert '"Beograd"@sr-Latn' in (tmp_path / DATASET_NQ).read_text(encoding="utf-8")
    assert '"Beograd"@sr-latn' in (tmp_path / DATASET_TRIG).read_text(encoding="utf-8")


_WRITE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.test_dataset_writing import BASE, _graphs
from kg.dataset_io import write_dataset
print(write_dataset(_graphs(), Path(sys.argv[1]), BASE))
"""


def test_two_processes_write_identical_bytes(tmp_path):
    """Separate interpreters with different hash seeds: no order may depend on them."""
    root = Path(__file__).resolve().parent.parent
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _WRITE, str(out), str(root)], env=env,
                              capture_output=True, text=True, check=True)
        outputs.append((done.stdout, (out / DATASET_TRIG).read_bytes(), (out / DATASET_NQ).read_bytes()))
    assert outputs[0] == outputs[1]


def test_a_failed_write_keeps_the_last_good_file(tmp_path):
    write_dataset(_graphs(), tmp_path, BASE)
    good = (tmp_path / DATASET_TRIG).read_bytes()
    (tmp_path / DATASET_NQ).write_text("<http://example.org/s> <http://example.org/p> .\n")
    with pytest.raises(SyntaxError):
        write_trig(tmp_path, BASE)
    assert (tmp_path / DATASET_TRIG).read_bytes() == good
    assert not list(tmp_path.glob("*.tmp"))
