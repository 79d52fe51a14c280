"""Asking the store for the pieces of a description: named queries (``kg/sparql/*.rq``)
run through any Backend, with values bound by ``VALUES`` blocks, and helpers that turn
pyoxigraph terms into rdflib terms and readable labels.

The .rq files use our prefixes (``dsr:``, ``oa:``, ...); they are declared here from the
backend's prefix map, so the same text runs on the embedded store and on an external
endpoint, whatever the base IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import DCTERMS, RDFS, SKOS

SPARQL_DIR = Path(__file__).parent / "sparql"
_WHERE = re.compile(r"^(?![ \t]*#).*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Row = dict[str, Term | None]


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    """The text of ``kg/sparql/{name}.rq``."""
    path = SPARQL_DIR / f"{name}.rq"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: every named query lives in kg/sparql/")
    return path.read_text(encoding="utf-8")


def bind(text: str, values: dict[str, Term | Iterable[Term]]) -> str:
    """``text`` with a ``VALUES ?name { ... }`` block per binding at the start of the
    top-level WHERE group (a list binds several values, an empty list none at all)."""
    if not values:
        return text
    blocks = []
    for name, value in sorted(values.items()):
        terms = [value] if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)) else list(value)
        blocks.append(f"\n  VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}")
    where = _WHERE.search(text)
    if where is None:
        raise ValueError("cannot find the WHERE group to bind values in")
    return text[:where.end()] + "".join(blocks) + text[where.end():]


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in sorted(prefixes.items()))


def select(backend, name: str, *, asserted_only: bool = False, **values) -> list[Row]:
    """Run the SELECT query ``name`` with ``values`` bound; rows as dicts of terms."""
    text = prologue(backend.prefixes) + bind(query_text(name), values)
    results = backend.query(text, asserted_only=asserted_only)
    names = [v.value for v in results.variables]
    return [{n: solution[n] for n in names} for solution in results]


def construct(backend, name: str, *, asserted_only: bool = False, **values) -> list[ox.Triple]:
    """Run the CONSTRUCT query ``name`` with ``values`` bound."""
    text = prologue(backend.prefixes) + bind(query_text(name), values)
    return list(backend.query(text, asserted_only=asserted_only))


def to_rdflib(term: Term) -> Node:
    """The rdflib term for a pyoxigraph term (for serialisation and rdflib tools)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def from_rdflib(term: Node) -> Term:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------

_LABEL_RANK = {str(SKOS.prefLabel): 0, str(RDFS.label): 1, str(DCTERMS.title): 2}


@dataclass
class Labels:
    """Readable names of IRIs: skos:prefLabel, then rdfs:label, then dcterms:title
    (English first), then a prefixed name or the IRI's last segment."""

    prefixes: dict[str, str]
    found: dict[str, tuple[int, str]] = field(default_factory=dict)
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def add(self, iri: str, predicate: str, label: ox.Literal) -> None:
        rank = _LABEL_RANK.get(predicate, 9) * 2 + (0 if label.language in (None, "", "en") else 1)
        if iri not in self.found or rank < self.found[iri][0]:
            self.found[iri] = (rank, label.value)

    def load(self, backend, iris: Iterable[str]) -> "Labels":
        """Fetch the labels of ``iris`` (one query, asserted graphs only)."""
        wanted = sorted({i for i in iris if i and i not in self.found})
        for chunk in (wanted[i:i + 400] for i in range(0, len(wanted), 400)):
            for row in select(backend, "labels", asserted_only=True, x=[ox.NamedNode(i) for i in chunk]):
                if isinstance(row["label"], ox.Literal):
                    self.add(row["x"].value, row["p"].value, row["label"])
                    self.triples.append((row["x"], row["p"], row["label"]))
        return self

    def has(self, iri: str) -> bool:
        return iri in self.found

    def __call__(self, iri: str) -> str:
        if iri in self.found:
            return self.found[iri][1]
        return self.short(iri)

    def short(self, iri: str) -> str:
        """``dsr:memberOf`` for IRIs in a known namespace, else the IRI itself."""
        best = ""
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(ns) > len(best) and iri != ns:
                best, prefix = ns, name
        if best:
            return f"{prefix}:{iri[len(best):]}"
        return iri


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]
