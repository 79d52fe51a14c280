"""What the graph says about one resource, for people and machines alike.

Each ``describe_*`` function asks the store (named queries in ``kg/sparql/``) and
returns one object holding both views of the same answer: ``graph``, the RDF
description served as Turtle, JSON-LD, N-Triples and RDF/XML, and the fields the
HTML page shows. Building both from the same rows keeps them in agreement.

An entity's description holds its triples from every graph, the claims that state
or deny them (report, quote, section, endnote, position in the text), its incoming
links, and the labels of everything it mentions. Triples found only in
``graph/inferred`` are included too, each accompanied by an ``rdf:Statement`` node
with ``dcterms:isPartOf <graph/inferred>``, so that inferred types and facts stay
distinguishable from asserted ones in formats without named graphs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .lookup import Labels, Term, construct, named, select, to_rdflib
from .namespaces import DCTERMS, OWL, RDF, SKOS, prefixes as known_prefixes
from .quotes import Match, source_text

WIKIDATA = "http://www.wikidata.org/entity/"
HEADER_PREDICATES = {str(RDF.type), str(SKOS.prefLabel), str(SKOS.altLabel), str(OWL.sameAs),
                     str(SKOS.exactMatch), str(SKOS.closeMatch)}


# ---------------------------------------------------------------------------
# Caching per dataset version
# ---------------------------------------------------------------------------

_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def cached(backend, key: tuple, compute: Callable, size: int = 512):
    """``compute()`` once per backend, dataset version and ``key`` (an LRU of ``size``)."""
    full = (id(backend), backend.version(), key)
    with _cache_lock:
        if full in _cache:
            _cache.move_to_end(full)
            return _cache[full]
    value = compute()
    with _cache_lock:
        _cache[full] = value
        while len(_cache) > size:
            _cache.popitem(last=False)
    return value


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------

class Graphs:
    """The named-graph IRIs of a backend's dataset."""

    def __init__(self, backend):
        settings = backend.settings
        self.base = settings.base
        self.inferred = settings.graph_iri("inferred")
        self.entities = settings.graph_iri("entities")
        self.ontology = settings.graph_iri("ontology")
        self.shapes = settings.graph_iri("shapes")

    def terms(self) -> dict[str, ox.NamedNode]:
        return {"inferredGraph": named(self.inferred), "ontologyGraph": named(self.ontology),
                "shapesGraph": named(self.shapes)}


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_STATEMENT_SHAPE = (ox.NamedNode(_RDF + "type"), ox.NamedNode(_RDF + "Statement"))
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(_RDF + n) for n in ("subject", "predicate", "object"))
_IS_PART_OF = ox.NamedNode(str(DCTERMS.isPartOf))


class DescriptionGraph:
    """The triples of a description, kept as pyoxigraph terms (cheap to collect and
    to serialise); ``rdflib()`` gives an rdflib Graph for JSON-LD and tests."""

    def __init__(self, base: str, inferred_graph: str):
        self.base = base
        self.triples: dict[ox.Triple, None] = {}        # an ordered set
        self.inferred_graph = ox.NamedNode(inferred_graph)
        self._inferred: set[ox.Triple] = set()

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self):
        return iter(self.triples)

    def add(self, s: Term, p: Term, o: Term) -> None:
        self.triples[ox.Triple(s, p, o)] = None

    def add_inferred(self, s: Term, p: Term, o: Term) -> None:
        """The triple, and a statement node saying it comes from graph/inferred."""
        triple = ox.Triple(s, p, o)
        self.triples[triple] = None
        if triple in self._inferred:
            return
        self._inferred.add(triple)
        node = ox.BlankNode()
        self.add(node, *_STATEMENT_SHAPE)
        self.add(node, _SUBJECT, s)
        self.add(node, _PREDICATE, p)
        self.add(node, _OBJECT, o)
        self.add(node, _IS_PART_OF, self.inferred_graph)

    def add_labels(self, labels: Labels, ontology_ns: str) -> None:
        """Naming triples of every resource mentioned (not of ontology terms: those are
        described by the ontology document)."""
        for s, p, o in labels.triples:
            if not s.value.startswith(ontology_ns):
                self.add(s, p, o)

    def rdflib(self) -> Graph:
        graph = Graph()
        for name, ns in known_prefixes(self.base).items():
            graph.bind(name, ns, override=True, replace=True)
        for t in self.triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph


@dataclass
class ClaimInfo:
    """One claim as the pages show it."""

    iri: str
    kinds: list[str] = field(default_factory=list)
    subject: Term | None = None
    predicate: Term | None = None
    object: Term | None = None
    stance: str | None = None
    certainty: str | None = None
    report: str | None = None
    quote: str | None = None
    section: str | None = None
    note: str | None = None
    hedges: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    other: list[tuple[Term, Term]] = field(default_factory=list)

    @property
    def denied(self) -> bool:
        return bool(self.stance and self.stance.endswith("#Denied"))

    @property
    def hedged(self) -> bool:
        return bool(self.certainty and not self.certainty.endswith("#Stated"))

    @property
    def triple(self) -> tuple | None:
        if self.subject is None or self.predicate is None or self.object is None:
            return None
        return (self.subject, self.predicate, self.object)


def load_claims(backend, claim_iris: list[str], sink: DescriptionGraph | None) -> dict[str, ClaimInfo]:
    """Claims with their quotes and selectors; their triples also go to ``sink``."""
    claims: dict[str, ClaimInfo] = {}
    if not claim_iris:
        return claims
    dsr = known_prefixes(backend.settings.base)["dsr"]
    oa = known_prefixes()["oa"]
    selectors: dict[str, dict[str, Term]] = defaultdict(dict)
    for chunk in (claim_iris[i:i + 300] for i in range(0, len(claim_iris), 300)):
        for row in select(backend, "claim-closure", asserted_only=True, claim=[named(c) for c in chunk]):
            s, p, o = row["s"], row["p"], row["o"]
            if sink is not None:
                sink.add(s, p, o)
            if not isinstance(s, ox.NamedNode):
                continue
            if "#" in s.value:
                selectors[s.value][p.value] = o
                continue
            c = claims.setdefault(s.value, ClaimInfo(s.value))
            _set_claim_field(c, p.value, o, dsr, oa)
    for c in claims.values():
        position = selectors.get(c.iri + "#position", {})
        if isinstance(position.get(oa + "start"), ox.Literal):
            c.start = int(position[oa + "start"].value)
            c.end = int(position[oa + "end"].value)
    return claims


def _set_claim_field(c: ClaimInfo, p: str, o: Term, dsr: str, oa: str) -> None:
    rdf = str(RDF)
    simple = {rdf + "subject": "subject", rdf + "predicate": "predicate", rdf + "object": "object"}
    values = {dsr + "stance": "stance", dsr + "certainty": "certainty", dsr + "source": "report",
              dsr + "quote": "quote", dsr + "section": "section", dsr + "note": "note"}
    if p in simple:
        setattr(c, simple[p], o)
    elif p in values:
        setattr(c, values[p], o.value)
    elif p == rdf + "type":
        c.kinds.append(o.value)
    elif p == dsr + "hedge":
        c.hedges.append(o.value)
    elif p == dsr + "contradicts":
        c.contradicts.append(o.value)
    elif p != oa + "hasTarget":
        c.other.append((ox.NamedNode(p), o))


def claim_sort_key(c: ClaimInfo) -> tuple:
    return (c.denied, c.hedged, c.report or "", c.iri)


def contested_rows(backend) -> list[dict[str, Term | None]]:
    """The canned ``contested-facts`` query's rows (cached per dataset version)."""
    def compute():
        from .lookup import prologue
        from .queries import load_queries
        text = load_queries(backend.settings.queries_dir)["contested-facts"].text
        results = backend.query(prologue(backend.prefixes) + text)
        names = [v.value for v in results.variables]
        return [{n: s[n] for n in names} for s in results]
    return cached(backend, ("contested",), compute)


def _value_key(term: Term | None) -> str:
    return str(term) if term is not None else ""


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------

@dataclass
class Fact:
    """One (predicate, value) of a resource, with what supports or denies it."""

    predicate: str
    value: Term
    other: Term | None = None          # for incoming links: the subject pointing here
    graphs: list[str] = field(default_factory=list)   # asserted graphs holding the triple
    claims: list[ClaimInfo] = field(default_factory=list)
    inferred: bool = False            # only in graph/inferred
    contested: list[str] = field(default_factory=list)

    @property
    def supporting(self) -> list[ClaimInfo]:
        return [c for c in self.claims if not c.denied]

    @property
    def denying(self) -> list[ClaimInfo]:
        return [c for c in self.claims if c.denied]


@dataclass
class PropertyGroup:
    predicate: str
    facts: list[Fact]


@dataclass
class TimelineItem:
    iri: str
    kind: str
    date: str | None


@dataclass
class Description:
    """What every description has: its IRI, its RDF graph and the labels it uses."""

    iri: str
    kind: str
    graph: DescriptionGraph
    labels: Labels


@dataclass
class EntityDescription(Description):
    label: str = ""
    aliases: list[str] = field(default_factory=list)
    asserted_types: list[str] = field(default_factory=list)
    inferred_types: list[str] = field(default_factory=list)
    same_as: list[tuple[str, str]] = field(default_factory=list)   # (predicate, IRI)
    facts: list[PropertyGroup] = field(default_factory=list)
    inferred_facts: list[PropertyGroup] = field(default_factory=list)
    incoming: list[PropertyGroup] = field(default_factory=list)
    inferred_incoming: list[PropertyGroup] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    reports: list[tuple[str, int]] = field(default_factory=list)   # (report IRI, claims)
    contested: int = 0

    @property
    def wikidata(self) -> list[str]:
        return [iri for _, iri in self.same_as if iri.startswith(WIKIDATA)]


def describe_entity(backend, iri: str) -> EntityDescription:
    return cached(backend, ("entity", iri), lambda: _describe_entity(backend, iri))


def _describe_entity(backend, iri: str) -> EntityDescription:
    graphs = Graphs(backend)
    me = named(iri)
    sink = DescriptionGraph(graphs.base, graphs.inferred)
    labels = Labels(backend.prefixes)
    out = select(backend, "resource-quads", resource=me)
    incoming = select(backend, "incoming", resource=me)
    claim_iris = sorted(r["claim"].value for r in select(backend, "claims-about", resource=me))
    claims = load_claims(backend, claim_iris, sink)

    asserted_out = {(r["p"].value, _value_key(r["o"])) for r in out if r["g"].value != graphs.inferred}
    for r in out:
        if r["g"].value == graphs.inferred and (r["p"].value, _value_key(r["o"])) not in asserted_out:
            sink.add_inferred(me, r["p"], r["o"])
        else:
            sink.add(me, r["p"], r["o"])
    for r in select(backend, "blank-closure", resource=me):
        sink.add(r["s"], r["p"], r["o"])
    asserted_in = {(r["s"].value, r["p"].value) for r in incoming if r["g"].value != graphs.inferred}
    for r in incoming:
        if r["g"].value == graphs.inferred and (r["s"].value, r["p"].value) not in asserted_in:
            sink.add_inferred(r["s"], r["p"], me)
        else:
            sink.add(r["s"], r["p"], me)

    contested = [row for row in contested_rows(backend)
                 if row["subject"] == me or row["valueA"] == me or row["valueB"] == me]
    d = EntityDescription(iri, "entity", sink, labels)
    d.contested = len(contested)
    _entity_header(d, out, graphs)
    d.facts, d.inferred_facts = _out_facts(me, out, claims, contested, graphs)
    d.incoming, d.inferred_incoming = _in_facts(me, incoming, claims, contested, graphs)
    d.timeline = [TimelineItem(r["item"].value, r["kind"].value, r["date"].value if r["date"] else None)
                  for r in select(backend, "timeline", resource=me)]
    d.timeline.sort(key=lambda t: (t.date is None, t.date or "", t.iri))
    per_report: dict[str, int] = defaultdict(int)
    for c in claims.values():
        if c.report:
            per_report[c.report] += 1
    d.reports = sorted(per_report.items(), key=lambda kv: (-kv[1], kv[0]))

    mentioned = {iri} | {r["p"].value for r in out} | {r["p"].value for r in incoming}
    mentioned |= {r["o"].value for r in out if isinstance(r["o"], ox.NamedNode)}
    mentioned |= {r["s"].value for r in incoming if isinstance(r["s"], ox.NamedNode)}
    mentioned |= {t.iri for t in d.timeline} | {t.kind for t in d.timeline} | set(per_report)
    for c in claims.values():
        mentioned |= {t.value for t in (c.subject, c.predicate, c.object) if isinstance(t, ox.NamedNode)}
        mentioned |= {x for x in (c.stance, c.certainty) if x}
    labels.load(backend, mentioned)
    sink.add_labels(labels, known_prefixes(graphs.base)["dsr"])
    d.label = labels(iri)
    return d


def _entity_header(d: EntityDescription, out: list, graphs: Graphs) -> None:
    rdf_type = str(RDF.type)
    asserted = {r["o"].value for r in out if r["p"].value == rdf_type and r["g"].value != graphs.inferred}
    d.asserted_types = sorted(asserted)
    d.inferred_types = sorted({r["o"].value for r in out if r["p"].value == rdf_type} - asserted)
    d.aliases = sorted({r["o"].value for r in out if r["p"].value == str(SKOS.altLabel)})
    d.same_as = sorted({(r["p"].value, r["o"].value) for r in out
                        if r["p"].value in (str(OWL.sameAs), str(SKOS.exactMatch), str(SKOS.closeMatch))
                        and isinstance(r["o"], ox.NamedNode)})


def _contest_kinds(contested: list, subject: Term, predicate: str, value: Term, claims: list[ClaimInfo]) -> list[str]:
    kinds = []
    claim_iris = {c.iri for c in claims}
    for row in contested:
        same_triple = (row["subject"] == subject and row["predicate"] is not None
                       and row["predicate"].value == predicate and value in (row["valueA"], row["valueB"]))
        by_claim = {row["claimA"].value if row["claimA"] else None,
                    row["claimB"].value if row["claimB"] else None} & claim_iris
        if same_triple or by_claim:
            kinds.append(row["kind"].value)
    return sorted(set(kinds))


def _group(facts: dict, label_key) -> list[PropertyGroup]:
    by_predicate: dict[str, list[Fact]] = defaultdict(list)
    for f in facts.values():
        f.claims.sort(key=claim_sort_key)
        by_predicate[f.predicate].append(f)
    groups = [PropertyGroup(p, sorted(fs, key=label_key)) for p, fs in by_predicate.items()]
    return sorted(groups, key=lambda g: g.predicate)


def _out_facts(me, out, claims, contested, graphs: Graphs) -> tuple[list, list]:
    facts: dict[tuple, Fact] = {}
    inferred: dict[tuple, Fact] = {}
    for r in out:
        p, o, g = r["p"].value, r["o"], r["g"].value
        if p in HEADER_PREDICATES:
            continue
        key = (p, _value_key(o))
        if g == graphs.inferred:
            inferred.setdefault(key, Fact(p, o, inferred=True))
        else:
            facts.setdefault(key, Fact(p, o)).graphs.append(g)
    for c in claims.values():
        if c.subject == me and c.predicate is not None and c.object is not None:
            key = (c.predicate.value, _value_key(c.object))
            facts.setdefault(key, Fact(c.predicate.value, c.object)).claims.append(c)
    for key in list(inferred):
        if key in facts:
            del inferred[key]
    for f in facts.values():
        f.contested = _contest_kinds(contested, me, f.predicate, f.value, f.claims)
    sort_key = lambda f: (_value_key(f.value))  # noqa: E731
    return _group(facts, sort_key), _group(inferred, sort_key)


def _in_facts(me, incoming, claims, contested, graphs: Graphs) -> tuple[list, list]:
    facts: dict[tuple, Fact] = {}
    inferred: dict[tuple, Fact] = {}
    for r in incoming:
        s, p, g = r["s"], r["p"].value, r["g"].value
        key = (p, _value_key(s))
        if g == graphs.inferred:
            inferred.setdefault(key, Fact(p, s, inferred=True))
        else:
            facts.setdefault(key, Fact(p, s)).graphs.append(g)
    for c in claims.values():
        if c.object == me and c.predicate is not None and c.subject is not None:
            key = (c.predicate.value, _value_key(c.subject))
            facts.setdefault(key, Fact(c.predicate.value, c.subject)).claims.append(c)
    for key in list(inferred):
        if key in facts:
            del inferred[key]
    for f in facts.values():
        f.contested = _contest_kinds(contested, f.value, f.predicate, me, f.claims)
    sort_key = lambda f: _value_key(f.value)  # noqa: E731
    return _group(facts, sort_key), _group(inferred, sort_key)


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

@dataclass
class ReportDescription(Description):
    label: str = ""
    title: str = ""
    metadata: list[PropertyGroup] = field(default_factory=list)
    claims: list[ClaimInfo] = field(default_factory=list)
    plain_facts: set = field(default_factory=set)        # claim IRIs that became plain triples
    shared: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # claim -> [(other, report)]
    contested: list[dict] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)
    graph_iri: str = ""


def describe_report(backend, iri: str) -> ReportDescription:
    return cached(backend, ("report", iri), lambda: _describe_report(backend, iri))


def _describe_report(backend, iri: str) -> ReportDescription:
    graphs = Graphs(backend)
    me = named(iri)
    report_graph = backend.settings.graph_iri(iri[len(graphs.base + "report/"):])
    sink = DescriptionGraph(graphs.base, graphs.inferred)
    labels = Labels(backend.prefixes)
    content = construct(backend, "graph-content", graph=named(report_graph))
    for t in content:
        sink.add(t.subject, t.predicate, t.object)
    out = [r for r in select(backend, "resource-quads", resource=me)]
    for r in out:
        if r["g"].value == graphs.inferred:
            sink.add_inferred(me, r["p"], r["o"])
        else:
            sink.add(me, r["p"], r["o"])
    incoming = [r for r in select(backend, "incoming", resource=me)
                if r["g"].value != graphs.inferred and isinstance(r["s"], ox.NamedNode)
                and not r["s"].value.startswith(graphs.base + "claim/")]
    for r in incoming:
        sink.add(r["s"], r["p"], me)
    claim_iris = sorted(r["claim"].value for r in select(backend, "claims-of-report", report=me))
    claims = load_claims(backend, claim_iris, None)

    d = ReportDescription(iri, "report", sink, labels, graph_iri=report_graph)
    meta: dict[tuple, Fact] = {}
    for r in out:
        if r["g"].value != graphs.inferred:
            meta.setdefault((r["p"].value, _value_key(r["o"])), Fact(r["p"].value, r["o"]))
    d.metadata = _group(meta, lambda f: _value_key(f.value))
    d.claims = sorted(claims.values(), key=lambda c: c.iri)
    in_graph = {(t.subject, t.predicate, t.object) for t in content}
    d.plain_facts = {c.iri for c in d.claims if c.triple in in_graph}
    for row in select(backend, "report-shared", report=me):
        d.shared.setdefault(row["claim"].value, []).append((row["other"].value, row["otherReport"].value))
    d.contested = [row for row in contested_rows(backend) if me in (row["reportA"], row["reportB"])]
    d.referenced_by = sorted({r["s"].value for r in incoming})

    mentioned = {iri, report_graph} | {r["p"].value for r in out} | set(d.referenced_by)
    mentioned |= {r["o"].value for r in out if isinstance(r["o"], ox.NamedNode)}
    for c in d.claims:
        mentioned |= {t.value for t in (c.subject, c.predicate, c.object) if isinstance(t, ox.NamedNode)}
        mentioned |= {x for x in (c.stance, c.certainty) if x}
        mentioned |= {t.value for pair in c.other for t in pair if isinstance(t, ox.NamedNode)}
    for others in d.shared.values():
        mentioned |= {r for _, r in others}
    for row in d.contested:
        mentioned |= {t.value for t in row.values() if isinstance(t, ox.NamedNode)}
    labels.load(backend, mentioned)
    sink.add_labels(labels, known_prefixes(graphs.base)["dsr"])
    d.label = labels(iri)
    titles = [f.value.value for g in d.metadata if g.predicate == str(DCTERMS.title) for f in g.facts]
    d.title = titles[0] if titles else d.label
    return d


# ---------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------

@dataclass
class QuoteContext:
    """The quote inside its paragraph: text before, the quote as printed, text after."""

    before: str
    quote: str
    after: str
    source_file: str


@dataclass
class ClaimDescription(Description):
    claim: ClaimInfo | None = None
    plain_fact: bool = False
    same_triple: list[dict] = field(default_factory=list)
    contradicted_by: list[str] = field(default_factory=list)
    context: QuoteContext | None = None


def describe_claim(backend, iri: str) -> ClaimDescription:
    return cached(backend, ("claim", iri), lambda: _describe_claim(backend, iri))


def _describe_claim(backend, iri: str) -> ClaimDescription:
    graphs = Graphs(backend)
    me = named(iri)
    sink = DescriptionGraph(graphs.base, graphs.inferred)
    labels = Labels(backend.prefixes)
    claims = load_claims(backend, [iri], sink)
    claim = claims.get(iri) or ClaimInfo(iri)
    for r in select(backend, "resource-quads", resource=me):
        if r["g"].value == graphs.inferred:
            sink.add_inferred(me, r["p"], r["o"])
    incoming = [r for r in select(backend, "incoming", resource=me) if r["g"].value != graphs.inferred]
    for r in incoming:
        sink.add(r["s"], r["p"], me)
    d = ClaimDescription(iri, "claim", sink, labels, claim=claim)
    d.contradicted_by = sorted({r["s"].value for r in incoming
                                if r["p"].value.endswith("#contradicts") and r["s"].value not in claim.contradicts})
    d.same_triple = select(backend, "same-triple-claims", claim=me)
    if claim.triple and claim.report:
        report_graph = backend.settings.graph_iri(claim.report[len(graphs.base + "report/"):])
        s, p, o = claim.triple
        d.plain_fact = any(r["g"].value == report_graph for r in select(backend, "resource-quads", resource=s)
                           if r["p"] == p and r["o"] == o)
    if claim.report:
        d.context = _quote_context(backend, claim)
    mentioned = {iri} | {t.value for t in (claim.subject, claim.predicate, claim.object) if isinstance(t, ox.NamedNode)}
    mentioned |= {x for x in (claim.report, claim.stance, claim.certainty) if x}
    mentioned |= {r["report"].value for r in d.same_triple} | set(claim.contradicts) | set(d.contradicted_by)
    mentioned |= {t.value for pair in claim.other for t in pair if isinstance(t, ox.NamedNode)}
    labels.load(backend, mentioned)
    sink.add_labels(labels, known_prefixes(graphs.base)["dsr"])
    return d


def _quote_context(backend, claim: ClaimInfo, limit: int = 1400) -> QuoteContext | None:
    """The paragraph (blank-line delimited) around the quote; a long one is cut at the
    sentence ends nearest to ``limit`` characters."""
    source_file = None
    for r in select(backend, "resource-quads", resource=named(claim.report)):
        if r["p"].value.endswith("#sourceFile"):
            source_file = r["o"].value
    if not source_file or not (backend.settings.sources_dir / source_file).exists():
        return None
    text = source_text(backend.settings.sources_dir / source_file)
    match = Match(claim.start, claim.end) if claim.start is not None else text.find(claim.quote or "")
    if match is None:
        return None
    raw = text.text
    start = raw.rfind("\n\n", 0, match.start)
    end = raw.find("\n\n", match.end)
    before = raw[0 if start < 0 else start + 2:match.start]
    after = raw[match.end:len(raw) if end < 0 else end]
    room = max(200, limit - (match.end - match.start)) // 2
    if len(before) > room:
        cut = before[-room:]
        stop = max(cut.find(". "), cut.find(".\n"))
        before = "… " + (cut[stop + 2:] if stop >= 0 else cut)
    if len(after) > room:
        cut = after[:room]
        stop = max(cut.rfind(". "), cut.rfind(".\n"))
        after = (cut[:stop + 1] if stop >= 0 else cut) + " …"
    return QuoteContext(_squash(before), raw[match.start:match.end], _squash(after), source_file)


def _squash(text: str) -> str:
    """Whitespace runs as single spaces, keeping a space at either end if there was one."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


# ---------------------------------------------------------------------------
# Named graphs
# ---------------------------------------------------------------------------

@dataclass
class GraphDescription(Description):
    role: str = ""             # report | entities | ontology | shapes | inferred | other
    report: str | None = None
    triples: int = 0
    subjects: list[tuple[str, int, bool]] = field(default_factory=list)   # (IRI or bnode, n, is IRI)


def describe_graph(backend, iri: str) -> GraphDescription:
    return cached(backend, ("graph", iri), lambda: _describe_graph(backend, iri), size=64)


def _describe_graph(backend, iri: str) -> GraphDescription:
    graphs = Graphs(backend)
    sink = DescriptionGraph(graphs.base, graphs.inferred)
    for t in construct(backend, "graph-content", graph=named(iri)):
        sink.add(t.subject, t.predicate, t.object)
    labels = Labels(backend.prefixes)
    d = GraphDescription(iri, "graph", sink, labels, triples=len(sink))
    slug = iri[len(graphs.base + "graph/"):]
    roles = {graphs.entities: "entities", graphs.ontology: "ontology", graphs.shapes: "shapes",
             graphs.inferred: "inferred"}
    d.role = roles.get(iri, "other")
    report = f"{graphs.base}report/{slug}"
    if d.role == "other" and any(t.subject == named(report) for t in sink):
        d.role, d.report = "report", report
    rows = select(backend, "graph-subjects", graph=named(iri))
    d.subjects = [(r["s"].value, int(r["n"].value), isinstance(r["s"], ox.NamedNode)) for r in rows]
    labels.load(backend, [s for s, _, is_iri in d.subjects if is_iri][:3000] + [iri] + ([report] if d.report else []))
    return d


# ---------------------------------------------------------------------------
# What exists
# ---------------------------------------------------------------------------

@dataclass
class Inventory:
    """Every IRI under the base IRI that the dataset uses, sorted by kind."""

    base: str
    iris: list[str]
    by_kind: dict[str, list[str]]

    def has(self, kind: str, iri: str) -> bool:
        return iri in self._sets[kind]

    def __post_init__(self):
        self._sets = {k: set(v) for k, v in self.by_kind.items()}

    def slugs(self, kind: str) -> list[str]:
        prefix = f"{self.base}{kind}/"
        return [i[len(prefix):] for i in self.by_kind.get(kind, []) if i.startswith(prefix)]


KINDS = ("id", "report", "claim", "graph", "ontology", "shapes")


def inventory(backend) -> Inventory:
    def compute() -> Inventory:
        base = backend.settings.base
        iris = sorted({r["x"].value for r in select(backend, "inventory", base=ox.Literal(base))})
        by_kind: dict[str, set[str]] = {k: set() for k in KINDS + ("other",)}
        for iri in iris:
            rest = iri[len(base):]
            head = rest.split("/", 1)[0].split("#", 1)[0]
            if head in ("id", "report", "claim", "graph") and "/" in rest:
                by_kind[head].add(iri.split("#", 1)[0])
            elif head in ("ontology", "shapes"):
                by_kind[head].add(iri)
            else:
                by_kind["other"].add(iri)
        return Inventory(base, iris, {k: sorted(v) for k, v in by_kind.items()})
    return cached(backend, ("inventory",), compute)
