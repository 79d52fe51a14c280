"""OWL 2 RL reasoning, returning only what is new and worth publishing.

Three engines compute the same closure: owlrl (pure Python, the reference), reasonable
(Rust, 50-100x faster; it lacks the property-chain rule, which we complete here) and
the default, compiled (kg.compiled_rules: the ontology's axioms compiled into lookup
tables, several times faster again and lighter, because our ontology needs only a few
rule kinds; an axiom beyond them hands the work to reasonable). `dsr build --reasoner
owlrl` runs the reference. Tests prove all three infer the same triples for the OWL 2
RL features our ontology uses.

What we publish as the inferred graph is the closure minus the input, restricted to
statements about our own resources (entities, reports, claims) and without the
engines' bookkeeping (x owl:sameAs x, triples about literals, rdf:type owl:Thing).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from . import compiled_rules
from .compiled_rules import Unsupported
from .lean_store import lean_graph, rows
from .namespaces import OWL, RDF, RDFS, XSD

log = logging.getLogger(__name__)
ENGINES = ("compiled", "owlrl", "reasonable")

_TRIVIAL_TYPES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})
# Terms used in per-triple loops, looked up once (attribute access on an rdflib
# namespace is a Python call).
_TYPE, _SAME_AS, _CHAIN, _FIRST, _REST = RDF.type, OWL.sameAs, OWL.propertyChainAxiom, RDF.first, RDF.rest


def merge(graphs: Iterable[Graph]) -> Graph:
    """The union of ``graphs`` as one rdflib Graph (for owlrl, which works in place)."""
    merged = Graph()
    merged.addN((s, p, o, merged) for s, p, o in union(graphs))
    return merged


def union(graphs: Iterable[Iterable[tuple]]) -> set[tuple]:
    """The union of ``graphs`` as a set of triples: no rdflib store to fill."""
    triples: set[tuple] = set()
    for g in graphs:
        triples.update(g)
    return triples


def owlrl_closure(merged: Graph) -> tuple[Iterable[tuple], list[str]]:
    """owlrl's closure (in place) and its inconsistency messages."""
    import owlrl
    semantics = owlrl.OWLRL.OWLRL_Semantics(merged, False, False, rdfs=False)
    semantics.closure()
    return merged, list(semantics.error_messages)


def reasonable_closure(triples: list[tuple], schema: Graph) -> tuple[set[tuple], list[str]]:
    """reasonable's closure of ``triples``, completed with the property-chain rule
    (prp-spo2), which reasonable does not implement; inconsistencies are checked
    separately. ``schema`` holds the axioms read here (chains, disjointness).

    reasonable hands back the whole closure, input included, as new rdflib terms;
    building a Literal is costly (its value is parsed) and every term object takes
    memory. So every term but the RDF, RDFS and OWL vocabulary (which the OWL 2 RL rules
    match on) goes in as a short opaque IRI, and the closure is mapped back onto the
    original terms: the rules treat such terms as opaque anyway, and reasonable draws
    nothing from literals (no datatype rules), as the test against owlrl shows."""
    import reasonable
    chains = property_chains(schema)
    codes = _Codes()
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(codes.encode(triples))
    while True:
        out = codes.decode(reasoner.reason())
        new = chain_inferences(out, chains) - out if chains else set()
        if not new:
            break
        reasoner.from_graph(codes.encode(new))
    return out, disjointness_errors(schema, out)


_VOCABULARY = (str(RDF), str(RDFS), str(OWL))


class _Codes:
    """Terms <-> the opaque IRIs reasonable sees (``x:<n>``)."""

    def __init__(self):
        self.code: dict = {}
        self.term: dict = {}

    def encode(self, triples: Iterable[tuple]) -> list[tuple]:
        code, term = self.code, self.term
        out = []
        for t in triples:
            row = []
            for x in t:
                c = code.get(x)
                if c is None:
                    if type(x) is URIRef and str.startswith(x, _VOCABULARY):
                        c = str(x)
                    else:
                        c = f"x:{len(code):x}"
                    term[c] = x
                    code[x] = c
                row.append(c)
            out.append(tuple(row))
        return out

    def decode(self, closure: list[tuple]) -> set[tuple]:
        # Looked up as plain strings: comparing rdflib terms is a Python call.
        term = self.term.get
        return {(term(str(s), s), term(str(p), p), term(str(o), o)) for s, p, o in closure}


def property_chains(graph: Graph) -> list[tuple[URIRef, list[URIRef]]]:
    """(super-property, [p1, p2, ...]) for every owl:propertyChainAxiom."""
    return [(prop, list(Collection(graph, lst)))
            for prop, lst in graph.subject_objects(OWL.propertyChainAxiom)]


def chain_inferences(triples: set[tuple], chains) -> set[tuple]:
    """One application of prp-spo2: x p1 y1 ... yn-1 pn z  =>  x p z."""
    links_used = {link for _prop, links in chains for link in links}
    by_predicate: dict = {}
    for s, p, o in triples:
        if p in links_used:
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
        if p == _TYPE:
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
    if engine == "compiled":
        try:
            return compiled_inferences(asserted, base)
        except Unsupported as exc:
            log.warning("The ontology uses an axiom the compiled rules lack (%s); "
                        "reasoning with reasonable instead.", exc)
            engine = "reasonable"
    given = union(asserted)
    working = productive_triples(given)
    if engine == "owlrl":
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in working)
        closure, errors = owlrl_closure(graph)
    else:
        closure, errors = reasonable_closure(working, schema_graph(working))
    return publishable(closure, given, base), sorted(errors)


def compiled_inferences(asserted: list[Graph], base: str) -> tuple[Graph, list[str]]:
    """``infer`` with kg.compiled_rules; raises Unsupported before any work if the
    axioms need a rule it lacks."""
    from itertools import chain
    schema = compiled_rules.compile_schema(chain.from_iterable(map(rows, asserted)))
    terms, new, errors = compiled_rules.closure(chain.from_iterable(map(rows, asserted)), schema)
    decoded = [(terms[s], terms[p], terms[o]) for s, p, o in new]
    del new
    return publishable(decoded, frozenset(), base), sorted(errors)


_SCHEMA_PREDICATES = frozenset({OWL.disjointWith, OWL.members, OWL.propertyChainAxiom, RDF.first, RDF.rest})


def schema_graph(triples: Iterable[tuple]) -> Graph:
    """The axioms the property-chain rule and the disjointness check read, with the
    RDF lists they point to: a small graph instead of a copy of everything."""
    schema = Graph()
    all_disjoint = OWL.AllDisjointClasses
    schema.addN((s, p, o, schema) for s, p, o in triples
                if p in _SCHEMA_PREDICATES or (p == _TYPE and o == all_disjoint))
    return schema


_AXIOMS = frozenset({RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range,
                     OWL.equivalentProperty, OWL.propertyChainAxiom})
_CHARACTERISTICS = frozenset({OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                              OWL.InverseFunctionalProperty, OWL.AsymmetricProperty,
                              OWL.IrreflexiveProperty})


def productive(graph: Graph) -> Graph:
    """``productive_triples`` as an rdflib Graph."""
    kept = Graph()
    kept.addN((s, p, o, kept) for s, p, o in productive_triples(set(graph)))
    return kept


def productive_triples(triples: set[tuple]) -> list[tuple]:
    """The triples that can take part in an OWL 2 RL rule of our ontology: those whose
    predicate the ontology axiomatises (or rdf:type, owl:sameAs), plus the ontology's
    own triples. The rest (quotes, selectors, labels, reification) can only be copied
    through, so leaving them out gives the same inferences several times faster; a
    test compares against the full closure."""
    axiomatised = {_TYPE, _SAME_AS}
    chain_lists = []
    rest: dict = {}
    first: dict = {}
    for s, p, o in triples:
        if p in _AXIOMS or (p == _TYPE and o in _CHARACTERISTICS):
            axiomatised.add(s)
            if isinstance(o, URIRef):
                axiomatised.add(o)
            if p == _CHAIN:
                chain_lists.append(o)
        elif p == _FIRST:
            first[s] = o
        elif p == _REST:
            rest[s] = o
    for cell in chain_lists:                 # the properties of each chain
        seen = set()
        while cell in first and cell not in seen:
            seen.add(cell)
            axiomatised.add(first[cell])
            cell = rest.get(cell)
    return [t for t in triples
            if t[1] in axiomatised or not isinstance(t[0], URIRef) or not _is_instance_iri(t[0])]


def _is_instance_iri(s: URIRef) -> bool:
    text = str(s)
    return "/id/" in text or "/claim/" in text or "/report/" in text


def publishable(closure: Iterable[tuple], given, base: str) -> Graph:
    """The part of a closure we publish as graph/inferred (``given``: the asserted
    triples, a Graph or a set)."""
    ontology_ns = base + "ontology"
    trivial = _TRIVIAL_TYPES
    kept = []
    for t in closure:
        s, p, o = t
        if not isinstance(s, URIRef):
            continue
        if not str.startswith(s, base) or str.startswith(s, ontology_ns):
            continue
        if p == _SAME_AS and s == o:
            continue
        if p == _TYPE and (o in trivial or isinstance(o, Literal)):
            continue
        if t in given:
            continue
        kept.append(t)
    return lean_graph(triples=kept)
