"""The OWL 2 RL closure for the axioms our ontology uses, compiled into lookup tables.

owlrl applies every OWL 2 RL rule to every triple until nothing changes; reasonable
does the same in Rust. Our ontology uses a handful of axiom kinds (sub-classes,
sub-properties, inverses, symmetric and transitive properties, domains, ranges,
property chains, disjoint classes), and all but two of their rules read a single
triple. So the schema is compiled first: for every property, every (property,
direction) a triple of it entails through rdfs:subPropertyOf, owl:inverseOf,
owl:equivalentProperty and owl:SymmetricProperty, and every class its subject and
object get through rdfs:domain, rdfs:range and rdfs:subClassOf. One pass over the data
then gives the closure of those rules; only the joins (transitive properties, property
chains) loop, over the few predicates they involve. Terms are small integers meanwhile,
so the working set is tuples of ints rather than rdflib terms.

Axioms outside that set (class expressions, functional or inverse-functional
properties, keys, owl:sameAs in the data, ...) make ``compile_schema`` raise
``Unsupported``: the caller then uses a general engine. Tests prove the result equal to
owlrl's (kg.reasoning.infer) on the real graph and a synthetic one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal
from rdflib.collection import Collection

from .namespaces import OWL, RDF, RDFS


class Unsupported(Exception):
    """The schema uses an axiom the compiled rules do not implement."""


# Predicates and classes that would need rules this module does not have.
_UNSUPPORTED_PREDICATES = frozenset({
    OWL.sameAs, OWL.differentFrom, OWL.hasKey, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue,
    OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.complementOf, OWL.maxCardinality,
    OWL.maxQualifiedCardinality, OWL.onProperty, OWL.propertyDisjointWith, OWL.disjointUnionOf,
    OWL.sourceIndividual, OWL.assertionProperty, OWL.distinctMembers, OWL.onClass,
})
_UNSUPPORTED_TYPES = frozenset({
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty, OWL.Restriction, OWL.AllDifferent, OWL.NegativePropertyAssertion,
    OWL.AllDisjointProperties,
})

_CHARACTERISTICS = _UNSUPPORTED_TYPES | {OWL.TransitiveProperty, OWL.SymmetricProperty,
                                         OWL.AllDisjointClasses}

# Every predicate compile_schema looks at; data triples are mostly something else.
_READ = _UNSUPPORTED_PREDICATES | {
    RDF.type, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty,
    OWL.inverseOf, RDFS.domain, RDFS.range, OWL.propertyChainAxiom, RDF.first, RDF.rest,
    OWL.disjointWith, OWL.members}


@dataclass
class Schema:
    """The axioms, as plain dictionaries of terms."""

    superclasses: dict = field(default_factory=dict)   # class -> every class it is under (itself included)
    images: dict = field(default_factory=dict)         # property -> [(property, flipped)], itself excluded
    subject_types: dict = field(default_factory=dict)  # property -> classes of a subject (superclasses included)
    object_types: dict = field(default_factory=dict)   # property -> classes of an object
    transitive: set = field(default_factory=set)
    disjoint: list = field(default_factory=list)       # (class, class), sorted
    chains: list = field(default_factory=list)         # (property, [link, ...])


def compile_schema(triples: Iterable[tuple]) -> Schema:
    """Read the axioms from ``triples`` (ontology and data alike: an axiom counts
    wherever it is written) and compile them; raises Unsupported."""
    sub_class: dict = {}
    edges: dict = {}            # (p, flipped) -> [(q, flipped)]: one rule step
    domains: dict = {}
    ranges: dict = {}
    transitive, symmetric, chain_heads, lists = set(), set(), [], Graph()
    disjoint, all_disjoint = set(), []
    properties = set()

    def link(p, q, flip):
        properties.update((p, q))
        edges.setdefault((p, False), []).append((q, flip))
        edges.setdefault((p, True), []).append((q, not flip))

    for s, p, o in (t for t in triples if t[1] in _READ):
        if p in _UNSUPPORTED_PREDICATES:
            raise Unsupported(f"{p} ({s})")
        if p == RDF.type:
            if o not in _CHARACTERISTICS:
                continue
            if o in _UNSUPPORTED_TYPES:
                raise Unsupported(f"{s} a {o}")
            if o == OWL.TransitiveProperty:
                transitive.add(s)
            elif o == OWL.SymmetricProperty:
                symmetric.add(s)
            elif o == OWL.AllDisjointClasses:
                all_disjoint.append(s)
        elif p == RDFS.subClassOf:
            sub_class.setdefault(s, set()).add(o)
        elif p == OWL.equivalentClass:
            sub_class.setdefault(s, set()).add(o)
            sub_class.setdefault(o, set()).add(s)
        elif p == RDFS.subPropertyOf:
            link(s, o, False)
        elif p == OWL.equivalentProperty:
            link(s, o, False)
            link(o, s, False)
        elif p == OWL.inverseOf:
            link(s, o, True)
            link(o, s, True)
        elif p == RDFS.domain:
            domains.setdefault(s, set()).add(o)
            properties.add(s)
        elif p == RDFS.range:
            ranges.setdefault(s, set()).add(o)
            properties.add(s)
        elif p == OWL.propertyChainAxiom:
            chain_heads.append((s, o))
        elif p == OWL.disjointWith:
            disjoint.add((s, o))
        elif p == OWL.members:
            lists.add((s, p, o))
        elif p in (RDF.first, RDF.rest):
            lists.add((s, p, o))
    for p in symmetric:
        link(p, p, True)
    properties |= transitive
    schema = Schema(superclasses=reflexive_closure(sub_class), transitive=transitive)
    schema.chains = [(p, list(Collection(lists, head))) for p, head in chain_heads]
    for node in all_disjoint:
        members = list(Collection(lists, lists.value(node, OWL.members)))
        disjoint.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    schema.disjoint = sorted(disjoint)
    properties.update(q for _p, links in schema.chains for q in links)
    properties.update(p for p, _links in schema.chains)
    supers = schema.superclasses
    for p in properties:
        reach = _reachable(edges, (p, False))
        schema.images[p] = [x for x in reach if x != (p, False)]
        s_types, o_types = set(), set()
        for q, flipped in reach:
            for c in domains.get(q, ()):
                (o_types if flipped else s_types).update(supers.get(c, {c}))
            for c in ranges.get(q, ()):
                (s_types if flipped else o_types).update(supers.get(c, {c}))
        schema.subject_types[p] = s_types
        schema.object_types[p] = o_types
    return schema


def reflexive_closure(direct: dict) -> dict:
    """node -> every node reachable from it in ``direct`` (node -> successors), itself
    included; for every node that occurs (e.g. the rdfs:subClassOf hierarchy)."""
    return {c: _reachable(direct, c) for c in set(direct) | {o for v in direct.values() for o in v}}


def _reachable(edges: dict, start) -> set:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def closure(triples: Iterable[tuple], schema: Schema) -> tuple[list, set, list[str]]:
    """(terms, new, inconsistencies): what the compiled rules add to ``triples``, as
    (s, p, o) tuples of indexes into ``terms`` (the input itself is not repeated), and
    the individuals that break a disjointness axiom.

    Rules: cax-sco/cax-eqc, prp-spo1, prp-eqp, prp-inv, prp-symp, prp-dom, prp-rng
    (single triples, through the compiled tables), prp-trp and prp-spo2 (joins,
    repeated until nothing changes)."""
    ids: dict = {}
    terms: list = []

    def code(term) -> int:
        i = ids.get(term)
        if i is None:
            i = ids[term] = len(terms)
            terms.append(term)
        return i
    literal = set()             # ids of literals: never given a type by prp-rng
    type_id = code(RDF.type)
    # The compiled tables, over ids.
    supers = {code(c): [code(d) for d in ds if d != c] for c, ds in schema.superclasses.items()}
    images = {code(p): [(code(q), f) for q, f in v] for p, v in schema.images.items()}
    s_types = {code(p): [code(c) for c in v] for p, v in schema.subject_types.items() if v}
    o_types = {code(p): [code(c) for c in v] for p, v in schema.object_types.items() if v}
    transitive = {code(p) for p in schema.transitive}
    chains = [(code(p), [code(q) for q in links]) for p, links in schema.chains]
    joined = transitive | {q for _p, links in chains for q in links}

    known: set = set()
    get = ids.get
    for t in triples:
        row = []
        for x in t:
            i = get(x)
            if i is None:
                i = ids[x] = len(terms)
                terms.append(x)
                if isinstance(x, Literal):
                    literal.add(i)
            row.append(i)
        known.add(tuple(row))
    given = frozenset(known)
    pairs: dict = {p: set() for p in joined}   # join predicate -> {(s, o)}

    def consequences(batch: Iterable[tuple]) -> list:
        """Add the single-triple consequences of ``batch`` (itself included) to known."""
        added = []
        add = added.append
        for t in batch:
            s, p, o = t
            if t not in known:
                known.add(t)
                add(t)
            if p == type_id:
                for d in supers.get(o, ()):
                    u = (s, type_id, d)
                    if u not in known:
                        known.add(u)
                        add(u)
                continue
            for q, flipped in images.get(p, ()):
                u = (o, q, s) if flipped else (s, q, o)
                if u not in known:
                    known.add(u)
                    add(u)
            for c in s_types.get(p, ()):
                u = (s, type_id, c)
                if u not in known:
                    known.add(u)
                    add(u)
            if o not in literal:
                for c in o_types.get(p, ()):
                    u = (o, type_id, c)
                    if u not in known:
                        known.add(u)
                        add(u)
        return added

    def index(batch: Iterable[tuple]) -> None:
        for s, p, o in batch:
            if p in joined:
                pairs[p].add((s, o))

    index(known)
    index(consequences(list(known)))
    while True:
        derived = set()
        for p in transitive:
            derived.update((s, p, o) for s, o in _transitive_closure(pairs[p]) if (s, p, o) not in known)
        for p, links in chains:
            derived.update((s, p, o) for s, o in _chain(pairs, links) if (s, p, o) not in known)
        if not derived:
            break
        index(consequences(derived))
    return terms, known - given, _disjointness_errors(known, type_id, terms, schema.disjoint)


def _disjointness_errors(known: set, type_id: int, terms: list, disjoint: list) -> list[str]:
    """Individuals in two disjoint classes, or typed owl:Nothing (cax-dw, cax-adc, cls-nothing2)."""
    ids = {t: i for i, t in enumerate(terms)}
    watched = {ids[c] for pair in disjoint for c in pair if c in ids}
    nothing = ids.get(OWL.Nothing)
    if nothing is not None:
        watched.add(nothing)
    members: dict = {}
    for s, p, o in known:
        if p == type_id and o in watched:
            members.setdefault(o, set()).add(s)
    errors = []
    for a, b in disjoint:
        common = members.get(ids.get(a), set()) & members.get(ids.get(b), set())
        for x in sorted(terms[i] for i in common):
            errors.append(f"Disjoint classes {a} and {b} have a common individual {x}")
    for x in sorted(terms[i] for i in members.get(nothing, ())):
        errors.append(f"{x} is defined of type 'Nothing'")
    return errors


def _transitive_closure(pairs: set) -> set:
    """Every (x, z) reachable through ``pairs``."""
    succ: dict = {}
    for s, o in pairs:
        succ.setdefault(s, set()).add(o)
    out = set()
    for start in succ:
        seen, stack = set(), [start]
        while stack:
            for nxt in succ.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out.update((start, z) for z in seen)
    return out


def _chain(pairs: dict, links: list) -> set:
    """x p1 y1 ... pn z  =>  (x, z)."""
    current = pairs.get(links[0], set())
    for link in links[1:]:
        step: dict = {}
        for s, o in pairs.get(link, ()):
            step.setdefault(s, []).append(o)
        current = {(x, z) for x, y in current for z in step.get(y, ())}
    return current
