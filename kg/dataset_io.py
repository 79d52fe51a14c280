"""Reading and writing the built dataset in ``dist/``, byte-for-byte reproducibly.

Blank nodes get canonical labels (rdflib.compare) and every line is sorted, so the
same input always produces the same files: diffs of ``dist/`` show real changes only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from .namespaces import prefixes

DATASET_NQ = "dataset.nq"
DATASET_TRIG = "dataset.trig"


def canonical(graph: Graph) -> Graph:
    """Same triples, blank nodes relabelled deterministically."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    return to_canonical_graph(graph)


def nquads_lines(graphs: dict[str, Graph]) -> list[str]:
    lines: list[str] = []
    for iri in sorted(graphs):
        body = canonical(graphs[iri]).serialize(format="nt", encoding="utf-8").decode("utf-8")
        rows = sorted(set(line for line in body.splitlines() if line.strip()))
        lines.extend(row[:-1].rstrip() + f" <{iri}> .\n" for row in rows)
    return lines


def write_dataset(graphs: dict[str, Graph], dist: Path, base: str) -> dict[str, str]:
    """Write N-Quads and TriG; returns file name -> sha256."""
    dist.mkdir(parents=True, exist_ok=True)
    nq = "".join(nquads_lines(graphs))
    _atomic_write(dist / DATASET_NQ, nq)
    ds = Dataset()
    for name, ns in prefixes(base).items():
        ds.bind(name, ns, override=True, replace=True)
    ds.parse(data=nq, format="nquads")
    trig = ds.serialize(format="trig")
    _atomic_write(dist / DATASET_TRIG, trig)
    return {name: hashlib.sha256((dist / name).read_bytes()).hexdigest()
            for name in (DATASET_NQ, DATASET_TRIG)}


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def read_dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset (for tools that want rdflib)."""
    ds = Dataset()
    ds.parse(dist / DATASET_NQ, format="nquads")
    return ds
