"""Validating a small change touches only the nodes it can affect, and finds there
exactly what a full validation finds (kg.incremental).

Each graph (the real one and a 10k-triple synthetic one) gets six changes at once:
a good addition, a claim with an object of the wrong class, an entity removed while
claims still reference it, a claim's quote removed, a sub-property whose value breaks
its parent property's range, and a new link in a transitive part-of chain. For each
change, ``validate_focus`` over ``affected_nodes`` must equal the full run filtered to
those nodes; and outside all affected nodes, the full run's results must be the same
before and after (nothing the change affects was missed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from rdflib import Graph, URIRef

from kg.claims import partition
from kg.incremental import affected_nodes, validate_focus
from kg.loading import load_inputs
from kg.namespaces import DSR, RDF
from kg.reasoning import infer
from kg.validation import validate
from tests.conftest import PREFIXES


def key(p) -> tuple:
    return (p.severity, p.focus, p.message, p.path, p.value, p.shape, p.component)


def full_problems(triples: Graph, ontology: Graph, shapes: Graph, settings) -> list:
    graphs = list(partition(triples, settings).graphs.values())
    inferred, _ = infer(graphs + [ontology], settings.base, settings.reasoner)
    return validate(ontology, shapes, graphs, inferred).problems


@dataclass
class Change:
    name: str
    added: set
    removed: set
    expect_violation_on: str | None = None     # a node the change must make invalid


def turtle(text: str) -> set:
    return set(Graph().parse(data=PREFIXES + text, format="turtle"))


def claim(iri: str, s: str, p: str, o: str, report: str, quote: str = "a sentence long enough to quote") -> str:
    return (f'{iri} a dsr:Claim ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; '
            f'dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source {report} ; '
            f'dsr:section "Test" ; dsr:quote "{quote}" .\n')


def changes_for(triples: Graph, base: str, report: str, city: str, country: str, company: str,
                system: str, victim: URIRef, quoted: URIRef) -> list[Change]:
    """The six changes, on entities of the graph at hand (prefixed names)."""
    c = "claim:test-incremental-"
    return [
        Change("good addition", turtle(
            'id:test-incremental-dc a dsr:DataCentre ; skos:prefLabel "Test data centre"@en .\n'
            + claim(c + "1", "id:test-incremental-dc", "dsr:locatedIn", city, report)
            + claim(c + "2", "id:test-incremental-dc", "dsr:operatedBy", company, report)), set()),
        Change("object of the wrong class", turtle(
            claim(c + "3", system, "dsr:locatedIn", company, report)), set(),
            expect_violation_on=c + "3"),
        Change("entity removed while claims reference it", set(),
               set(triples.triples((victim, None, None))),
               expect_violation_on=None),
        Change("quote removed", set(), set(triples.triples((quoted, DSR.quote, None))),
               expect_violation_on=str(quoted)),
        Change("sub-property breaks its parent's range", turtle(
            'id:test-incremental-loan a dsr:Loan ; skos:prefLabel "Test loan"@en .\n'
            + claim(c + "5", "id:test-incremental-loan", "dsr:lender", system, report)), set(),
            expect_violation_on="id:test-incremental-loan"),
        Change("new link in a transitive part-of chain", turtle(
            'id:test-incremental-town a dsr:City ; skos:prefLabel "Test town"@en .\n'
            + claim(c + "6", "id:test-incremental-town", "dsr:partOf", country, report)
            + claim(c + "7", "id:test-incremental-dc", "dsr:locatedIn", "id:test-incremental-town", report)),
            set()),
    ]


def expand(name: str | None, base: str) -> str | None:
    if name is None:
        return None
    prefix, _, local = name.partition(":")
    return {"id": base + "id/", "claim": base + "claim/"}.get(prefix, "") + local if prefix in ("id", "claim") else name


def check(settings, inputs, changes: list[Change]) -> dict:
    before = Graph()
    for t in inputs.triples:
        before.add(t)
    after = Graph()
    for t in before:
        after.add(t)
    for ch in changes:
        for t in ch.removed:
            after.remove(t)
    for ch in changes:
        for t in ch.added:
            after.add(t)
    full_before = full_problems(before, inputs.ontology, inputs.shapes, settings)
    full_after = full_problems(after, inputs.ontology, inputs.shapes, settings)
    everything = set()
    outcome = {}
    for ch in changes:
        affected = affected_nodes(after, ch.added, ch.removed, ontology=inputs.ontology, shapes=inputs.shapes)
        everything |= affected
        names = {str(n) for n in affected}
        report = validate_focus(inputs.ontology, inputs.shapes, after, affected)
        expected = Counter(key(p) for p in full_after if p.focus in names)
        got = Counter(key(p) for p in report.problems)
        assert got == expected, (ch.name, {"missing": list((expected - got).elements())[:5],
                                           "extra": list((got - expected).elements())[:5]})
        outcome[ch.name] = (affected, report)
        if ch.expect_violation_on:
            node = expand(ch.expect_violation_on, settings.base)
            assert node in names, (ch.name, node)
            assert any(p.focus == node and p.is_violation for p in report.problems), (ch.name, node)
    names = {str(n) for n in everything}
    untouched_before = Counter(key(p) for p in full_before if p.focus not in names)
    untouched_after = Counter(key(p) for p in full_after if p.focus not in names)
    assert untouched_before == untouched_after, {
        "appeared outside the affected nodes": list((untouched_after - untouched_before).elements())[:5],
        "vanished outside the affected nodes": list((untouched_before - untouched_after).elements())[:5]}
    return outcome


def referenced_entity(triples: Graph, cls: URIRef) -> URIRef:
    """An entity of a class that several claims mention, and that is not a hub."""
    counts = Counter()
    for e in sorted(triples.subjects(RDF.type, cls)):
        counts[e] = len(set(triples.subjects(RDF.subject, e)) | set(triples.subjects(RDF.object, e)))
    return next(e for e, n in sorted(counts.items(), key=lambda x: (x[1], str(x[0]))) if n >= 2)


def first_quoted_claim(triples: Graph) -> URIRef:
    return sorted(c for c in triples.subjects(DSR.quote, None) if (c, RDF.type, DSR.Claim) in triples)[0]


def qname(node: URIRef, base: str) -> str:
    return "id:" + str(node)[len(base + "id/"):]


@pytest.fixture(scope="module")
def real_outcome(inputs, settings):
    triples = inputs.triples
    changes = changes_for(
        triples, settings.base, report="report:surveying-dsr-western-balkans", city="id:belgrade",
        country="id:serbia", company="id:huawei", system="id:safe-city-belgrade",
        victim=referenced_entity(triples, DSR.DataCentre), quoted=first_quoted_claim(triples))
    return settings, changes, check(settings, inputs, changes)


@pytest.fixture(scope="module")
def synthetic_outcome(synthetic_10k):
    settings = synthetic_10k
    inputs = load_inputs(settings)
    t, base = inputs.triples, settings.base

    def one(cls):
        return qname(referenced_entity(t, cls), base)
    report = "report:" + str(sorted(t.subjects(RDF.type, DSR.Report))[0])[len(base + "report/"):]
    changes = changes_for(
        t, base, report=report, city=one(DSR.City), country=one(DSR.Country),
        company=one(DSR.TechnologyVendor), system=one(DSR.SurveillanceSystem),
        victim=referenced_entity(t, DSR.Membership), quoted=first_quoted_claim(t))
    return settings, changes, check(settings, inputs, changes)


@pytest.mark.parametrize("graph", ["real_outcome", "synthetic_outcome"])
def test_incremental_equals_full_run_on_affected_nodes(graph, request):
    _, changes, outcome = request.getfixturevalue(graph)
    assert set(outcome) == {c.name for c in changes}


@pytest.mark.parametrize("graph", ["real_outcome", "synthetic_outcome"])
def test_removed_entity_affects_the_claims_that_reference_it(graph, request):
    settings, changes, outcome = request.getfixturevalue(graph)
    change = next(c for c in changes if c.name.startswith("entity removed"))
    victim = next(iter(change.removed))[0]
    affected, report = outcome[change.name]
    # Every claim that names the removed entity is re-validated, and now fails.
    triples = load_inputs(settings).triples
    claims = set(triples.subjects(RDF.subject, victim)) | set(triples.subjects(RDF.object, victim))
    assert claims and claims <= affected
    failing = {p.focus for p in report.problems if p.is_violation}
    assert {str(c) for c in claims} & failing


@pytest.mark.parametrize("graph", ["real_outcome", "synthetic_outcome"])
def test_new_part_of_link_reaches_the_chain(graph, request):
    """The new town's asset is now located in the country too (locatedIn o partOf), and the
    country's regions gain a part: all of them are affected."""
    settings, changes, outcome = request.getfixturevalue(graph)
    affected, _ = outcome["new link in a transitive part-of chain"]
    base = settings.base
    town, dc = URIRef(base + "id/test-incremental-town"), URIRef(base + "id/test-incremental-dc")
    assert {town, dc} <= affected
    change = next(c for c in changes if c.name.startswith("new link"))
    country = next(o for s, p, o in change.added if p == RDF.object and str(s).endswith("-6"))
    triples = load_inputs(settings).triples
    regions = {triples.value(c, RDF.object) for c in triples.subjects(RDF.subject, country)
               if triples.value(c, RDF.predicate) == DSR.partOf}
    assert country in affected
    assert regions and regions <= affected


def test_good_addition_is_valid_and_small(real_outcome):
    settings, changes, outcome = real_outcome
    affected, report = outcome["good addition"]
    assert not report.violations, report.to_text()
    assert URIRef(settings.base + "id/test-incremental-dc") in affected
    assert len(affected) < 100
