"""OWL-RL reasoning adds what the ontology entails, in its own named graph, and only that."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kg.build import build
from kg.namespaces import DSR, RDF
from kg.store import GraphStore

Q = 'dsr:source report:surveying-dsr-western-balkans ; dsr:section "Looking Ahead" ; ' \
    'dsr:quote "China has come to the Western Balkans to stay." ; dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated .'


def claim(n: int, s: str, p: str, o: str) -> str:
    return f"claim:r000-{n} a dsr:Claim ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; {Q}\n"


FIXTURE = "".join([
    claim(901, "id:albania", "dsr:memberOf", "id:clean-network"),
    claim(902, "id:test-loan", "dsr:lender", "id:exim-bank-of-china"),
    claim(903, "id:belgrade", "dsr:partOf", "id:serbia"),
    claim(904, "id:serbia", "dsr:partOf", "id:western-balkans"),
    claim(905, "id:safe-city-belgrade", "dsr:locatedIn", "id:belgrade"),
    claim(906, "id:test-membership", "dsr:member", "id:kosovo"),
    claim(907, "id:test-membership", "dsr:membershipIn", "id:china-ceec-cooperation"),
]) + """
id:test-loan a dsr:Loan ; skos:prefLabel "Test loan"@en .
id:test-membership a dsr:Membership ; skos:prefLabel "Test membership"@en .
"""


@pytest.fixture(scope="module")
def reasoned(tmp_path_factory):
    from tests.conftest import make_project
    settings = make_project(tmp_path_factory.mktemp("reasoning"), {"t/claims.ttl": FIXTURE})
    result = build(settings, quiet=True, force=True)
    return settings, result


def iri(settings, local: str) -> URIRef:
    prefix, _, name = local.partition(":")
    return URIRef(settings.base + ("id/" if prefix == "id" else "") + name) if prefix == "id" else DSR[name]


@pytest.mark.parametrize("s, p, o, why", [
    ("id:clean-network", "dsr:hasMember", "id:albania", "inverse of dsr:memberOf"),
    ("id:test-loan", "dsr:party", "id:exim-bank-of-china", "dsr:lender is a sub-property of dsr:party"),
    ("id:test-loan", "dsr:involves", "id:exim-bank-of-china", "sub-property chain up to dsr:involves"),
    ("id:exim-bank-of-china", "dsr:involvedIn", "id:test-loan", "inverse of the inferred dsr:involves"),
    ("id:belgrade", "dsr:partOf", "id:western-balkans", "dsr:partOf is transitive"),
    ("id:western-balkans", "dsr:hasPart", "id:belgrade", "inverse of a transitive inference"),
    ("id:safe-city-belgrade", "dsr:locatedIn", "id:serbia", "property chain locatedIn o partOf"),
    ("id:kosovo", "dsr:memberOf", "id:china-ceec-cooperation", "chain hasMembership o membershipIn"),
])
def test_expected_inferences_are_in_the_inferred_graph(reasoned, s, p, o, why):
    settings, result = reasoned
    inferred = result.graphs[settings.graph_iri("inferred")]
    triple = (iri(settings, s), iri(settings, p), iri(settings, o))
    assert triple in inferred, why
    for name, graph in result.graphs.items():
        if name != settings.graph_iri("inferred"):
            assert triple not in graph, f"inferred triple leaked into {name}"


def test_subclass_types_are_inferred(reasoned):
    settings, result = reasoned
    inferred = result.graphs[settings.graph_iri("inferred")]
    assert (iri(settings, "id:serbia"), RDF.type, DSR.Actor) in inferred
    assert (iri(settings, "id:huawei"), RDF.type, DSR.Company) in inferred


def test_inferred_graph_has_no_owlrl_bookkeeping(reasoned):
    from rdflib import Literal
    from rdflib.namespace import OWL
    settings, result = reasoned
    inferred = result.graphs[settings.graph_iri("inferred")]
    assert not any(s == o for s, p, o in inferred.triples((None, OWL.sameAs, None)))
    assert not any(isinstance(s, Literal) for s, _, _ in inferred)
    assert all(str(s).startswith(settings.base) for s, _, _ in inferred)
    assert (None, RDF.type, OWL.Thing) not in inferred


def test_queries_can_exclude_inferences(reasoned):
    settings, _ = reasoned
    store = GraphStore(settings)
    ask = "ASK { id:clean-network dsr:hasMember id:albania }"
    assert bool(store.query(ask)) is True
    assert bool(store.query(ask, asserted_only=True)) is False
    assert bool(store.query("ASK { id:albania dsr:memberOf id:clean-network }", asserted_only=True)) is True


@pytest.mark.parametrize("engine", ["compiled", "reasonable"])
def test_fast_reasoner_infers_exactly_what_owlrl_infers_on_the_real_graph(inputs, settings, engine):
    from kg.claims import partition
    from kg.reasoning import infer
    graphs = list(partition(inputs.triples, settings).graphs.values()) + [inputs.ontology]
    reference, ref_errors = infer(graphs, settings.base, "owlrl")
    fast, fast_errors = infer(graphs, settings.base, engine)
    assert len(reference) > 0
    assert set(reference) == set(fast), {
        "only owlrl": sorted(map(str, set(reference) - set(fast)))[:5],
        f"only {engine}": sorted(map(str, set(fast) - set(reference)))[:5]}
    assert ref_errors == fast_errors == []


def test_fast_reasoners_agree_on_the_reasoning_fixture(reasoned):
    from kg.loading import load_inputs
    from kg.claims import partition
    from kg.reasoning import infer
    settings, result = reasoned
    inputs = load_inputs(settings)
    graphs = list(partition(inputs.triples, settings).graphs.values()) + [inputs.ontology]
    reference = set(infer(graphs, settings.base, "owlrl")[0])
    assert reference == set(infer(graphs, settings.base, "reasonable")[0])
    assert reference == set(infer(graphs, settings.base, "compiled")[0])


def test_all_reasoners_detect_disjointness_alike(mini_project):
    from kg.loading import load_inputs
    from kg.claims import partition
    from kg.reasoning import infer
    settings = mini_project({"t/e.ttl": 'id:test-chimera a dsr:Country, dsr:DataCentre ; skos:prefLabel "Chimera"@en .\n'
                                        'id:test-nothing a <http://www.w3.org/2002/07/owl#Nothing> .'})
    inputs = load_inputs(settings)
    graphs = list(partition(inputs.triples, settings).graphs.values()) + [inputs.ontology]
    found = {}
    for engine in ("owlrl", "reasonable", "compiled"):
        _, errors = infer(graphs, settings.base, engine)
        assert any("test-chimera" in e and "Disjoint" in e for e in errors), (engine, errors)
        found[engine] = errors
    assert found["compiled"] == found["reasonable"]
    assert any("test-nothing" in e and "Nothing" in e for e in found["compiled"])


def test_compiled_rules_hand_over_axioms_they_lack(mini_project, caplog):
    """A functional property (which entails owl:sameAs) is beyond the compiled rules:
    the build says so and reasons with reasonable, with owlrl's result."""
    from kg.loading import load_inputs
    from kg.claims import partition
    from kg.reasoning import infer
    settings = mini_project({"t/e.ttl": "dsr:testOnly a <http://www.w3.org/2002/07/owl#ObjectProperty>, <http://www.w3.org/2002/07/owl#FunctionalProperty> .\n"
                                        "id:serbia dsr:testOnly id:test-a, id:test-b ."})
    inputs = load_inputs(settings)
    graphs = list(partition(inputs.triples, settings).graphs.values()) + [inputs.ontology]
    with caplog.at_level("WARNING", logger="kg.reasoning"):
        compiled, _ = infer(graphs, settings.base, "compiled")
    assert "FunctionalProperty" in caplog.text and "reasonable" in caplog.text
    reference, _ = infer(graphs, settings.base, "owlrl")
    same = {(s, p, o) for s, p, o in reference if str(p).endswith("#sameAs")}
    assert same and set(compiled) == set(reference)


def test_restricting_to_productive_triples_changes_no_inference(reasoned):
    """The closure over `productive` triples equals the closure over everything."""
    from kg.loading import load_inputs
    from kg.claims import partition
    from kg.reasoning import merge, owlrl_closure, productive, publishable
    settings, _ = reasoned
    inputs = load_inputs(settings)
    graphs = list(partition(inputs.triples, settings).graphs.values()) + [inputs.ontology]
    given = merge(graphs)
    full, _ = owlrl_closure(merge([given]))
    restricted, _ = owlrl_closure(productive(given))
    assert len(productive(given)) < len(given)
    assert set(publishable(full, given, settings.base)) == set(publishable(restricted, given, settings.base))
