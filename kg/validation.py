"""SHACL validation of the asserted graph, checked together with its entailments.

pySHACL sees the ontology, the asserted data and those inferred triples that follow
from asserted types and properties (sub-classes, sub-properties, inverses, chains),
so a sub-property satisfies a constraint on its parent. Types that only
rdfs:domain/rdfs:range would add are left out: they would silently "repair" a wrong
class instead of reporting it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyshacl
from rdflib import Graph, URIRef
from rdflib.term import Node

from .loading import NodeLocator
from .namespaces import RDF, RDFS, SH
from .report import Problem, ValidationReport
from .sparql_constraints import evaluate as evaluate_sparql, split_shapes


def superclasses(ontology: Graph) -> dict[Node, set[Node]]:
    """Reflexive-transitive rdfs:subClassOf closure, per class."""
    direct: dict[Node, set[Node]] = {}
    for c, sup in ontology.subject_objects(RDFS.subClassOf):
        direct.setdefault(c, set()).add(sup)
    result: dict[Node, set[Node]] = {}
    for c in set(direct) | {o for v in direct.values() for o in v}:
        seen, stack = {c}, [c]
        while stack:
            for sup in direct.get(stack.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    stack.append(sup)
        result[c] = seen
    return result


def validation_graph(ontology: Graph, asserted: Iterable[Graph], inferred: Graph) -> Graph:
    """Ontology + asserted data + the inferences that do not come from domain/range."""
    data = Graph()
    for t in ontology:
        data.add(t)
    for g in asserted:
        for t in g:
            data.add(t)
    supers = superclasses(ontology)
    for s, p, o in inferred:
        if p == RDF.type:
            asserted_types = set(data.objects(s, RDF.type))
            allowed = set().union(*(supers.get(t, {t}) for t in asserted_types)) if asserted_types else set()
            if o not in allowed:
                continue
        data.add((s, p, o))
    return data


def shacl_problems(data: Graph, shapes: Graph, locator: NodeLocator | None = None,
                   focus_filter: set[Node] | None = None) -> list[Problem]:
    """Core constraints by pySHACL, SPARQL constraints in one pass each on Oxigraph
    (see kg.sparql_constraints); both converted into Problems."""
    core, sparql_pairs = split_shapes(shapes)
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=core, inference="none", advanced=True,
        allow_warnings=True, abort_on_first=False)
    problems = []
    for r in evaluate_sparql(data, shapes, sparql_pairs):
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


def validate(ontology: Graph, shapes: Graph, asserted: list[Graph], inferred: Graph,
             locator: NodeLocator | None = None) -> ValidationReport:
    data = validation_graph(ontology, asserted, inferred)
    return ValidationReport(shacl_problems(data, shapes, locator))
