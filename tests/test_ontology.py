"""The ontology is documented, OWL 2 RL friendly, and every class has a SHACL shape
whose constraints all carry a message (GUIDE §2, §4)."""

from __future__ import annotations

from rdflib import BNode, URIRef
from rdflib.collection import Collection

from kg.namespaces import DSR, OWL, RDF, RDFS, SH, SKOS, VANN

ONTOLOGY = URIRef("https://w3id.org/dsr-balkans/ontology")


def our_terms(onto):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(str(DSR))})


def test_ontology_header(inputs):
    onto = inputs.ontology
    for p in (OWL.versionIRI, OWL.versionInfo, RDFS.label, VANN.preferredNamespacePrefix,
              URIRef("http://purl.org/dc/terms/license")):
        assert onto.value(ONTOLOGY, p) is not None, f"ontology header lacks {p}"
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "dsr"


def test_every_term_has_label_and_definition(inputs):
    onto = inputs.ontology
    missing = [str(t) for t in our_terms(onto)
               if onto.value(t, RDFS.label) is None or onto.value(t, SKOS.definition) is None]
    assert not missing, f"terms without rdfs:label or skos:definition: {missing}"


def test_owl_rl_features_are_used(inputs):
    onto = inputs.ontology
    assert any(True for _ in onto.subjects(RDF.type, OWL.AllDisjointClasses))
    assert (DSR.partOf, RDF.type, OWL.TransitiveProperty) in onto
    assert any(True for _ in onto.subject_objects(OWL.inverseOf))
    assert any(True for _ in onto.subject_objects(OWL.propertyChainAxiom))
    assert any(True for s, o in onto.subject_objects(RDFS.subPropertyOf) if str(s).startswith(str(DSR)))


def test_top_classes_are_pairwise_disjoint(inputs):
    onto = inputs.ontology
    node = next(onto.subjects(RDF.type, OWL.AllDisjointClasses))
    members = set(Collection(onto, onto.value(node, OWL.members)))
    assert {DSR.Actor, DSR.Infrastructure, DSR.Agreement, DSR.Claim, DSR.Report} <= members


def test_every_class_has_a_node_shape(inputs):
    onto, shapes = inputs.ontology, inputs.shapes
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = [c for c in our_terms(onto) if (c, RDF.type, OWL.Class) in onto]
    missing = [str(c) for c in classes if c not in targeted]
    assert not missing, f"classes without a node shape (sh:targetClass): {missing}"


def test_every_constraint_has_a_message(inputs):
    shapes = inputs.shapes
    silent = []
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        for ps in shapes.objects(shape, SH.property):
            if shapes.value(ps, SH.message) is None:
                silent.append(f"{shape} property {shapes.value(ps, SH.path)}")
        for sparql in shapes.objects(shape, SH.sparql):
            if shapes.value(sparql, SH.message) is None:
                silent.append(f"{shape} sparql constraint")
        has_node_level = any(shapes.value(shape, p) is not None
                             for p in (SH["class"], SH["or"], SH.datatype, SH.nodeKind))
        if has_node_level and shapes.value(shape, SH.message) is None:
            silent.append(f"{shape} node-level constraint")
    assert not silent, f"constraints without sh:message: {silent}"
