"""The fast reasoners (compiled rules, the build's default, and reasonable) infer exactly what the reference
(owlrl) infers on a 10k-triple synthetic graph shaped like ours: sub-properties,
inverses, symmetric properties, transitive dsr:partOf chains several levels deep,
the three property chains and sub-class typing, at a scale the real graph does not
reach yet. (tests/test_reasoning.py does the same on the real graph.)"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import URIRef

from kg.claims import partition
from kg.loading import load_inputs
from kg.namespaces import DSR, RDF
from kg.reasoning import infer


@pytest.fixture(scope="module")
def synthetic_graphs(synthetic_10k):
    inputs = load_inputs(synthetic_10k)
    return synthetic_10k, list(partition(inputs.triples, synthetic_10k).graphs.values()) + [inputs.ontology]


@pytest.fixture(scope="module")
def both(synthetic_graphs):
    settings, graphs = synthetic_graphs
    return infer(graphs, settings.base, "owlrl"), infer(graphs, settings.base, "reasonable")


@pytest.mark.parametrize("engine", ["reasonable", "compiled"])
def test_fast_reasoners_infer_exactly_what_owlrl_infers_on_the_synthetic_graph(both, synthetic_graphs, engine):
    settings, graphs = synthetic_graphs
    (reference, ref_errors), (reasonable, reasonable_errors) = both
    fast, fast_errors = (reasonable, reasonable_errors) if engine == "reasonable" \
        else infer(graphs, settings.base, engine)
    assert len(reference) > 5000
    assert set(reference) == set(fast), {
        "only owlrl": sorted(map(str, set(reference) - set(fast)))[:5],
        f"only {engine}": sorted(map(str, set(fast) - set(reference)))[:5]}
    assert ref_errors == fast_errors == []


def test_the_comparison_covers_every_rule_our_ontology_uses(both, synthetic_graphs):
    """Not a vacuous comparison: each kind of entailment occurs many times."""
    settings, graphs = synthetic_graphs
    (reference, _), _ = both
    by_predicate = Counter(p for _, p, _ in reference)
    asserted = set().union(*(set(g) for g in graphs))
    base = settings.base

    def chained(prop: URIRef) -> int:   # inferred, and not by a sub-property or inverse alone
        return sum(1 for t in reference.triples((None, prop, None)) if t not in asserted)

    assert by_predicate[DSR.hasPart] > 30                      # inverse of dsr:partOf
    assert by_predicate[DSR.involves] > 50                     # sub-properties (party, agent, ...)
    assert by_predicate[DSR.relatedTo] > 20                    # symmetric super-property
    assert by_predicate[RDF.type] > 1000                       # sub-class typing
    assert chained(DSR.locatedIn) > 50                         # locatedIn o partOf
    assert chained(DSR.memberOf) > 0                           # hasMembership o membershipIn
    assert chained(DSR.ownedBy) > 0                            # hasOwnership o owner
    # transitive part-of over more than one level: a city inside a macro-region
    cities = set(reference.subjects(RDF.type, DSR.City)) | {
        s for g in graphs for s in g.subjects(RDF.type, DSR.City)}
    deep = [(c, r) for c in cities for r in reference.objects(c, DSR.partOf)
            if any((r, RDF.type, DSR.Region) in g for g in graphs)
            and not any((c, DSR.partOf, r) in g for g in graphs)]
    assert len(deep) > 20
    assert all(str(s).startswith(base) for s, _, _ in reference)
