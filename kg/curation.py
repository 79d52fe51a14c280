"""Checking a curator's change against the ontology, the shapes and the current graph.

One function, ``check_change``, serves ``dsr validate``, ``POST /validate`` and the
write path, so a curator sees the same report wherever they ask. A change is judged
as part of the graph as it would be afterwards, so dangling references, wrong classes
of linked entities, duplicates and OWL-RL inconsistencies show up; what is reported
is what concerns the nodes the change touches (and the nodes that refer to them).

Checks, in order: vocabulary (unknown dsr: terms, with the closest existing ones),
conventions (IRIs, blank nodes, ill-typed literals), look-alike entities, then the
build's own checks (quotes, SHACL, OWL-RL consistency).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from .build import BuildResult, assemble
from .config import Settings
from .conventions import convention_problems
from .duplicates import duplicate_problems
from .errors import KGError, Location, SyntaxProblem
from .loading import Inputs, NodeLocator, load_inputs
from .namespaces import DSR, OWL, RDF, RDFS, SKOS
from .progress import Steps
from .rdf_input import UnsupportedFormat, parse_untrusted, syntax_for
from .report import Problem, ValidationReport
from .incremental import affected_nodes, validate_focus
from .validation import superclasses


@dataclass
class Change:
    """Triples to add and to remove (from the graph as a whole), with where they came from."""

    added: Graph
    removed: set = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)   # source name -> text, for file:line
    files: list[Path] = field(default_factory=list)


def parse_files(files: list[Path], settings: Settings, contexts: dict | None = None) -> Change:
    """A curator's files as one change (syntax errors raise SyntaxProblem with file:line:col)."""
    added = Graph()
    for path in files:
        if not path.exists():
            raise KGError(f"{path}: no such file")
        try:
            syntax = syntax_for(filename=path.name)
        except UnsupportedFormat as exc:
            raise KGError(str(exc)) from None
        added += parse_untrusted(path.read_bytes(), syntax, source=str(path), base=settings.base,
                                 contexts=contexts)
    return Change(added, files=list(files))


def unknown_terms(new: Graph, ontology: Graph) -> list[Problem]:
    """Classes and properties in our namespace that the ontology does not define."""
    known_classes = set(ontology.subjects(RDF.type, OWL.Class))
    known_props = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                   for s in ontology.subjects(RDF.type, t)}
    known_terms = {str(x) for x in set(ontology.subjects()) if str(x).startswith(str(DSR))}
    problems = {}
    for s, p, o in new:
        if str(p).startswith(str(DSR)) and p not in known_props:
            problems[(s, p)] = _unknown(s, p, "property", p, known_props)
        if p == RDF.type and str(o).startswith(str(DSR)) and o not in known_classes:
            problems[(s, o)] = _unknown(s, o, "class", RDF.type, known_classes)
        if isinstance(o, URIRef) and str(o).startswith(str(DSR)) and p != RDF.type and str(o) not in known_terms:
            problems[(s, o)] = _unknown(s, o, "term", p, {URIRef(t) for t in known_terms})
    return list(problems.values())


def _unknown(focus: Node, term: Node, kind: str, path: Node, candidates) -> Problem:
    local = str(term).split("#")[-1]
    names = {str(c).split("#")[-1]: c for c in candidates if str(c).startswith(str(DSR))}
    close = difflib.get_close_matches(local, names, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join('dsr:' + c for c in close)}?" if close else \
        " See ontology/dsr.ttl for the terms that exist."
    return Problem("Violation", str(focus), f"unknown {kind} dsr:{local}: the ontology does not define it.{hint}",
                   path=str(path), value=str(term), kind="vocabulary")


def touched_nodes(change: Change, after: Graph, base: str) -> set[Node]:
    """Nodes the change mentions (ontology terms aside), and the nodes that refer to those
    whose description lost triples or changed class: their constraints (the class of a
    linked node, its presence) may now fail."""
    def ours(x) -> bool:
        return isinstance(x, URIRef) and str(x).startswith(base) and not str(x).startswith(base + "ontology")
    mentioned = {x for t in list(change.added) + list(change.removed) for x in (t[0], t[2]) if ours(x)}
    shaken = {x for s, _, o in change.removed for x in (s, o) if ours(x)}
    shaken |= {s for s, p, _ in change.added if p == RDF.type and ours(s)}
    shaken = {x for x in shaken if not str(x).startswith(base + "report/")}
    referring = {s for m in shaken for s in after.subjects(None, m)}
    return mentioned | referring


def new_entities(change: Change, before: Graph) -> set[URIRef]:
    """Subjects that get a label or a Wikidata link and were not described before."""
    described = {s for s, p, _ in change.added if p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label,
                                                        SKOS.exactMatch, OWL.sameAs) and isinstance(s, URIRef)}
    return {s for s in described if (s, None, None) not in before}


def check_change(change: Change, inputs: Inputs, settings: Settings, *,
                 publishable: bool = False, steps: Steps | None = None
                 ) -> tuple[ValidationReport, BuildResult | None]:
    """The validation report of a change applied to ``inputs`` (whose ``triples`` hold the
    graph before the change; it is modified into the graph after).

    Only the nodes the change can affect are validated (kg.incremental), with the same
    results a full validation would give for them. ``publishable``: also assemble the
    whole dataset after the change (partition, reasoning), returned for a writer to
    publish; otherwise the entailments are computed around the affected nodes only."""
    report = ValidationReport(unknown_terms(change.added, inputs.ontology))
    report.extend(convention_problems(change.added, settings.base))
    fresh = new_entities(change, inputs.triples)
    after = inputs.triples
    for t in change.removed:
        after.remove(t)
    after += change.added
    report.extend(duplicate_problems(after, fresh, superclasses(inputs.ontology)))
    inputs.locator = NodeLocator(change.files + inputs.files, settings.base, texts=change.texts)
    for p in report.problems:
        if p.location is None and (loc := inputs.locator.locate(URIRef(p.focus))):
            p.location = str(loc)
    focus = affected_nodes(after, set(change.added), set(change.removed),
                           ontology=inputs.ontology, shapes=inputs.shapes)
    focus |= touched_nodes(change, after, settings.base)
    if publishable:
        result = assemble(inputs, settings, steps or Steps(total=3, quiet=True), focus=focus)
        report.extend(result.report.problems)
        return report, result
    report.extend(_quote_problems(change, after, settings, inputs.locator))
    report.extend(validate_focus(inputs.ontology, inputs.shapes, after, focus, None, inputs.locator,
                                 base=settings.base, engine=settings.reasoner, inconsistencies=True).problems)
    return report, None


def _quote_problems(change: Change, after: Graph, settings: Settings, locator) -> list[Problem]:
    """Quote checks of the claims the change adds to or alters (kg.claims, on just those)."""
    from .build import quote_problems
    from .claims import partition
    claims = {s for s, p, _ in change.added if isinstance(s, URIRef)} & set(after.subjects(DSR.quote, None))
    if not claims:
        return []
    small = Graph()
    for c in claims:
        small += after.triples((c, None, None))
    for report in set(after.subjects(RDF.type, DSR.Report)):
        small += after.triples((report, None, None))
    return quote_problems(partition(small, settings), locator)


def check_files(files: list[Path], settings: Settings) -> ValidationReport:
    """``dsr validate FILE...``: the files as additions to the current graph."""
    inputs = load_inputs(settings)
    change = parse_files(files, settings, contexts=_own_context(inputs, settings))
    report, _ = check_change(change, inputs, settings)
    return report


def _own_context(inputs: Inputs, settings: Settings) -> dict[str, dict]:
    from .jsonld_context import context_from_ontology
    own = f"{settings.base}context.jsonld"
    return {own: context_from_ontology(settings.base, inputs.ontology)}


__all__ = ["Change", "SyntaxProblem", "Location", "check_change", "check_files", "parse_files",
           "touched_nodes", "unknown_terms"]
