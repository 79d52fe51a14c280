"""From curated claims to named graphs: the heart of the provenance model.

Curators write claims (reified triples with report, quote, stance, certainty).
This module turns them into the published layout:

* one named graph per report, holding the report's metadata, its claims, the plain
  fact triples it affirms (only claims that are affirmed, stated and factual), and a
  Web Annotation target/selector for every quote;
* one graph for entity descriptions (types, labels, aliases, Wikidata links);
* quote problems (quote not found, unknown report) for the validation report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .config import Settings
from .lean_store import lean_graph, rows
from .namespaces import DSR, OA, RDF, XSD
from .quotes import source_text

NON_FACTUAL = (DSR.Assessment, DSR.Recommendation)
# Looked up once: attribute access on an rdflib namespace is a Python call, and the
# selectors below are written for every claim.
(_HAS_TARGET, _SPECIFIC_RESOURCE, _HAS_SOURCE, _HAS_SELECTOR, _QUOTE_SELECTOR, _EXACT, _PREFIX,
 _SUFFIX, _POSITION_SELECTOR, _START, _END) = (
    OA.hasTarget, OA.SpecificResource, OA.hasSource, OA.hasSelector, OA.TextQuoteSelector, OA.exact,
    OA.prefix, OA.suffix, OA.TextPositionSelector, OA.start, OA.end)
_TYPE, _NON_NEGATIVE = RDF.type, XSD.nonNegativeInteger


@dataclass
class QuoteProblem:
    claim: URIRef
    report: Node | None
    message: str


@dataclass
class Partition:
    """The asserted dataset, split into named graphs (graph IRI -> Graph)."""

    graphs: dict[str, Graph] = field(default_factory=dict)
    quote_problems: list[QuoteProblem] = field(default_factory=list)

    def graph(self, iri: str) -> Graph:
        if iri not in self.graphs:
            self.graphs[iri] = lean_graph(URIRef(iri))
        return self.graphs[iri]


def report_slug(report: URIRef, settings: Settings) -> str:
    return str(report)[len(settings.base + "report/"):]


def is_plain_fact(triples: Graph, claim: Node) -> bool:
    """A claim becomes a plain triple only if factual, affirmed and stated."""
    if any((claim, RDF.type, kind) in triples for kind in NON_FACTUAL):
        return False
    return ((claim, DSR.stance, DSR.Affirmed) in triples
            and (claim, DSR.certainty, DSR.Stated) in triples)


def partition(triples: Graph, settings: Settings) -> Partition:
    """Split curated triples into report graphs and the entities graph, deriving facts."""
    part = Partition()
    reports = set(triples.subjects(RDF.type, DSR.Report))
    report_graph = {r: part.graph(settings.graph_iri(report_slug(r, settings))) for r in reports}
    claim_report: dict[Node, URIRef] = {}
    for claim in triples.subjects(RDF.type, DSR.Claim):
        report = triples.value(claim, DSR.source)
        if report in report_graph:
            claim_report[claim] = report
    # Sub-classes of dsr:Claim are typed explicitly by curators too.
    for kind in (DSR.Assessment, DSR.Recommendation, DSR.ContextClaim):
        for claim in triples.subjects(RDF.type, kind):
            report = triples.value(claim, DSR.source)
            if report in report_graph:
                claim_report.setdefault(claim, report)

    entities = part.graph(settings.graph_iri("entities"))
    # Straight to the stores: Graph.add re-checks every term, and these are millions.
    add_to = {r: g.store.add for r, g in report_graph.items()}
    add_entity = entities.store.add
    for t in rows(triples):
        s = t[0]
        if s in add_to:
            add_to[s](t)
        elif s in claim_report:
            add_to[claim_report[s]](t)
        else:
            add_entity(t)

    # Report by report: each report text is normalised once (kg.quotes caches a few).
    texts: dict = {}
    for claim, report in sorted(claim_report.items(), key=lambda item: (item[1], item[0])):
        graph = report_graph[report]
        if is_plain_fact(triples, claim):
            s, p, o = (triples.value(claim, RDF.subject), triples.value(claim, RDF.predicate),
                       triples.value(claim, RDF.object))
            if s is not None and p is not None and o is not None:
                graph.store.add((s, p, o))
        _annotate_quote(triples, claim, report, graph, part, settings, texts)

    for claim in set(triples.subjects(DSR.quote, None)) - set(claim_report):
        part.quote_problems.append(QuoteProblem(
            claim, triples.value(claim, DSR.source),
            "claim cites no known report: set dsr:source to a report declared in "
            "triples/reports.ttl (and type the claim dsr:Claim)"))
    return part


def _annotate_quote(triples: Graph, claim: Node, report: URIRef, graph: Graph,
                    part: Partition, settings: Settings, texts: dict) -> None:
    """Check the quote against the report text and add an oa:TextQuoteSelector.
    ``texts`` caches each report's (file name, text or None when it is missing)."""
    quote = triples.value(claim, DSR.quote)
    if report not in texts:
        filename = triples.value(report, DSR.sourceFile)
        path = settings.sources_dir / str(filename) if filename is not None else None
        texts[report] = (filename, path, source_text(path) if path and path.exists() else None)
    filename, path, text = texts[report]
    if quote is None or filename is None:
        return
    if text is None:
        part.quote_problems.append(QuoteProblem(
            claim, report, f"report text {path} is missing: copy it into sources/"))
        return
    match = text.find(str(quote))
    if match is None:
        part.quote_problems.append(QuoteProblem(
            claim, report,
            f"quote not found in {filename}: {str(quote)[:80]!r}. Copy the passage verbatim "
            "(only whitespace and line-end hyphenation may differ)"))
        return
    prefix, suffix = text.around(match)
    target = URIRef(f"{claim}#target")
    selector = URIRef(f"{claim}#quote")
    position = URIRef(f"{claim}#position")
    add = graph.store.add
    add((claim, _HAS_TARGET, target))
    add((target, _TYPE, _SPECIFIC_RESOURCE))
    add((target, _HAS_SOURCE, report))
    add((target, _HAS_SELECTOR, selector))
    add((target, _HAS_SELECTOR, position))
    add((selector, _TYPE, _QUOTE_SELECTOR))
    add((selector, _EXACT, Literal(text.text[match.start:match.end])))
    add((selector, _PREFIX, Literal(prefix)))
    add((selector, _SUFFIX, Literal(suffix)))
    add((position, _TYPE, _POSITION_SELECTOR))
    add((position, _START, Literal(match.start, datatype=_NON_NEGATIVE)))
    add((position, _END, Literal(match.end, datatype=_NON_NEGATIVE)))
    if (report, DSR.sha256, None) not in graph:
        add((report, DSR.sha256, Literal(text.sha256)))
