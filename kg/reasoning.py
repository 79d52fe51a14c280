"""OWL 2 RL reasoning with owlrl, returning only what is new and worth publishing.

The closure is computed over the union of the ontology and all asserted graphs.
What we publish as the inferred graph is the closure minus the input, restricted to
statements about our own resources (entities, reports, claims) and without owlrl's
bookkeeping (x owl:sameAs x, triples about literals, rdf:type owl:Thing).
"""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from rdflib import Graph, Literal, URIRef

from .namespaces import OWL, RDF, RDFS

_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def closure(graphs: Iterable[Graph]) -> tuple[Graph, list[str]]:
    """The OWL-RL closure of the union of ``graphs`` and owlrl's inconsistency messages."""
    merged = Graph()
    for g in graphs:
        for t in g:
            merged.add(t)
    semantics = owlrl.OWLRL.OWLRL_Semantics(merged, False, False, rdfs=False)
    semantics.closure()
    return merged, list(semantics.error_messages)


def infer(asserted: list[Graph], base: str) -> tuple[Graph, list[str]]:
    """New triples about our resources entailed by ``asserted``, and inconsistencies.

    The caller decides what an inconsistency means (the build fails, a curator's
    validation reports it next to the SHACL results that usually explain it)."""
    full, errors = closure(asserted)
    inferred = Graph()
    given = Graph()
    for g in asserted:
        for t in g:
            given.add(t)
    for s, p, o in full:
        if not isinstance(s, URIRef) or not str(s).startswith(base):
            continue
        if str(s).startswith(base + "ontology"):
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and o in _TRIVIAL_TYPES:
            continue
        if isinstance(o, Literal) and p == RDF.type:
            continue
        if (s, p, o) in given:
            continue
        inferred.add((s, p, o))
    return inferred, sorted(errors)
