"""Shapes derived from the ontology: every rdfs:domain and rdfs:range becomes a
SHACL constraint, so the ontology stays the single place where they are declared.

Checked against asserted types only (see kg.validation), a range is a constraint,
not an inference: an object of dsr:builtBy that is not typed dsr:Actor is reported.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from .namespaces import DSR, OWL, RDF, RDFS, SH, XSD

SHAPES_NS = DSR[""].replace("ontology#", "shapes#")

# A decimal-valued property also accepts integer literals (1000 for 1000.0).
_DATATYPE_FAMILY = {
    XSD.decimal: [XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger],
    XSD.integer: [XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger],
    XSD.string: [XSD.string],
}


def _local(term: URIRef) -> str:
    return str(term).split("#")[-1]


def derived_shapes(ontology: Graph) -> Graph:
    """Node shapes for the domain and range of every property in our namespace."""
    g = Graph()
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)) |
                       set(ontology.subjects(RDF.type, OWL.DatatypeProperty))):
        if not str(prop).startswith(str(DSR)):
            continue
        name = _local(prop)
        is_object = (prop, RDF.type, OWL.ObjectProperty) in ontology
        shape = URIRef(f"{SHAPES_NS}property-{name}")
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetSubjectsOf, prop))
        g.add((shape, RDFS.label, Literal(f"Use of dsr:{name}", lang="en")))
        ps = URIRef(f"{SHAPES_NS}property-{name}-value")
        g.add((shape, SH.property, ps))
        g.add((ps, SH.path, prop))
        rng = ontology.value(prop, RDFS.range)
        if is_object:
            g.add((ps, SH.nodeKind, SH.IRI))
            if rng in classes:
                g.add((ps, SH["class"], rng))
                msg = (f"The value of dsr:{name} must be an IRI typed as {_qname(rng)} (or a sub-class): "
                       f"type the linked node in its entity file, or use another property.")
            else:
                msg = f"The value of dsr:{name} must be an IRI, not a literal."
        else:
            g.add((ps, SH.nodeKind, SH.Literal))
            msg = f"The value of dsr:{name} must be a literal."
            if rng is not None:
                family = _DATATYPE_FAMILY.get(rng, [rng])
                if len(family) == 1:
                    g.add((ps, SH.datatype, rng))
                else:
                    items = []
                    for i, dt in enumerate(family):
                        b = BNode(f"derived{name}{i}")
                        g.add((b, SH.datatype, dt))
                        items.append(b)
                    # Named list cells (rdflib's Collection would mint random blank
                    # nodes, and the published shapes graph must be reproducible).
                    cells = [BNode(f"derived{name}list{i}" if i else f"derived{name}list")
                             for i in range(len(items))]
                    for i, (cell, item) in enumerate(zip(cells, items)):
                        g.add((cell, RDF.first, item))
                        g.add((cell, RDF.rest, cells[i + 1] if i + 1 < len(cells) else RDF.nil))
                    g.add((ps, SH["or"], cells[0]))
                msg = f"The value of dsr:{name} must be a literal of type {_qname(rng)}, e.g. \"...\"^^{_qname(rng)}."
        g.add((ps, SH.message, Literal(msg, lang="en")))
        dom = ontology.value(prop, RDFS.domain)
        if dom in classes:
            ds = URIRef(f"{SHAPES_NS}domain-{name}")
            g.add((ds, RDF.type, SH.NodeShape))
            g.add((ds, SH.targetSubjectsOf, prop))
            g.add((ds, SH["class"], dom))
            g.add((ds, SH.message, Literal(
                f"Only a {_qname(dom)} may have dsr:{name}: type the subject accordingly or pick "
                f"the property meant for this kind of thing.", lang="en")))
    return g


def _qname(term) -> str:
    s = str(term)
    for prefix, ns in (("dsr", str(DSR)), ("xsd", str(XSD)), ("schema", "https://schema.org/")):
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"
