"""SHACL validation of the asserted graph, checked together with its entailments.

pySHACL sees the ontology, the asserted data and those inferred triples that follow
from asserted types and properties (sub-classes, sub-properties, inverses, chains),
so a sub-property satisfies a constraint on its parent. Types that only
rdfs:domain/rdfs:range would add are left out: they would silently "repair" a wrong
class instead of reporting it.

Two preparations make this fast without changing a single result (see
docs/build-performance.md): the shapes are compiled for pySHACL (``compile_shapes``:
property shapes carry their node shape's targets, so pySHACL checks each one once for
all focus nodes instead of once per focus node), and the graph pySHACL reads holds
only the triples whose predicate the core shapes mention (plus rdf:type and
rdfs:subClassOf): Web Annotation selectors and other triples no core constraint can
read are left out. SHACL-SPARQL constraints run on Oxigraph over everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyshacl
from rdflib import Graph, URIRef
from rdflib.term import Node

from .compiled_rules import reflexive_closure
from .lean_store import ValidationStore, lean_graph, rows
from .loading import NodeLocator
from .namespaces import RDF, RDFS, SH
from .report import Problem, ValidationReport
from .sparql_constraints import evaluate as evaluate_sparql, evaluate_store, predicates_read, split_shapes, store_of


def superclasses(ontology: Graph) -> dict[Node, set[Node]]:
    """Reflexive-transitive rdfs:subClassOf closure, per class."""
    direct: dict[Node, set[Node]] = {}
    for c, sup in ontology.subject_objects(RDFS.subClassOf):
        direct.setdefault(c, set()).add(sup)
    return reflexive_closure(direct)


def validation_triples(ontology: Graph, asserted: Iterable[Graph], inferred: Graph) -> Iterator[tuple]:
    """Ontology + asserted data + the inferences that do not come from domain/range
    (a triple may come more than once)."""
    rdf_type = RDF.type
    types: dict[Node, set[Node]] = {}
    for g in [ontology, *asserted]:
        for t in rows(g):
            if t[1] is rdf_type or t[1] == rdf_type:
                types.setdefault(t[0], set()).add(t[2])
            yield t
    supers = superclasses(ontology)
    allowed: dict[Node, set[Node]] = {}
    for t in rows(inferred):
        if t[1] is rdf_type or t[1] == rdf_type:
            s = t[0]
            if s not in allowed:
                allowed[s] = set().union(*(supers.get(c, {c}) for c in types.get(s, ())))
            if t[2] not in allowed[s]:
                continue
        yield t


def validation_graph(ontology: Graph, asserted: Iterable[Graph], inferred: Graph,
                     predicates: set[Node] | None = None) -> Graph:
    """The validation triples as a Graph; only those with one of ``predicates`` if given."""
    triples = validation_triples(ontology, asserted, inferred)
    if predicates is not None:
        triples = (t for t in triples if t[1] in predicates)
    return lean_graph(triples=triples, store=ValidationStore)


@dataclass
class CompiledShapes:
    """Shapes prepared for one validation run."""

    core: Graph                              # for pySHACL: no sh:sparql, property shapes lifted
    sparql: list[tuple[Node, Node]]          # (shape, SPARQL constraint) for Oxigraph
    predicates: set[Node] | None             # what the core shapes can read; None: anything


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Features that read triples the shapes do not name (closed shapes, SPARQL-based
# targets, functions and validators, rules, node expressions): with any of them,
# pySHACL gets the whole graph.
_READS_ANYTHING = {SH.closed, SH.select, SH.ask, SH.construct, SH.update, SH.rule, SH.expression,
                   SH.target, SH.validator, SH.nodeValidator, SH.propertyValidator,
                   SH.jsFunctionName, SH.jsLibrary}


def compile_shapes(shapes: Graph) -> CompiledShapes:
    core, pairs = split_shapes(shapes)
    lift_property_shapes(core)
    sparql_constraints = {c for _, c in pairs}       # no longer attached to a shape
    if any(p in _READS_ANYTHING and s not in sparql_constraints for s, p, _ in core):
        predicates = None
    else:
        predicates = {x for t in core for x in t if isinstance(x, URIRef)} | {RDF.type, RDFS.subClassOf}
    return CompiledShapes(core, pairs, predicates)


def lift_property_shapes(shapes: Graph) -> None:
    """Give each property shape the targets of the one node shape that holds it, and
    unlink it from there (in place).

    pySHACL validates a node shape's property shapes once per focus node; a property
    shape with targets of its own is validated once, for all its focus nodes, with
    the same results (same focus nodes, value nodes, messages, severities and source
    shape). Left alone: node shapes that other shapes refer to (sh:node, sh:or, ...),
    closed or deactivated ones, and property shapes used more than once."""
    for node_shape in set(shapes.subjects(SH.property, None)):
        if (None, None, node_shape) in shapes or (node_shape, SH.closed, None) in shapes \
                or (node_shape, SH.deactivated, None) in shapes:
            continue
        targets = [(p, o) for p, o in shapes.predicate_objects(node_shape) if p in _TARGETS]
        if not targets:
            continue
        for prop_shape in list(shapes.objects(node_shape, SH.property)):
            if sum(1 for _ in shapes.subjects(None, prop_shape)) != 1 \
                    or any((prop_shape, p, None) in shapes for p in _TARGETS):
                continue
            shapes.remove((node_shape, SH.property, prop_shape))
            for p, o in targets:
                shapes.add((prop_shape, p, o))


def _run_pyshacl(data: Graph, core: Graph, inplace: bool) -> Graph:
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=core, inference="none", advanced=True,
        allow_warnings=True, abort_on_first=False, inplace=inplace)
    return results


def _problems(results: Graph, sparql_rows: list[dict], locator: NodeLocator | None,
              focus_filter: set[Node] | None) -> list[Problem]:
    problems = []
    for r in sparql_rows:
        if focus_filter is not None and URIRef(r["focus"]) not in focus_filter:
            continue
        loc = locator.locate(URIRef(r["focus"])) if locator and r["focus"] else None
        problems.append(Problem(severity=r["severity"], focus=r["focus"], message=r["message"],
                                path=r["path"], value=r["value"], shape=r["shape"],
                                component=r["component"], location=str(loc) if loc else None))
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        if focus_filter is not None and focus not in focus_filter:
            continue
        severity = results.value(r, SH.resultSeverity)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        message = results.value(r, SH.resultMessage)
        shape = results.value(r, SH.sourceShape)
        loc = locator.locate(focus) if locator else None
        problems.append(Problem(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            message=str(message) if message else "constraint not satisfied",
            path=str(path) if isinstance(path, URIRef) else None,
            value=str(value) if value is not None else None,
            shape=str(shape) if isinstance(shape, URIRef) else None,
            component=str(results.value(r, SH.sourceConstraintComponent)),
            location=str(loc) if loc else None,
        ))
    return problems


def shacl_problems(data: Graph, shapes: Graph, locator: NodeLocator | None = None,
                   focus_filter: set[Node] | None = None, disposable: bool = False) -> list[Problem]:
    """Core constraints by pySHACL, SPARQL constraints in one pass each on Oxigraph
    (see kg.sparql_constraints); both converted into Problems. ``data`` is left as is
    unless ``disposable`` (then pySHACL need not copy it first)."""
    compiled = compile_shapes(shapes)
    results = _run_pyshacl(data, compiled.core, inplace=disposable)
    return _problems(results, evaluate_sparql(data, shapes, compiled.sparql), locator, focus_filter)


def validate(ontology: Graph, shapes: Graph, asserted: list[Graph], inferred: Graph,
             locator: NodeLocator | None = None) -> ValidationReport:
    """The build's validation: what ``shacl_problems`` reports on the validation graph,
    without building that graph in full for pySHACL."""
    compiled = compile_shapes(shapes)
    data = validation_graph(ontology, asserted, inferred, compiled.predicates)
    results = _run_pyshacl(data, compiled.core, inplace=True)   # our own copy
    del data
    rows = []
    if compiled.sparql:
        triples = validation_triples(ontology, asserted, inferred)
        wanted = predicates_read(shapes, compiled.sparql)
        if wanted is not None:          # the constraints' store needs only what they can match
            triples = (t for t in triples if t[1] in wanted)
        rows = evaluate_store(store_of(triples), shapes, compiled.sparql)
    return ValidationReport(_problems(results, rows, locator, None))
