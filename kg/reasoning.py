"""OWL 2 RL reasoning, returning only what is new and worth publishing.

Two engines compute the same closure: owlrl (pure Python, the reference) and
reasonable (Rust, 50-100x faster, the default; `dsr build --reasoner owlrl` for the
reference). reasonable lacks the property-chain rule, which we complete here. Tests
prove both infer the same triples for the OWL 2 RL features our ontology uses.

What we publish as the inferred graph is the closure minus the input, restricted to
statements about our own resources (entities, reports, claims) and without the
engines' bookkeeping (x owl:sameAs x, triples about literals, rdf:type owl:Thing).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from .namespaces import OWL, RDF, RDFS, XSD

ENGINES = ("owlrl", "reasonable")

_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def merge(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for g in graphs:
        for t in g:
            merged.add(t)
    return merged


def owlrl_closure(merged: Graph) -> tuple[Iterable[tuple], list[str]]:
    """owlrl's closure (in place) and its inconsistency messages."""
    import owlrl
    semantics = owlrl.OWLRL.OWLRL_Semantics(merged, False, False, rdfs=False)
    semantics.closure()
    return merged, list(semantics.error_messages)


def reasonable_closure(merged: Graph) -> tuple[Iterable[tuple], list[str]]:
    """reasonable's closure, completed with the property-chain rule (prp-spo2), which
    reasonable does not implement; inconsistencies are checked separately."""
    import reasonable
    chains = property_chains(merged)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(merged)
    while True:
        out = {(s, p, _plain(o)) for s, p, o in reasoner.reason()}
        new = chain_inferences(out, chains) - out
        if not new:
            break
        reasoner.from_graph(list(new))
    return out, disjointness_errors(merged, out)


def property_chains(graph: Graph) -> list[tuple[URIRef, list[URIRef]]]:
    """(super-property, [p1, p2, ...]) for every owl:propertyChainAxiom."""
    return [(prop, list(Collection(graph, lst)))
            for prop, lst in graph.subject_objects(OWL.propertyChainAxiom)]


def chain_inferences(triples: set[tuple], chains) -> set[tuple]:
    """One application of prp-spo2: x p1 y1 ... yn-1 pn z  =>  x p z."""
    by_predicate: dict = {}
    for s, p, o in triples:
        by_predicate.setdefault(p, []).append((s, o))
    found = set()
    for prop, links in chains:
        pairs = by_predicate.get(links[0], [])
        for link in links[1:]:
            step: dict = {}
            for s, o in by_predicate.get(link, []):
                step.setdefault(s, []).append(o)
            pairs = [(x, z) for x, y in pairs for z in step.get(y, ())]
        found.update((x, prop, z) for x, z in pairs)
    return found


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x"; rdflib keeps them apart, so normalise."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def disjointness_errors(ontology_and_data: Graph, closure: Iterable[tuple]) -> list[str]:
    """Individuals in two disjoint classes, or typed owl:Nothing, in a closure."""
    types: dict = {}
    for s, p, o in closure:
        if p == RDF.type:
            types.setdefault(o, set()).add(s)
    pairs = set()
    for a, b in ontology_and_data.subject_objects(OWL.disjointWith):
        pairs.add((a, b))
    for node in ontology_and_data.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(ontology_and_data, ontology_and_data.value(node, OWL.members)))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    errors = []
    for a, b in sorted(pairs):
        for x in sorted(types.get(a, set()) & types.get(b, set())):
            errors.append(f"Disjoint classes {a} and {b} have a common individual {x}")
    for x in sorted(types.get(OWL.Nothing, set())):
        errors.append(f"{x} is defined of type 'Nothing'")
    return errors


def infer(asserted: list[Graph], base: str, engine: str = "owlrl") -> tuple[Graph, list[str]]:
    """New triples about our resources entailed by ``asserted``, and inconsistencies.

    The caller decides what an inconsistency means (the build fails, a curator's
    validation reports it next to the SHACL results that usually explain it)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")
    given = merge(asserted)
    working = productive(given)
    closure, errors = (owlrl_closure if engine == "owlrl" else reasonable_closure)(working)
    return publishable(closure, given, base), sorted(errors)


def productive(graph: Graph) -> Graph:
    """The triples that can take part in an OWL 2 RL rule of our ontology: those whose
    predicate the ontology axiomatises (or rdf:type, owl:sameAs), plus the ontology's
    own triples. The rest (quotes, selectors, labels, reification) can only be copied
    through, so leaving them out gives the same inferences several times faster; a
    test compares against the full closure."""
    axiomatised = {RDF.type, OWL.sameAs}
    for s, p, o in graph:
        if p in (RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range, OWL.equivalentProperty,
                 OWL.propertyChainAxiom) or (p == RDF.type and o in (
                     OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                     OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty)):
            axiomatised.add(s)
            if isinstance(o, URIRef):
                axiomatised.add(o)
    for lst in graph.objects(None, OWL.propertyChainAxiom):
        axiomatised.update(Collection(graph, lst))
    kept = Graph()
    for t in graph:
        s = t[0]
        if t[1] in axiomatised or not isinstance(s, URIRef) or not _is_instance_iri(s):
            kept.add(t)
    return kept


def _is_instance_iri(s: URIRef) -> bool:
    text = str(s)
    return "/id/" in text or "/claim/" in text or "/report/" in text


def publishable(closure: Iterable[tuple], given: Graph, base: str) -> Graph:
    """The part of a closure we publish as graph/inferred."""
    inferred = Graph()
    ontology_ns = base + "ontology"
    for s, p, o in closure:
        if not isinstance(s, URIRef):
            continue
        text = str(s)
        if not text.startswith(base) or text.startswith(ontology_ns):
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and (o in _TRIVIAL_TYPES or isinstance(o, Literal)):
            continue
        if (s, p, o) in given:
            continue
        inferred.add((s, p, o))
    return inferred
