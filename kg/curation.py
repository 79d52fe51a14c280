"""Checking a curator's new triples against the ontology, shapes and current graph.

New data is validated as part of the whole graph (so dangling references, wrong
classes of linked entities and OWL-RL inconsistencies show up), and the problems
reported are those about nodes the new files mention.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from .build import assemble
from .config import Settings
from .errors import KGError, Location, SyntaxProblem
from .loading import FORMATS, NodeLocator, load_inputs, parse_file
from .namespaces import DSR, OWL, RDF, RDFS
from .progress import Steps
from .report import Problem, ValidationReport


def parse_new(files: list[Path], settings: Settings) -> Graph:
    graph = Graph()
    for path in files:
        if not path.exists():
            raise KGError(f"{path}: no such file")
        if path.suffix not in FORMATS:
            raise KGError(f"{path}: unknown RDF format {path.suffix!r}; use one of {', '.join(FORMATS)}")
        try:
            parse_file(path, settings.base, graph)
        except UnicodeDecodeError as exc:
            raise SyntaxProblem(Location(str(path)), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return graph


def unknown_terms(new: Graph, ontology: Graph) -> list[Problem]:
    """Classes and properties in our namespace that the ontology does not define."""
    known_classes = set(ontology.subjects(RDF.type, OWL.Class))
    known_props = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                   for s in ontology.subjects(RDF.type, t)}
    known_terms = {str(x) for x in set(ontology.subjects()) if str(x).startswith(str(DSR))}
    problems = []
    for s, p, o in new:
        if str(p).startswith(str(DSR)) and p not in known_props:
            problems.append(_unknown(s, p, "property", p, known_props))
        if p == RDF.type and str(o).startswith(str(DSR)) and o not in known_classes:
            problems.append(_unknown(s, o, "class", RDF.type, known_classes))
        if isinstance(o, URIRef) and str(o).startswith(str(DSR)) and p != RDF.type and str(o) not in known_terms:
            problems.append(_unknown(s, o, "term", p, {URIRef(t) for t in known_terms}))
    return problems


def _unknown(focus: Node, term: Node, kind: str, path: Node, candidates) -> Problem:
    local = str(term).split("#")[-1]
    names = {str(c).split("#")[-1]: c for c in candidates if str(c).startswith(str(DSR))}
    close = difflib.get_close_matches(local, names, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join('dsr:' + c for c in close)}?" if close else \
        " See ontology/dsr.ttl for the terms that exist."
    return Problem("Violation", str(focus), f"unknown {kind} dsr:{local}: the ontology does not define it.{hint}",
                   path=str(path), value=str(term), kind="vocabulary")


def check_files(files: list[Path], settings: Settings) -> ValidationReport:
    new = parse_new(files, settings)
    inputs = load_inputs(settings)
    report = ValidationReport(unknown_terms(new, inputs.ontology))
    for t in new:
        inputs.triples.add(t)
    inputs.locator = NodeLocator(list(files) + inputs.files, settings.base)
    result = assemble(inputs, settings, Steps(total=3, quiet=True))
    mentioned = {str(x) for t in new for x in (t[0], t[2]) if isinstance(x, URIRef)}
    for p in result.report.problems:
        if p.focus in mentioned or p.kind == "owl":
            report.problems.append(p)
    return report
