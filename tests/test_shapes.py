"""The shapes and the build reject deliberately broken data, with actionable messages,
and accept what the ontology's entailments make valid (GUIDE §4)."""

from __future__ import annotations

import pytest

from kg.build import assemble, build
from kg.errors import ValidationFailed
from kg.loading import load_inputs
from kg.progress import Steps

GOOD = """
claim:r000-900 a dsr:Claim ;
    rdf:subject id:serbia-china-comprehensive-strategic-partnership ;
    rdf:predicate dsr:date ; rdf:object "2016"^^xsd:gYear ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ;
    dsr:section "China’s Closest Friend in the Western Balkans" ;
    dsr:quote "In 2016, Serbia and China signed a comprehensive strategic partnership agreement." .
"""


def problems(settings):
    inputs = load_inputs(settings)
    return assemble(inputs, settings, Steps(3, quiet=True)).report


def violations_of(settings, focus_suffix: str) -> list[str]:
    report = problems(settings)
    return [p.message for p in report.violations if p.focus.endswith(focus_suffix)]


def test_a_well_formed_claim_passes(mini_project):
    report = problems(mini_project({"t/claims.ttl": GOOD}))
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("broken, expected", [
    (GOOD.replace("    dsr:source report:surveying-dsr-western-balkans ;\n", ""),
     "Every claim cites exactly one report with dsr:source"),
    (GOOD.replace('    dsr:quote "In 2016, Serbia and China signed a comprehensive strategic partnership agreement." .',
                  '    dsr:note "3"^^xsd:positiveInteger .'),
     "Every claim has exactly one dsr:quote"),
    (GOOD.replace("report:surveying-dsr-western-balkans", "report:no-such-report"),
     "Every claim cites exactly one report with dsr:source"),
    (GOOD.replace("dsr:stance dsr:Affirmed", "dsr:stance dsr:Maybe"),
     "Give the claim one dsr:stance"),
    (GOOD.replace("signed a comprehensive", "inked a comprehensive"),
     "quote not found in 000_a97aca9f0636cffc.txt"),
    (GOOD.replace('"2016"^^xsd:gYear', '"sometime in 2016"'),
     "dsr:date is an xsd:date, xsd:gYearMonth or xsd:gYear"),
    (GOOD.replace("rdf:predicate dsr:date", "rdf:predicate dsr:dateSigned"),
     "is not a property of the ontology"),
    (GOOD + '\nclaim:r000-901 a dsr:Claim ; rdf:subject id:safe-city-belgrade ; rdf:predicate dsr:builtBy ;'
            ' rdf:object id:state-data-center-kragujevac ; dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;'
            ' dsr:source report:surveying-dsr-western-balkans ; dsr:section "x" ;'
            ' dsr:quote "In 2019, Belgrade introduced the Safe City project" .',
     "does not fit https://w3id.org/dsr-balkans/ontology#builtBy"),
], ids=["missing-source", "missing-quote", "unknown-report", "bad-stance", "quote-not-in-text",
        "wrong-datatype", "unknown-property", "wrong-class"])
def test_shapes_reject_broken_claims(mini_project, broken, expected):
    report = problems(mini_project({"t/claims.ttl": broken}))
    messages = [p.message for p in report.violations]
    assert any(expected in m for m in messages), report.to_text()


def test_wrong_datatype_on_entity_is_reported_with_file_and_line(mini_project):
    settings = mini_project({"t/entities.ttl": """
id:test-system a dsr:SurveillanceSystem ; skos:prefLabel "Test system"@en ;
    dsr:cameraCount "a thousand" .
"""})
    report = problems(settings)
    hits = [p for p in report.violations if p.focus.endswith("id/test-system")]
    assert hits and all(p.location and p.location.endswith("t/entities.ttl:11") for p in hits), report.to_text()
    assert any("xsd:integer" in p.message for p in hits)


def test_wrong_class_of_linked_entity_is_a_violation_not_an_inference(mini_project):
    # dsr:memberOf ranges over actors; a data centre is not one. The range must not
    # quietly make the data centre an actor: the curator hears about it.
    settings = mini_project({"t/entities.ttl": """
id:test-membership-holder a dsr:Country ; skos:prefLabel "Testland"@en ;
    dsr:memberOf id:state-data-center-kragujevac .
"""})
    report = problems(settings)
    assert any("dsr:Actor" in p.message for p in report.violations if "test-membership-holder" in p.focus
               or p.focus.endswith("kragujevac")), report.to_text()


def test_sub_property_satisfies_constraint_on_parent(mini_project):
    # An agreement should name a party (warning-level); dsr:lender is a sub-property of
    # dsr:party, so a loan with only a lender satisfies it through the entailment.
    base = """
id:test-loan a dsr:Loan ; skos:prefLabel "Test loan"@en .
claim:r000-950 a dsr:Claim ; rdf:subject id:test-loan ; rdf:predicate dsr:lender ;
    rdf:object id:exim-bank-of-china ; dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ; dsr:section "China and the Rest of the Western Balkans" ;
    dsr:quote "In 2014, the country signed a loan agreement with the Chinese Exim Bank" .
"""
    report = problems(mini_project({"t/claims.ttl": base}))
    party_warnings = [p for p in report.problems if p.focus.endswith("id/test-loan") and "party" in p.message]
    assert report.conforms, report.to_text()
    assert not party_warnings, [p.message for p in party_warnings]
    # and without the lender claim the warning is there
    report = problems(mini_project({"t/claims.ttl": 'id:test-loan a dsr:Loan ; skos:prefLabel "Test loan"@en .'}))
    assert any("party" in p.message for p in report.warnings if p.focus.endswith("id/test-loan"))


def test_disjoint_classes_make_the_build_fail_with_a_clear_message(mini_project):
    settings = mini_project({"t/entities.ttl": """
id:test-chimera a dsr:Country, dsr:DataCentre ; skos:prefLabel "Chimera"@en .
"""})
    with pytest.raises(ValidationFailed) as info:
        build(settings, quiet=True, force=True)
    text = str(info.value)
    assert "OWL-RL inconsistency" in text and "test-chimera" in text and "disjoint" in text
    assert not (settings.dist / "dataset.nq").exists(), "a failed build must not write the dataset"


def test_hedged_claim_does_not_become_a_plain_fact(mini_project, tmp_path):
    hedged = GOOD.replace("dsr:certainty dsr:Stated ;", 'dsr:certainty dsr:Hedged ; dsr:hedge "reportedly" ;')
    settings = mini_project({"t/claims.ttl": hedged})
    result = build(settings, quiet=True, force=True)
    graph = result.graphs[settings.graph_iri("surveying-dsr-western-balkans")]
    from rdflib import URIRef
    from kg.namespaces import DSR
    assert (URIRef(settings.base + "id/serbia-china-comprehensive-strategic-partnership"), DSR.date, None) not in graph
    assert (URIRef(settings.base + "claim/r000-900"), DSR.certainty, DSR.Hedged) in graph


BROKEN_MIX = GOOD + """
claim:r000-902 a dsr:Claim ; rdf:predicate dsr:builtBy ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ; dsr:section "x" ;
    dsr:quote "In 2019, Belgrade introduced the Safe City project" .
claim:r000-903 a dsr:Claim ; rdf:subject id:serbia ; rdf:predicate dsr:dateSigned ; rdf:object "2016" ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ; dsr:section "x" ;
    dsr:quote "In 2019, Belgrade introduced the Safe City project" .
id:test-membership a dsr:Membership ; skos:prefLabel "Test membership"@en .
id:test-deal a dsr:Agreement ; skos:prefLabel "Test deal"@en ; dsr:date "sometime"@en , "2020-01"^^xsd:gYearMonth .
id:test-amount a schema:MonetaryAmount ; schema:currency "EUR" .
id:huawei dsr:cooperatesWith id:huawei .
id:test-deal dsr:locatedIn id:huawei .
claim:r000-904 a dsr:Claim ; rdf:subject id:serbia ; rdf:predicate dsr:cooperatesWith ; rdf:object id:huawei ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Hedged ;
    dsr:source report:surveying-dsr-western-balkans ; dsr:section "x" ;
    dsr:quote "In 2019, Belgrade introduced the Safe City project" .
"""


def test_the_builds_validation_reports_what_pyshacl_alone_reports(mini_project):
    """kg.validation prepares the shapes for speed (property shapes lifted, SHACL-SPARQL on
    Oxigraph over only the triples the queries can match, pySHACL over only the
    predicates the core shapes read); pySHACL given the whole validation graph and the
    shapes as written must report exactly the same results."""
    import pyshacl
    from rdflib import URIRef
    from kg.claims import partition
    from kg.namespaces import RDF, SH
    from kg.reasoning import infer
    from kg.validation import validate, validation_graph
    settings = mini_project({"t/claims.ttl": BROKEN_MIX})
    inputs = load_inputs(settings)
    graphs = list(partition(inputs.triples, settings).graphs.values())
    inferred, _ = infer(graphs + [inputs.ontology], settings.base, settings.reasoner)
    ours = validate(inputs.ontology, inputs.shapes, graphs, inferred)
    data = validation_graph(inputs.ontology, graphs, inferred)
    _, results, _ = pyshacl.validate(data, shacl_graph=inputs.shapes, inference="none", advanced=True,
                                     allow_warnings=True)

    def key(focus, path, value, severity, component):
        return (str(focus), str(path) if isinstance(path, URIRef) else "",
                str(value) if value is not None else "", str(severity).rsplit("#", 1)[-1],
                str(component).rsplit("#", 1)[-1])
    reference = sorted(key(results.value(r, SH.focusNode), results.value(r, SH.resultPath),
                           results.value(r, SH.value), results.value(r, SH.resultSeverity),
                           results.value(r, SH.sourceConstraintComponent))
                       for r in results.subjects(RDF.type, SH.ValidationResult))
    found = sorted(key(p.focus, p.path and URIRef(p.path), p.value, p.severity, p.component)
                   for p in ours.problems if p.kind != "quote")
    kinds = {k[-1] for k in reference}
    assert {"SPARQLConstraintComponent", "OrConstraintComponent", "MinCountConstraintComponent",
            "ClassConstraintComponent"} <= kinds
    assert {"Warning", "Violation"} <= {k[3] for k in reference if k[-1] == "SPARQLConstraintComponent"}
    assert found == reference, {"only ours": sorted(set(found) - set(reference)),
                                "only pySHACL": sorted(set(reference) - set(found))}
