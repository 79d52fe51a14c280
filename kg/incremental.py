"""Validating a small change without re-validating the whole graph.

A curator's change (tens of triples) can only alter the validation results of a few
nodes: those it mentions, the subjects and objects of the facts its claims state,
the nodes whose entailments run through a changed edge (a new dsr:partOf gives every
asset located below it a new dsr:locatedIn value), and the nodes that look at a node
whose type changed (its claims check their subject's and object's class, its
neighbours' sh:class constraints). ``affected_nodes`` finds them.

``validate_focus`` then validates just those nodes. It cuts from the asserted graph
the neighbourhood their results depend on, and nothing more: each focus node's own
triples and facts, the edges the OWL 2 RL rules of our ontology could derive a
statement about it from (sub-properties, inverses, symmetric and transitive
properties, property chains, followed through the graph as far as they reach), the
types of every node it points to, and what the SPARQL constraints read beyond the
focus node. The entailments are computed on that neighbourhood by the build's own
reasoner, filtered as kg.validation does (no domain/range type repairs), and the
build's own shapes run on it: the result equals a full validation filtered to the
focus nodes (tests/test_incremental_validation.py checks it on the real graph and a
synthetic one).

The rules are read from the ontology (rdfs:subPropertyOf, owl:inverseOf,
owl:SymmetricProperty, owl:TransitiveProperty, owl:equivalentProperty,
owl:propertyChainAxiom, owl:sameAs) and the shapes (targets, inverse paths, what the
SPARQL constraints read), so new terms need no change here. Limits: a property chain
whose links are themselves chain-derived (other than the chain's own property in first
position, like locatedIn o partOf) is followed link by link without that nesting; OWL
restrictions (owl:hasValue, owl:someValuesFrom...) are not followed. The ontology uses
neither; an ontology test would show a difference.

pySHACL's own ``focus_nodes`` option is not used: in pySHACL 0.40 it also filters the
value nodes handed to nested shapes (sh:or, sh:node), so a wrong datatype inside an
sh:or passes unreported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from .claims import NON_FACTUAL
from .compiled_rules import reflexive_closure
from .lean_store import lean_graph
from .namespaces import DEFAULT_BASE, DSR, SH, XSD
from .report import Problem, ValidationReport

CLAIM_KINDS = (DSR.Claim, DSR.ContextClaim, DSR.Assessment, DSR.Recommendation)
# Changing one of these on a claim can make its fact appear in or vanish from the graph.
FACT_SWITCHES = {RDF.subject, RDF.predicate, RDF.object, RDF.type, DSR.stance, DSR.certainty, DSR.source}
_VOCABULARIES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD, SH))
# Looked up once: namespace attribute access is a Python call, and fact_of runs for
# every claim around a busy node.
(_SUBJECT, _PREDICATE, _OBJECT, _TYPE, _SOURCE, _AFFIRMED, _STANCE, _STATED, _CERTAINTY) = (
    RDF.subject, RDF.predicate, RDF.object, RDF.type, DSR.source, DSR.Affirmed, DSR.stance,
    DSR.Stated, DSR.certainty)

OUT, IN = "out", "in"


# ---------------------------------------------------------------------------------
# What the ontology and the shapes say about reaching beyond a node
# ---------------------------------------------------------------------------------

@dataclass
class Schema:
    """The rule structure of an ontology and the reach of a shapes graph."""

    ontology: Graph
    shapes: Graph | None
    subs: dict = field(default_factory=lambda: defaultdict(set))        # p -> direct sub-properties
    inverses: dict = field(default_factory=lambda: defaultdict(set))    # p -> inverse properties (both ways)
    equivalents: dict = field(default_factory=lambda: defaultdict(set))
    symmetric: set = field(default_factory=set)
    transitive: set = field(default_factory=set)
    chains: dict = field(default_factory=lambda: defaultdict(list))     # p -> [[link, link, ...], ...]
    axiomatised: set = field(default_factory=set)
    # Shapes look at edges *into* a focus node with these predicates: predicate -> the
    # classes a node must have for that to matter (None: any node).
    in_predicates: dict = field(default_factory=lambda: defaultdict(set))
    value_reads: dict = field(default_factory=lambda: defaultdict(set))  # $this p ?v: what is read on ?v
    typed_paths: set = field(default_factory=set)          # sh:path p with a class check on its values
    in_side_predicates: set = field(default_factory=set)   # ... and these on its in-neighbours
    value_any: bool = False                                 # ... or any predicate (a variable predicate)
    deep: bool = False                                      # a constraint reads two hops into the data
    supers: dict = field(default_factory=dict)                          # class -> its super-classes
    _reads: dict = field(default_factory=dict)
    _supers_of: dict = field(default_factory=lambda: defaultdict(set))
    _derivers: dict = field(default_factory=dict)
    _lifts: dict | None = None
    _untargeted: Graph | None = None
    _targets: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    @classmethod
    def read(cls, ontology: Graph, shapes: Graph | None) -> "Schema":
        s = cls(ontology, shapes)
        for p, sup in ontology.subject_objects(RDFS.subPropertyOf):
            s.subs[sup].add(p)
        for p, q in ontology.subject_objects(OWL.inverseOf):
            s.inverses[p].add(q)
            s.inverses[q].add(p)
        for p, q in ontology.subject_objects(OWL.equivalentProperty):
            s.equivalents[p].add(q)
            s.equivalents[q].add(p)
        s.symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
        s.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        for p, lst in ontology.subject_objects(OWL.propertyChainAxiom):
            s.chains[p].append(list(Collection(ontology, lst)))
        s.axiomatised = (set(s.subs) | {x for v in s.subs.values() for x in v} | set(s.inverses)
                         | set(s.equivalents) | s.symmetric | s.transitive | set(s.chains)
                         | {x for v in s.chains.values() for c in v for x in c})
        s.supers = _class_closure(ontology)
        if shapes is not None:
            s._read_shapes(shapes)
        return s

    def _read_shapes(self, shapes: Graph) -> None:
        for p in shapes.objects(None, SH.targetObjectsOf):
            self.in_predicates[p].add(None)
        for p in shapes.objects(None, SH.inversePath):
            if isinstance(p, URIRef):
                self.in_predicates[p].add(None)
        for shape, path in shapes.subject_objects(SH.path):
            if isinstance(path, BNode) and (path, SH.inversePath, None) not in shapes:
                self.value_any = True          # sequence or alternative paths read further
            elif isinstance(path, URIRef):
                types, more = _value_checks(shapes, shape, set())
                if types:
                    self.typed_paths.add(path)
                if more:
                    self.value_any = True      # a nested shape reads the values' own triples
        namespaces = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                      for d in shapes.objects(None, SH.declare)}
        for shape, constraint in shapes.subject_objects(SH.sparql):
            select = shapes.value(constraint, SH.select)
            if select is None:
                continue
            classes = frozenset(shapes.objects(shape, SH.targetClass))
            other = any((shape, t, None) in shapes for t in _TARGETS if t != SH.targetClass)
            self._read_sparql(str(select), namespaces, classes if classes and not other else None)

    def in_predicates_for(self, types: set) -> set:
        """The in-edge predicates that matter for a node of these (asserted) types."""
        supers = set().union(*(self.supers.get(c, {c}) for c in types)) if types else set()
        return {p for p, conds in self.in_predicates.items()
                if None in conds or any(c & supers for c in conds)}

    def flips(self, t) -> bool:
        """Whether an edge of t gives its object an edge too (inverse, symmetric)."""
        return any(flipped for _, flipped in self.lifts(t))

    def _read_sparql(self, text: str, namespaces: dict[str, str], condition) -> None:
        """What a constraint reads beyond $this, from its algebra: edges into $this
        (and then what it reads on those in-neighbours), and what it reads on $this's
        values. Reading further than one hop is only followed through the ontology
        (rdf/rdfs/owl terms: the ontology is always at hand)."""
        from rdflib.paths import Path
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.term import Variable
        query = prepareQuery(text, initNs={"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD,
                                           "dcterms": DCTERMS, **namespaces})
        this = Variable("this")
        patterns = list(_patterns(query.algebra))
        side: dict = {}
        via: dict = defaultdict(set)
        for s, p, o in patterns:
            if s == this and isinstance(o, Variable) and o != this:
                side.setdefault(o, "value")
                via[o] |= set(_path_terms(p)) if isinstance(p, Path) else {None} if isinstance(p, Variable) else {p}
            if o == this and isinstance(s, Variable) and s != this:
                side.setdefault(s, "in")
                if isinstance(p, URIRef):
                    self.in_predicates[p].add(condition)
                else:
                    self.value_any = True
        for s, p, o in patterns:
            if s == this:
                continue
            predicates = (set(_path_terms(p)) if isinstance(p, Path)
                          else set() if isinstance(p, Variable) else {p})
            where = side.get(s)
            if where is None:
                if not all(str(x).startswith(_VOCABULARIES) for x in predicates) or isinstance(p, Variable):
                    self.deep = True
                continue
            if isinstance(p, Variable):
                self.value_any = True
            if where == "value":
                for first in via[s]:
                    self.value_reads[first] |= predicates
            else:
                self.in_side_predicates |= predicates

    def reads(self, t) -> set:
        """What the shapes read on a value reached from a focus node by t (or by a
        sub-property of a property they constrain): rdf:type for class checks, and the
        predicates SPARQL constraints follow from it."""
        if t not in self._reads:
            out = set(self.value_reads.get(None, ()))
            for sup in self.super_properties(t):
                out |= self.value_reads.get(sup, set())
                if sup in self.typed_paths:
                    out.add(RDF.type)
            self._reads[t] = out
        return self._reads[t]

    def super_properties(self, t) -> set:
        """t and every property it is a sub-property of (or equivalent to)."""
        if not self._supers_of:
            for sup, subs in self.subs.items():
                for sub in subs:
                    self._supers_of[sub].add(sup)
            for a, bs in self.equivalents.items():
                self._supers_of[a] |= bs
        seen, todo = {t}, [t]
        while todo:
            for sup in self._supers_of.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def focused_shapes(self, data: Graph, focus: set[Node]) -> Graph:
        """The shapes graph with every shape's targets replaced by the focus nodes it
        targets in ``data`` (sh:targetNode), so pySHACL and the SPARQL constraints
        look at nothing else. Nested shapes (sh:or, sh:node) are untouched."""
        if self.shapes is None:
            raise ValueError("no shapes graph")
        if any(isinstance(f, BNode) for f in focus):
            return self.shapes          # sh:targetNode cannot name a blank node in SPARQL
        if self._untargeted is None:
            self._untargeted = Graph()
            for t in self.shapes:
                if t[1] in _TARGETS:
                    self._targets[t[0]][t[1]].add(t[2])
                else:
                    self._untargeted.add(t)
        supers = _class_closure(data)
        types = {f: set().union(*(supers.get(c, {c}) for c in data.objects(f, RDF.type))) for f in focus}
        out_p = {f: set(data.predicates(f, None)) for f in focus}
        in_p = {f: set(data.predicates(None, f)) for f in focus}
        g = Graph()
        for t in self._untargeted:
            g.add(t)
        for shape, targets in self._targets.items():
            for f in focus:
                if (types[f] & targets[SH.targetClass] or out_p[f] & targets[SH.targetSubjectsOf]
                        or in_p[f] & targets[SH.targetObjectsOf] or f in targets[SH.targetNode]):
                    g.add((shape, SH.targetNode, f))
        return g

    def derivers(self, t: URIRef, d: str) -> frozenset:
        """(p, direction) whose asserted edges yield an edge of t in direction d: t itself,
        its sub-properties, inverses (flipped), symmetric use, equivalents, to a fixpoint."""
        key = (t, d)
        if key not in self._derivers:
            found = {(t, d)}
            todo = [(t, d)]
            while todo:
                p, dp = todo.pop()
                nxt = [(q, dp) for q in self.subs.get(p, ())]
                nxt += [(q, dp) for q in self.equivalents.get(p, ())]
                nxt += [(q, _flip(dp)) for q in self.inverses.get(p, ())]
                if p in self.symmetric:
                    nxt.append((p, _flip(dp)))
                for x in nxt:
                    if x not in found:
                        found.add(x)
                        todo.append(x)
            self._derivers[key] = frozenset(found)
        return self._derivers[key]

    def transitive_family(self, t: URIRef, d: str) -> bool:
        return any(p in self.transitive for p, _ in self.derivers(t, d))

    def lifts(self, p: URIRef) -> set[tuple[URIRef, bool]]:
        """(t, flipped): an edge (a p b) yields (a t b), or (b t a) when flipped."""
        if self._lifts is None:
            lifts: dict = defaultdict(set)
            for t in self.axiomatised:
                for q, dq in self.derivers(t, OUT):
                    lifts[q].add((t, dq == IN))
            self._lifts = lifts
        return self._lifts.get(p, set()) | {(p, False)}


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_NESTING = (SH["or"], SH["and"], SH.xone)


def _value_checks(shapes: Graph, shape, seen: set) -> tuple[bool, bool]:
    """Whether a property shape's constraints on its value nodes need the values'
    types (sh:class, also inside sh:or/sh:and/sh:xone/sh:not/sh:node), and whether
    they read the values' own triples (a nested sh:property or sh:path, sh:closed)."""
    if shape in seen:
        return False, False
    seen.add(shape)
    types = (shape, SH["class"], None) in shapes
    more = any((shape, p, None) in shapes for p in (SH.property, SH.closed, SH.qualifiedValueShape))
    nested = list(shapes.objects(shape, SH["not"])) + list(shapes.objects(shape, SH.node))
    for lst in (o for p in _NESTING for o in shapes.objects(shape, p)):
        nested += list(Collection(shapes, lst))
    for n in nested:
        if (n, SH.path, None) in shapes:
            more = True
        t, m = _value_checks(shapes, n, seen)
        types, more = types or t, more or m
    return types, more


def _class_closure(data: Graph) -> dict:
    """Reflexive-transitive rdfs:subClassOf per class, as pySHACL follows it in the
    data graph for sh:targetClass."""
    direct: dict = defaultdict(set)
    for c, sup in data.subject_objects(RDFS.subClassOf):
        direct[c].add(sup)
    # Only classes that have a super-class (callers read the others with a default).
    return {c: supers for c, supers in reflexive_closure(direct).items() if c in direct}


def _flip(d: str) -> str:
    return IN if d == OUT else OUT


def _patterns(node) -> Iterable[tuple]:
    """Every triple pattern anywhere in a SPARQL algebra tree (sub-queries and
    FILTER (NOT) EXISTS included)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(node, CompValue) or isinstance(node, dict):
        for key, value in node.items():
            if key == "triples" and isinstance(value, list):
                for t in value:
                    if isinstance(t, tuple) and len(t) == 3:
                        yield t
                    elif isinstance(t, list):      # unparsed blocks: [s, p, o, s, p, o, ...]
                        yield from (tuple(t[i:i + 3]) for i in range(0, len(t) - 2, 3))
            else:
                yield from _patterns(value)
    elif isinstance(node, (list, tuple)):
        for x in node:
            yield from _patterns(x)


def _path_terms(path) -> Iterable[URIRef]:
    if isinstance(path, URIRef):
        yield path
        return
    for attr in ("path", "args"):
        inner = getattr(path, attr, None)
        if inner is None:
            continue
        for x in (inner if isinstance(inner, (list, tuple)) else [inner]):
            yield from _path_terms(x)


_SCHEMAS: dict = {}


def schema_for(ontology: Graph, shapes: Graph | None) -> Schema:
    """Schema of an ontology and shapes graph, cached while they are unchanged."""
    key = (id(ontology), len(ontology), id(shapes), len(shapes) if shapes is not None else -1)
    if key not in _SCHEMAS:
        _SCHEMAS.clear()
        _SCHEMAS[key] = Schema.read(ontology, shapes)
    return _SCHEMAS[key]


@lru_cache(maxsize=4)
def _project_schema_graphs(root: str, base: str) -> tuple[Graph, Graph]:
    """The ontology and shapes (derived shapes included) of a checkout, for callers
    that pass neither."""
    from .config import load_settings
    from .loading import input_files, parse_file
    from .shapes import derived_shapes
    settings = load_settings()
    onto_files, shape_files, _ = input_files(settings)
    ontology, shapes = Graph(), Graph()
    for path in onto_files:
        parse_file(path, settings.base, ontology)
    for path in shape_files:
        parse_file(path, settings.base, shapes)
    shapes += derived_shapes(ontology)
    return ontology, shapes


def _default_schema_graphs() -> tuple[Graph, Graph]:
    from .config import load_settings
    settings = load_settings()
    return _project_schema_graphs(str(settings.root), settings.base)


# ---------------------------------------------------------------------------------
# Edges of the asserted graph, plain facts included
# ---------------------------------------------------------------------------------

class Edges:
    """Out- and in-edges of nodes in the asserted graph(s), with the plain facts that
    the build derives from claims (affirmed, stated, factual claims of a known report)
    counted as edges too. ``any_fact`` counts every claim's triple (for finding what a
    change may affect, before and after)."""

    def __init__(self, graphs: list[Graph], any_fact: bool = False):
        self.graphs = [g for g in graphs if g is not None and len(g)]
        self.any_fact = any_fact
        self._facts_out: dict = {}
        self._facts_in: dict = {}
        self._reports: dict = {}

    def value(self, s, p):
        for g in self.graphs:
            v = g.value(s, p)
            if v is not None:
                return v
        return None

    def has(self, t) -> bool:
        return any(t in g for g in self.graphs)

    def triples(self, pattern) -> Iterable[tuple]:
        seen = set()
        for g in self.graphs:
            for t in g.triples(pattern):
                if t not in seen:
                    seen.add(t)
                    yield t

    def fact_of(self, claim) -> tuple | None:
        """The triple a claim states, if the build makes it a plain fact (as
        kg.claims.partition and is_plain_fact decide: a claim of a known report,
        factual, affirmed and stated). One index lookup per claim."""
        po: dict = defaultdict(list)
        for g in self.graphs:
            for _, p, o in g.triples((claim, None, None)):
                po[p].append(o)
        try:
            s, p, o = po[_SUBJECT][0], po[_PREDICATE][0], po[_OBJECT][0]
        except (KeyError, IndexError):
            return None
        if self.any_fact:
            return s, p, o
        types = po.get(_TYPE, ())
        if not any(k in types for k in CLAIM_KINDS) or any(k in types for k in NON_FACTUAL):
            return None
        report = po[_SOURCE][0] if po.get(_SOURCE) else None
        if report is None or not self._is_report(report):
            return None
        if _AFFIRMED not in po.get(_STANCE, ()) or _STATED not in po.get(_CERTAINTY, ()):
            return None
        return s, p, o

    def _is_report(self, node) -> bool:
        if node not in self._reports:
            self._reports[node] = self.has((node, RDF.type, DSR.Report))
        return self._reports[node]

    def _facts(self, z, position: int) -> dict:
        """Facts with z as subject (position 0) or object (2), by predicate; cached."""
        cache = self._facts_out if position == 0 else self._facts_in
        if z not in cache:
            by_predicate: dict = defaultdict(list)
            link = RDF.subject if position == 0 else RDF.object
            for claim, _, _ in self.triples((None, link, z)):
                fact = self.fact_of(claim)
                if fact is not None and fact[position] == z:
                    by_predicate[fact[1]].append(fact)
            cache[z] = by_predicate
        return cache[z]

    def out(self, z, p=None) -> Iterable[tuple]:
        """Triples (z, p, o): asserted and facts."""
        yield from self.triples((z, p, None))
        facts = self._facts(z, 0)
        if p is None:
            for group in facts.values():
                yield from group
        else:
            yield from facts.get(p, ())

    def in_(self, z, p=None) -> Iterable[tuple]:
        """Triples (s, p, z): asserted and facts."""
        if isinstance(z, Literal):
            return
        yield from self.triples((None, p, z))
        facts = self._facts(z, 2)
        if p is None:
            for group in facts.values():
                yield from group
        else:
            yield from facts.get(p, ())


# ---------------------------------------------------------------------------------
# Following the rules through the graph
# ---------------------------------------------------------------------------------

class Reach:
    """Walks the edges an entailment about some node could be derived from.

    A state (node, label, direction) asks for the closure edges of a property
    (label ("p", t)) or of one link of a property chain (label ("c", chain, k)) at a
    node, outwards or inwards. Every asserted edge matched is recorded; transitive
    properties and chains push the states that continue them."""

    def __init__(self, schema: Schema, edges: Edges):
        self.schema = schema
        self.edges = edges
        self.triples: set[tuple] = set()
        self.nodes: set[Node] = set()
        self._seen: set = set()
        self._todo: list = []
        self.found: dict = defaultdict(set)          # (label, direction) -> nodes reached
        self._chain_ids = {}
        self._chain_list = []
        self._chain_super = []
        for prop, chains in schema.chains.items():
            for c in chains:
                self._chain_ids[(prop, tuple(c))] = len(self._chain_list)
                self._chain_list.append(c)
                self._chain_super.append(prop)

    def push(self, node, label, d) -> None:
        if isinstance(node, Literal):
            return
        key = (node, label, d)
        if key not in self._seen:
            self._seen.add(key)
            self._todo.append(key)

    def property(self, node, t, d) -> None:
        self.push(node, ("p", t), d)

    def run(self) -> "Reach":
        while self._todo:
            node, label, d = self._todo.pop()
            if label[0] == "p":
                self._expand(node, label[1], d, label)
            else:
                self._expand(node, self._chain_list[label[1]][label[2]], d, label)
        return self

    def _expand(self, z, t, d, label) -> None:
        schema = self.schema
        continues = schema.transitive_family(t, d)
        for p, dp in schema.derivers(t, d):
            found = self.edges.out(z, p) if dp == OUT else self.edges.in_(z, p)
            for triple in found:
                w = triple[2] if dp == OUT else triple[0]
                self.triples.add(triple)
                self.nodes.add(w)
                self.found[(label, d)].add(w)
                if continues:
                    self.push(w, label, d)
                if label[0] == "c":
                    chain = self._chain_list[label[1]]
                    k = label[2] + (1 if d == OUT else -1)
                    if 0 <= k < len(chain):
                        self.push(w, ("c", label[1], k), d)
            for chain in schema.chains.get(p, ()):
                cid = self._chain_ids[(p, tuple(chain))]
                self.push(z, ("c", cid, 0 if dp == OUT else len(chain) - 1), dp)

    def gaining(self) -> set:
        """The nodes reached that gain or lose entailed edges: those reached inwards
        along a property or back to a chain's first link (subjects of the entailed
        edges), and those reached outwards when the entailed property has an inverse
        or is symmetric (objects that get the reverse edge). Intermediate nodes of a
        chain gain nothing."""
        out = set()
        for (label, d), nodes in self.found.items():
            if label[0] == "p":
                if d == IN or self.schema.flips(label[1]):
                    out |= nodes
            else:
                cid, k = label[1], label[2]
                if (d == IN and k == 0) or (d == OUT and k == len(self._chain_list[cid]) - 1
                                             and self.schema.flips(self._chain_super[cid])):
                    out |= nodes
        return out

    def chain_neighbours(self, a, b, t) -> None:
        """States continuing through a (new or removed) edge (a t b): the nodes that
        reach a along t and those b reaches, and for each chain with t as a link the
        nodes before a and after b along the chain."""
        if self.schema.transitive_family(t, OUT):
            self.property(a, t, IN)
            self.property(b, t, OUT)
        for cid, chain in enumerate(self._chain_list):
            for k, link in enumerate(chain):
                if link != t:
                    continue
                if k > 0:
                    self.push(a, ("c", cid, k - 1), IN)
                if k + 1 < len(chain):
                    self.push(b, ("c", cid, k + 1), OUT)
                if self.schema.transitive_family(link, OUT):
                    self.push(a, ("c", cid, k), IN)
                    self.push(b, ("c", cid, k), OUT)


# ---------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------

def affected_nodes(data: Graph, added: set[tuple], removed: set[tuple], *,
                   ontology: Graph | None = None, shapes: Graph | None = None) -> set[Node]:
    """The focus nodes whose validation results a change can alter.

    ``data`` is the asserted graph after the change (curated triples, claims included);
    ``added`` and ``removed`` the change's triples. The ontology and shapes default to
    the project's (read once and cached). Literals and ontology terms are left out."""
    if ontology is None:
        ontology, default_shapes = _default_schema_graphs()
        shapes = shapes if shapes is not None else default_shapes
    schema = schema_for(ontology, shapes)
    added = {tuple(t[:3]) for t in added}
    removed = {tuple(t[:3]) for t in removed}
    before = Graph()
    for t in removed:
        before.add(t)
    edges = Edges([data, before], any_fact=True)   # before and after: over both

    changed = set(added) | set(removed)
    nodes: set[Node] = set()
    for s, _, o in changed:
        nodes.add(s)
        nodes.add(o)
    # Claims whose fact may appear, vanish or change, and the facts themselves.
    claims = {s for s, p, _ in changed if p in FACT_SWITCHES}
    for s, p, o in changed:      # a report (un)typed: every claim citing it
        if p == RDF.type and o == DSR.Report:
            claims |= {c for c, _, _ in edges.triples((None, DSR.source, s))}
    facts = set()
    for claim in claims:
        subjects = {o for _, _, o in edges.triples((claim, RDF.subject, None))}
        predicates = {o for _, _, o in edges.triples((claim, RDF.predicate, None))}
        objects = {o for _, _, o in edges.triples((claim, RDF.object, None))}
        facts |= {(s, p, o) for s in subjects for p in predicates for o in objects}
    changed |= facts
    for s, _, o in facts:
        nodes.add(s)
        nodes.add(o)

    reach = Reach(schema, edges)
    looked_at = set()
    value_side = set().union(*schema.value_reads.values())
    for s, p, o in changed:
        if p in schema.axiomatised and not isinstance(o, Literal):
            for t, flipped in schema.lifts(p):
                a, b = (o, s) if flipped else (s, o)
                nodes.add(a)
                nodes.add(b)
                reach.chain_neighbours(a, b, t)
        if p == RDF.type or p in value_side or schema.value_any:
            looked_at.add(s)
        if p in schema.in_side_predicates:     # read on s by the shapes of the nodes s points to
            nodes |= {t[2] for q in schema.in_predicates for t in edges.out(s, q)}
    # Nodes whose class or SPARQL-read triples changed: everyone pointing at them.
    for x in looked_at:
        if isinstance(x, Literal):
            continue
        nodes |= {t[0] for t in edges.in_(x)}
        for t in schema.axiomatised:
            reach.property(x, t, IN)
    reach.run()
    nodes |= reach.gaining()
    return {n for n in nodes if _is_data_node(n)}


def _is_data_node(node) -> bool:
    if isinstance(node, Literal):
        return False
    text = str(node)
    return not text.startswith(_VOCABULARIES) and "/ontology#" not in text and not text.endswith("/ontology")


def neighbourhood(schema: Schema, asserted: Graph, focus: set[Node]) -> Graph:
    """The part of ``asserted`` (plus the facts its claims make plain) that the
    validation results of the focus nodes depend on."""
    return _neighbourhood(schema, asserted, focus)[0]


def _neighbourhood(schema: Schema, asserted: Graph, focus: set[Node]) -> tuple[Graph, set[Node]]:
    """The neighbourhood, and its centres (the focus nodes and their owl:sameAs cliques)."""
    edges = Edges([asserted])
    local = lean_graph()
    reach = Reach(schema, edges)
    centres = {f for f in focus if not isinstance(f, Literal)}
    # owl:sameAs merges descriptions: the whole clique is a centre.
    todo = list(centres)
    while todo:
        x = todo.pop()
        for t in list(edges.triples((x, OWL.sameAs, None))) + list(edges.triples((None, OWL.sameAs, x))):
            local.add(t)
            for y in (t[0], t[2]):
                if y not in centres:
                    centres.add(y)
                    todo.append(y)
    wanted: dict = defaultdict(set)        # node -> predicates to copy from it
    inward = schema.in_side_predicates | {RDF.type}
    for f in centres:
        for t in edges.out(f):
            local.add(t)
            wanted[t[2]] |= schema.reads(t[1])
        for p in schema.in_predicates_for({t[2] for t in edges.out(f, RDF.type)}):
            for t in edges.in_(f, p):
                local.add(t)
                wanted[t[0]] |= inward
            if p in schema.axiomatised:
                reach.property(f, p, IN)
        for t in schema.axiomatised:
            reach.property(f, t, OUT)
    reach.run()
    for t in reach.triples:
        local.add(t)
    for (label, d), nodes in reach.found.items():
        if d == IN:
            reads = inward
        elif label[0] == "p":
            reads = schema.reads(label[1])
        else:
            last = label[2] == len(reach._chain_list[label[1]]) - 1
            reads = schema.reads(reach._chain_super[label[1]]) if last else set()
        for n in nodes:
            wanted[n] |= reads
    for x, reads in wanted.items():
        if isinstance(x, Literal) or x in centres or not (reads or schema.value_any):
            continue
        for t in edges.triples((x, OWL.sameAs, None)):
            local.add(t)
        for p in ([None] if schema.value_any else reads):
            for t in edges.out(x, p):
                local.add(t)
    return local, centres


def validate_focus(ontology: Graph, shapes: Graph, asserted: Graph, focus: set[Node],
                   inferred: Graph | None = None, locator=None, *, base: str | None = None,
                   engine: str = "compiled", inconsistencies: bool = False) -> ValidationReport:
    """SHACL (core and SPARQL) problems of the focus nodes, as a full validation of
    ``asserted`` (the whole asserted graph after the change) would report them.

    ``inferred``: the inferred graph of the whole data after the change, if the caller
    has it; otherwise the entailments are computed on the neighbourhood.
    ``inconsistencies``: also report OWL-RL disjointness errors that name a focus node
    (as the build does, kind "owl")."""
    from .reasoning import infer
    from .validation import shacl_problems, validation_graph
    schema = schema_for(ontology, shapes)
    focus = {f for f in focus if not isinstance(f, Literal)}
    if not focus:
        return ValidationReport()
    base = base or _base_of(ontology)
    local, centres = _neighbourhood(schema, asserted, focus)
    errors: list[str] = []
    if inferred is None:
        # The classes of the nodes around the centres only matter to the shapes, and
        # all the reasoner would add about them is their super-classes: reason without
        # them (several times less work) and add those super-classes here.
        reasoned = lean_graph()
        around = lean_graph()
        for t in local:
            (around if t[1] == RDF.type and t[0] not in centres else reasoned).add(t)
        local_inferred, errors = infer([reasoned, ontology], base, engine)
        local_inferred += _super_classes(around, schema.supers, base)
    else:
        nodes = {x for t in local for x in (t[0], t[2])}
        local_inferred = lean_graph()
        for node in nodes:
            for t in inferred.triples((node, None, None)):
                local_inferred.add(t)
    data = validation_graph(ontology, [local], local_inferred)
    report = ValidationReport(shacl_problems(data, schema.focused_shapes(data, focus), locator,
                                             focus_filter=focus, disposable=True))
    if inconsistencies:
        names = {str(f) for f in focus}
        for e in errors:
            if any(n in e for n in names):
                report.problems.append(Problem(
                    "Violation", "(graph)", f"OWL-RL inconsistency: {e}. Check the rdf:type of the nodes "
                    "named and the domain/range of the properties used on them: disjoint classes "
                    "cannot share members.", kind="owl"))
    return report


def _super_classes(types: Graph, supers: dict, base: str) -> Graph:
    """What OWL-RL's cax-sco infers from these type triples, as kg.reasoning.publishable
    keeps it: the super-classes of our own resources' classes (not owl:Thing & co)."""
    from .reasoning import _TRIVIAL_TYPES
    out = lean_graph()
    ontology_ns = base + "ontology"
    for s, _, c in types:
        text = str(s)
        if not isinstance(s, URIRef) or not text.startswith(base) or text.startswith(ontology_ns):
            continue
        for sup in supers.get(c, ()):
            if sup != c and sup not in _TRIVIAL_TYPES and (s, RDF.type, sup) not in types:
                out.add((s, RDF.type, sup))
    return out


def _base_of(ontology: Graph) -> str:
    """The base IRI, from the ontology's own IRI ({base}ontology)."""
    for s in sorted(ontology.subjects(RDF.type, OWL.Ontology)):
        if isinstance(s, URIRef) and str(s).endswith("/ontology"):
            return str(s)[: -len("ontology")]
    return DEFAULT_BASE


__all__ = ["affected_nodes", "validate_focus", "neighbourhood", "Schema", "schema_for", "Edges", "Reach"]
