"""SHACL-SPARQL constraints evaluated in one pass each, on Oxigraph.

pySHACL evaluates an sh:SPARQLConstraint once per focus node and re-parses the query
every time (pure-Python pyparsing): with thousands of claims that took minutes. The
constraints stay standard SHACL-SPARQL in ontology/shapes.ttl; here each one runs
once over the whole graph with $this as an ordinary variable restricted to the
shape's targets, and its rows become the same results pySHACL would report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef, Variable
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from .namespaces import RDF, SH

_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def split_shapes(shapes: Graph) -> tuple[Graph, list[tuple[Node, Node]]]:
    """Shapes without their sh:sparql constraints (for pySHACL), and the
    (shape, constraint) pairs taken out."""
    core = Graph()
    pairs = []
    for t in shapes:
        if t[1] == SH.sparql:
            pairs.append((t[0], t[2]))
        else:
            core.add(t)
    return core, pairs


def _prefix_block(shapes: Graph, constraint: Node) -> str:
    lines = []
    for decl_holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_holder, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            namespace = shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _targets(shapes: Graph, shape: Node) -> str:
    """A SPARQL pattern binding ?this to the shape's focus nodes."""
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this <{RDF.type}> <{cls}> }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this <{prop}> ?targetObject_ }}")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?targetSubject_ <{prop}> ?this }}")
    for node in shapes.objects(shape, SH.targetNode):
        parts.append(f"{{ BIND(<{node}> AS ?this) }}")
    return " UNION ".join(parts)


def predicates_read(shapes: Graph, pairs: list[tuple[Node, Node]]) -> set[Node] | None:
    """The predicates the SPARQL constraints can match (rdf:type included, for the
    targets), or None if one may match any predicate (a variable predicate that no
    BIND or VALUES sets to an IRI, a negated property set). The store they run on needs
    no other triples. (A variable predicate bound to IRIs in some UNION branches only
    would match anything in the others; our shapes bind it in every branch, and a test
    compares with pySHACL on the whole graph.)"""
    found: set[Node] = {RDF.type}
    for _shape, constraint in pairs:
        query = _prefix_block(shapes, constraint) + "\n" + str(shapes.value(constraint, SH.select)).replace("$this", "?this")
        if not _collect(prepareQuery(query).algebra, found):
            return None
    return found


def _collect(algebra, iris: set) -> bool:
    """Add every IRI of ``algebra`` to ``iris``; False if a triple pattern's predicate
    can be other than those IRIs."""
    variable_predicates, bound_by_values = set(), set()
    stack = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, URIRef):
            iris.add(node)
        elif isinstance(node, NegatedPath):
            return False
        elif isinstance(node, Path):
            stack.extend(v for v in vars(node).values())
        elif isinstance(node, dict):               # rdflib's CompValue
            name = getattr(node, "name", None)
            if name == "values":
                for row in node.get("res") or ():
                    bound_by_values.update(v for v, term in row.items() if isinstance(term, URIRef))
            elif name == "Extend" and isinstance(node.get("expr"), URIRef):     # BIND (<iri> AS ?v)
                bound_by_values.add(node["var"])
            for key, value in node.items():
                if key == "triples":
                    for block in value:
                        block = list(block)
                        variable_predicates.update(p for p in block[1::3] if isinstance(p, Variable))
                if key != "_vars":
                    stack.append(value)
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return variable_predicates <= bound_by_values


def store_of(triples: Iterable[tuple]) -> ox.Store:
    """An Oxigraph store holding ``triples`` (each term formatted once, loaded in bulk)."""
    from .dataset_io import _nt_terms
    terms, missing = _nt_terms()
    get = terms.get
    lines = {f"{get(s) or missing(s)} {get(p) or missing(p)} {get(o) or missing(o)} .\n"
             for s, p, o in triples}
    store = ox.Store()
    store.bulk_load("".join(lines).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    return store


def evaluate(data: Graph, shapes: Graph, pairs: list[tuple[Node, Node]]) -> list[dict]:
    """Run every constraint once over ``data``; returns result dicts (focus, value,
    path, message, ...)."""
    active = [pair for pair in pairs if not _deactivated(shapes, pair[1])]
    if not active:
        return []
    return evaluate_store(store_of(data), shapes, active)


def _deactivated(shapes: Graph, constraint: Node) -> bool:
    flag = shapes.value(constraint, SH.deactivated)
    return flag is not None and bool(flag.toPython())


def evaluate_store(store: ox.Store, shapes: Graph, pairs: list[tuple[Node, Node]]) -> list[dict]:
    """Run every constraint once over the default graph of ``store``."""
    results = []
    for shape, constraint in sorted(pairs, key=lambda p: (str(p[0]), str(p[1]))):
        if _deactivated(shapes, constraint):
            continue
        select = str(shapes.value(constraint, SH.select))
        targets = _targets(shapes, shape)
        if not targets:
            continue
        body = select.replace("$this", "?this")
        where_at = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
        if where_at is None:
            raise ValueError(f"{shape}: sh:select has no WHERE group")
        body = body[:where_at.end()] + f"\n  {{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}\n" + body[where_at.end():]
        body = re.sub(r"^\s*SELECT\s+(DISTINCT\s+)?", lambda m: "SELECT DISTINCT ", body, count=1, flags=re.IGNORECASE)
        query = _prefix_block(shapes, constraint) + "\n" + body
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        severity = shapes.value(shape, SH.severity) or SH.Violation       # the shape's, as in SHACL
        for row in store.query(query):
            values = {}
            for name in ("this", "value", "path", "p", "range", "domain"):
                try:
                    term = row[name]
                except (KeyError, TypeError):
                    term = None
                if term is not None:
                    values[name] = term.value
            text = (_TEMPLATE.sub(lambda m: values.get(m.group(1), m.group(0)), str(message))
                    if message else "SPARQL constraint not satisfied")
            results.append({
                "focus": values.get("this"),
                "value": values.get("value", values.get("this")),     # SHACL: $this if ?value is unbound
                "path": values.get("path"),
                "message": text,
                "severity": str(severity).rsplit("#", 1)[-1],
                "shape": str(shape) if isinstance(shape, URIRef) else None,
                "component": str(SH.SPARQLConstraintComponent),
            })
    return results
