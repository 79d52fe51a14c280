"""Reading and writing the built dataset in ``dist/``, byte-for-byte reproducibly.

Blank nodes carry stable labels from loading (kg.loading) and every line is sorted,
so the same input always produces the same files: diffs of ``dist/`` show real
changes only.

``dataset.nq`` is formatted here from the rdflib graphs: each term once, exactly as
rdflib's N-Triples serialiser writes it, lines sorted within a graph, graphs in IRI
order. ``dataset.trig`` is Oxigraph's TriG serialiser run over those same N-Quads, so
the two files hold the same quads in the same order by construction. rdflib's Turtle
layout (nested ``[ ]`` blank nodes, ``( )`` lists, subjects grouped by class) made
TriG the slowest step of a build (70% of writing ``dist/`` at 100k triples, ten times
Oxigraph's time); Oxigraph writes a flat file instead: each subject once per graph
with ``;`` and ``,``, blank nodes by their ``_:`` labels, numbers and booleans bare,
language tags lower-cased (Oxigraph normalises them; RDF tags are case-insensitive).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral

from .namespaces import SH, VANN, prefixes

DATASET_NQ = "dataset.nq"
DATASET_TRIG = "dataset.trig"

__all__ = ["DATASET_NQ", "DATASET_TRIG", "AtomicFile", "graph_nquads", "read_dataset",
           "read_nquads", "trig_prefixes", "write_dataset", "write_nquads", "write_trig"]


def _nt_terms() -> tuple[dict, Callable]:
    """A cache term -> its N-Triples form (rdflib's own formatting)."""
    cache: dict = {}

    def missing(term) -> str:
        text = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
        cache[term] = text
        return text
    return cache, missing


def graph_nquads(iri: str, graph: Iterable[tuple], cache: tuple | None = None) -> list[str]:
    """The sorted, distinct N-Quads lines of one graph."""
    terms, missing = cache or _nt_terms()
    suffix = f" <{iri}> .\n"
    get = terms.get
    rows = {f"{get(s) or missing(s)} {get(p) or missing(p)} {get(o) or missing(o)}{suffix}"
            for s, p, o in graph}
    return sorted(rows)


def write_dataset(graphs: dict[str, Graph], dist: Path, base: str) -> dict[str, str]:
    """Write N-Quads and TriG; returns file name -> sha256."""
    sums = write_nquads(graphs, dist)
    sums.update(write_trig(dist, base))
    return sums


CHUNK_LINES = 100_000
"""Lines of ``dataset.nq`` encoded and written at a time (about 20 MB): a graph's text
is never held whole, and ``write_nquads``'s ``each_chunk`` gets a steady stream."""


def write_nquads(graphs: dict[str, Graph], dist: Path,
                 each_chunk: Callable[[bytes], object] | None = None) -> dict[str, str]:
    """Write ``dataset.nq`` one graph at a time (only one graph's lines in memory),
    handing each chunk of bytes written to ``each_chunk`` too; returns file name ->
    sha256."""
    dist.mkdir(parents=True, exist_ok=True)
    cache = _nt_terms()
    with AtomicFile(dist / DATASET_NQ) as out:
        for iri in sorted(graphs):
            lines = graph_nquads(iri, graphs[iri], cache)
            for start in range(0, len(lines), CHUNK_LINES):
                data = "".join(lines[start:start + CHUNK_LINES]).encode("utf-8")
                out.write(data)
                if each_chunk is not None:
                    each_chunk(data)
    return {DATASET_NQ: out.sha256}


def write_trig(dist: Path, base: str) -> dict[str, str]:
    """Write ``dataset.trig`` from ``dataset.nq`` (same quads, same order), parsed and
    serialised by Oxigraph; returns file name -> sha256."""
    quads = read_nquads(dist)
    with AtomicFile(dist / DATASET_TRIG) as out:
        ox.serialize(quads, output=out, format=ox.RdfFormat.TRIG, prefixes=trig_prefixes(base))
    return {DATASET_TRIG: out.sha256}


def read_nquads(dist: Path) -> ox.QuadParser:
    """The quads of ``dataset.nq`` as Oxigraph streams them, in file order. Lenient
    (no IRI checks, about 40% faster): the file was just written from terms rdflib
    accepted, and the statistics load it into a store with every check on."""
    return ox.parse(path=str(dist / DATASET_NQ), format=ox.RdfFormat.N_QUADS, lenient=True)


def trig_prefixes(base: str) -> dict[str, str]:
    """The project's prefixes, plus those of the shapes graph rdflib used to add."""
    return {**prefixes(base), "sh": str(SH), "vann": str(VANN)}


class AtomicFile:
    """A binary file written under a temporary name and renamed into place only if
    the ``with`` block succeeds, so readers never see half a file; ``sha256`` is the
    digest of the bytes written, computed on the way (no second read)."""

    def __init__(self, path: Path):
        self.path = path
        self._tmp = path.with_suffix(path.suffix + ".tmp")
        self._hash = hashlib.sha256()
        self.sha256 = ""

    def __enter__(self) -> "AtomicFile":
        self._fh = self._tmp.open("wb")
        return self

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        return self._fh.write(data)

    def flush(self) -> None:            # Oxigraph's serialisers call it
        self._fh.flush()

    def __exit__(self, kind: type | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._fh.close()
        if kind is not None:
            self._tmp.unlink(missing_ok=True)
            return
        self._tmp.replace(self.path)
        self.sha256 = self._hash.hexdigest()


def read_dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset (for tools that want rdflib)."""
    ds = Dataset()
    ds.parse(dist / DATASET_NQ, format="nquads")
    return ds
