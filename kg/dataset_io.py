"""Reading and writing the built dataset in ``dist/``, byte-for-byte reproducibly.

Blank nodes carry stable labels from loading (kg.loading) and every line is sorted,
so the same input always produces the same files: diffs of ``dist/`` show real
changes only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Dataset, Graph

from .namespaces import prefixes

DATASET_NQ = "dataset.nq"
DATASET_TRIG = "dataset.trig"




def nquads_lines(graphs: dict[str, Graph]) -> list[str]:
    lines: list[str] = []
    for iri in sorted(graphs):
        body = graphs[iri].serialize(format="nt", encoding="utf-8").decode("utf-8")
        rows = sorted(set(line for line in body.splitlines() if line.strip()))
        lines.extend(row[:-1].rstrip() + f" <{iri}> .\n" for row in rows)
    return lines


def write_dataset(graphs: dict[str, Graph], dist: Path, base: str) -> dict[str, str]:
    """Write N-Quads and TriG; returns file name -> sha256."""
    dist.mkdir(parents=True, exist_ok=True)
    nq = "".join(nquads_lines(graphs))
    _atomic_write(dist / DATASET_NQ, nq)
    _atomic_write(dist / DATASET_TRIG, trig_text(graphs, base))
    return {name: hashlib.sha256((dist / name).read_bytes()).hexdigest()
            for name in (DATASET_NQ, DATASET_TRIG)}


def trig_text(graphs: dict[str, Graph], base: str) -> str:
    """TriG with one shared prefix block and the graphs in IRI order (rdflib's own TriG
    serializer orders graphs arbitrarily, which would break reproducible builds)."""
    known = prefixes(base)
    declared = {f"@prefix {name}: <{ns}> ." for name, ns in known.items()}
    parts = []
    for iri in sorted(graphs):
        g = Graph()
        for name, ns in known.items():
            g.bind(name, ns, override=True, replace=True)
        for t in graphs[iri]:
            g.add(t)
        body = g.serialize(format="turtle")
        declared.update(line for line in body.splitlines() if line.startswith("@prefix"))
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        # No re-indentation: it would change the content of multi-line literals.
        inner = "\n".join(lines).strip("\n")
        parts.append(f"\n<{iri}> {{\n{inner}\n}}\n")
    return "\n".join(sorted(declared)) + "\n" + "".join(parts)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def read_dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset (for tools that want rdflib)."""
    ds = Dataset()
    ds.parse(dist / DATASET_NQ, format="nquads")
    return ds
