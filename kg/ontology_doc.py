"""Documentation of the ontology and the shapes, generated from the graphs themselves.

The ontology IRI serves a page with every class, property and concept (anchored by
its local name, so ``ontology#Country`` lands on its section) and each term has a
page of its own: a class lists its instances, a property its uses and the claims that
state it, a concept where it is used. The shapes document lists every SHACL shape with
its targets, constraints and messages. All of it is read from ``graph/ontology`` and
``graph/shapes`` (plus counts from the data), so it can never drift from what is served.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .describe import Description, DescriptionGraph, Graphs, cached, load_claims, ClaimInfo
from .lookup import Labels, construct, from_rdflib, named, select
from .namespaces import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN, prefixes as known_prefixes

CHARACTERISTICS = {
    OWL.TransitiveProperty: "transitive", OWL.SymmetricProperty: "symmetric",
    OWL.FunctionalProperty: "functional", OWL.InverseFunctionalProperty: "inverse functional",
    OWL.AsymmetricProperty: "asymmetric", OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
SECTIONS = (("classes", "Classes"), ("object_properties", "Object properties"),
            ("datatype_properties", "Datatype properties"),
            ("annotation_properties", "Annotation properties"), ("schemes", "Concept schemes"),
            ("individuals", "Concepts and individuals"))


def graph_content(backend, graph_iri: str) -> Graph:
    """A named graph as an rdflib Graph (cached per dataset version)."""
    def compute() -> Graph:
        g = Graph()
        for name, ns in known_prefixes(backend.settings.base).items():
            g.bind(name, ns, override=True, replace=True)
        g.bind("sh", str(SH))
        g.bind("vann", str(VANN))
        from .lookup import to_rdflib
        for t in construct(backend, "graph-content", graph=named(graph_iri)):
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g
    return cached(backend, ("graph-content", graph_iri), compute, size=512)


def ontology_graph(backend) -> Graph:
    return graph_content(backend, backend.settings.graph_iri("ontology"))


def shapes_graph(backend) -> Graph:
    return graph_content(backend, backend.settings.graph_iri("shapes"))


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------

@dataclass
class TermDoc:
    iri: str
    local: str
    label: str
    kinds: list[str] = field(default_factory=list)
    definition: str = ""
    comments: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)       # super-classes / super-properties
    children: list[str] = field(default_factory=list)
    disjoint: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    single_valued: bool = False
    schemes: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)       # concepts of a scheme
    see_also: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    asserted: int = 0      # instances by assertion, or triples using a property
    inferred: int = 0      # instances only by inference
    claims: int = 0        # claims stating a property
    section: str = ""


@dataclass
class OntologyDoc:
    iri: str
    title: str = ""
    description: str = ""
    metadata: list[tuple[str, list[Node]]] = field(default_factory=list)
    version: str = ""
    version_iri: str = ""
    prefix: str = ""
    namespace: str = ""
    terms: dict[str, TermDoc] = field(default_factory=dict)
    sections: list[tuple[str, str, list[TermDoc]]] = field(default_factory=list)
    labels: Labels | None = None

    def term(self, iri: str) -> TermDoc | None:
        return self.terms.get(iri)


def _text(g: Graph, s: Node, *preds) -> str:
    for p in preds:
        values = sorted(g.objects(s, p), key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
        if values:
            return str(values[0])
    return ""


def _iris(nodes) -> list[str]:
    return sorted({str(n) for n in nodes if isinstance(n, URIRef)})


def _class_expressions(g: Graph, nodes) -> list[str]:
    """IRIs of named classes, expanding owl:unionOf lists of a blank class."""
    out: set[str] = set()
    for n in nodes:
        if isinstance(n, URIRef):
            out.add(str(n))
        elif isinstance(n, BNode):
            for lst in g.objects(n, OWL.unionOf):
                out.update(str(m) for m in Collection(g, lst) if isinstance(m, URIRef))
    return sorted(out)


def ontology_doc(backend) -> OntologyDoc:
    return cached(backend, ("ontology-doc",), lambda: _ontology_doc(backend))


def _ontology_doc(backend) -> OntologyDoc:
    g = ontology_graph(backend)
    shapes = shapes_graph(backend)
    base = backend.settings.base
    ns = known_prefixes(base)["dsr"]
    onto_iri = base + "ontology"
    doc = OntologyDoc(onto_iri, namespace=ns)
    o = URIRef(onto_iri)
    doc.title = _text(g, o, DCTERMS.title, RDFS.label) or "Ontology"
    doc.description = _text(g, o, DCTERMS.description, RDFS.comment, SKOS.definition)
    doc.version = _text(g, o, OWL.versionInfo)
    doc.version_iri = str(g.value(o, OWL.versionIRI) or "")
    doc.prefix = _text(g, o, VANN.preferredNamespacePrefix) or "dsr"
    shown = {DCTERMS.title, DCTERMS.description, RDF.type, RDFS.label}
    meta: dict[str, list[Node]] = defaultdict(list)
    for p, v in sorted(g.predicate_objects(o)):
        if p not in shown:
            meta[str(p)].append(v)
    doc.metadata = sorted(meta.items())

    counts = _counts(backend)
    shape_index = _shapes_by_term(shapes)
    subjects = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(ns) and str(s) != ns}
    for s in sorted(subjects, key=str):
        doc.terms[str(s)] = _term(g, s, ns, counts, shape_index)
    for t in doc.terms.values():
        for parent in t.parents:
            if parent in doc.terms:
                doc.terms[parent].children.append(t.iri)
        for scheme in t.schemes:
            if scheme in doc.terms:
                doc.terms[scheme].members.append(t.iri)
    grouped: dict[str, list[TermDoc]] = defaultdict(list)
    for t in doc.terms.values():
        t.children.sort()
        t.members.sort()
        grouped[t.section].append(t)
    doc.sections = [(key, title, sorted(grouped[key], key=lambda t: t.local.lower()))
                    for key, title in SECTIONS if grouped.get(key)]
    labels = Labels(backend.prefixes)
    wanted = set(doc.terms)
    for t in doc.terms.values():
        for attr in ("parents", "children", "disjoint", "equivalent", "domain", "range", "inverse", "schemes",
                     "kinds", "members"):
            wanted.update(getattr(t, attr))
    for iri in wanted:
        for p in (SKOS.prefLabel, RDFS.label):
            for v in g.objects(URIRef(iri), p):
                if isinstance(v, Literal):
                    labels.add(iri, str(p), ox.Literal(str(v), language=v.language) if v.language
                               else ox.Literal(str(v)))
    doc.labels = labels
    return doc


def _term(g: Graph, s: URIRef, ns: str, counts: dict, shape_index: dict) -> TermDoc:
    iri = str(s)
    kinds = _iris(g.objects(s, RDF.type))
    t = TermDoc(iri, iri[len(ns):], _text(g, s, SKOS.prefLabel, RDFS.label) or iri[len(ns):], kinds=kinds)
    t.definition = _text(g, s, SKOS.definition, RDFS.comment)
    t.comments = sorted(str(c) for c in g.objects(s, RDFS.comment) if str(c) != t.definition)
    is_class = str(OWL.Class) in kinds or str(RDFS.Class) in kinds
    is_property = any(k in kinds for k in (str(OWL.ObjectProperty), str(OWL.DatatypeProperty),
                                           str(OWL.AnnotationProperty), str(RDF.Property)))
    if is_class:
        t.section = "classes"
        t.parents = _class_expressions(g, g.objects(s, RDFS.subClassOf))
        t.equivalent = _class_expressions(g, g.objects(s, OWL.equivalentClass))
        disjoint = set(_class_expressions(g, g.objects(s, OWL.disjointWith)))
        disjoint |= {str(x) for x in g.subjects(OWL.disjointWith, s) if isinstance(x, URIRef)}
        for group in g.subjects(RDF.type, OWL.AllDisjointClasses):
            for lst in g.objects(group, OWL.members):
                members = [m for m in Collection(g, lst)]
                if s in members:
                    disjoint |= {str(m) for m in members if m != s and isinstance(m, URIRef)}
        t.disjoint = sorted(disjoint)
        t.asserted, t.inferred = counts["classes"].get(iri, (0, 0))
    elif is_property:
        t.section = ("object_properties" if str(OWL.ObjectProperty) in kinds else
                     "datatype_properties" if str(OWL.DatatypeProperty) in kinds else "annotation_properties")
        t.parents = _iris(g.objects(s, RDFS.subPropertyOf))
        t.domain = _class_expressions(g, g.objects(s, RDFS.domain))
        t.range = _class_expressions(g, g.objects(s, RDFS.range))
        t.inverse = sorted(set(_iris(g.objects(s, OWL.inverseOf))) | set(_iris(g.subjects(OWL.inverseOf, s))))
        t.characteristics = sorted(CHARACTERISTICS[URIRef(k)] for k in kinds if URIRef(k) in CHARACTERISTICS)
        t.single_valued = any(bool(v) and str(v).lower() == "true" for v in g.objects(s, URIRef(ns + "singleValued")))
        t.asserted = counts["properties"].get(iri, 0)
        t.claims = counts["claims"].get(iri, 0)
    elif str(SKOS.ConceptScheme) in kinds:
        t.section = "schemes"
    else:
        t.section = "individuals"
        t.schemes = _iris(g.objects(s, SKOS.inScheme))
        t.asserted = counts["values"].get(iri, 0)
    t.see_also = _iris(g.objects(s, RDFS.seeAlso))
    t.shapes = sorted(shape_index.get(iri, ()))
    return t


def _counts(backend) -> dict:
    graphs = Graphs(backend)
    classes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in select(backend, "class-counts", **graphs.terms()):
        classes[r["class"].value][1 if r["inferred"].value == "true" else 0] += int(r["n"].value)
    properties = {r["property"].value: int(r["n"].value)
                  for r in select(backend, "property-counts", **graphs.terms())}
    claims = {r["property"].value: int(r["n"].value) for r in select(backend, "property-claim-counts")}
    values = {r["term"].value: int(r["n"].value) for r in select(backend, "value-counts", **graphs.terms())}
    return {"classes": {k: tuple(v) for k, v in classes.items()}, "properties": properties,
            "claims": claims, "values": values}


def _shapes_by_term(shapes: Graph) -> dict[str, set[str]]:
    """Ontology term IRI -> IRIs of the node shapes that target it or constrain it."""
    index: dict[str, set[str]] = defaultdict(set)
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None)):
        if not isinstance(shape, URIRef):
            continue
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH["class"]):
            for o in shapes.objects(shape, p):
                index[str(o)].add(str(shape))
        for prop in shapes.objects(shape, SH.property):
            for path in shapes.objects(prop, SH.path):
                if isinstance(path, URIRef):
                    index[str(path)].add(str(shape))
    return index


# ---------------------------------------------------------------------------
# Term pages
# ---------------------------------------------------------------------------

@dataclass
class TermDescription(Description):
    term: TermDoc | None = None
    instances: list[tuple[str, bool]] = field(default_factory=list)      # (IRI, inferred only)
    uses: list[tuple[Node, Node, str]] = field(default_factory=list)      # (subject, object, graph)
    used_as_value: list[tuple[Node, str, str]] = field(default_factory=list)  # (subject, predicate, graph)
    claims: list[ClaimInfo] = field(default_factory=list)
    truncated: bool = False


LIMIT = 1000


def describe_term(backend, iri: str) -> TermDescription:
    return cached(backend, ("term", iri), lambda: _describe_term(backend, iri))


def _describe_term(backend, iri: str) -> TermDescription:
    graphs = Graphs(backend)
    doc = ontology_doc(backend)
    onto = ontology_graph(backend)
    term = doc.term(iri)
    sink = DescriptionGraph(graphs.base, graphs.inferred)
    me = named(iri)
    for t in onto.cbd(URIRef(iri)):
        sink.add(*(from_rdflib(x) for x in t))
    labels = Labels(backend.prefixes)
    d = TermDescription(iri, "term", sink, labels, term=term)
    mentioned = {iri}
    if term and term.section == "classes":
        rows = select(backend, "class-instances", **{"class": me})
        asserted = {r["x"].value for r in rows if r["g"].value != graphs.inferred and isinstance(r["x"], ox.NamedNode)}
        for r in rows:
            if not isinstance(r["x"], ox.NamedNode) or r["g"].value in (graphs.ontology, graphs.shapes):
                continue
            x = r["x"].value
            if x in asserted:
                sink.add(r["x"], named(str(RDF.type)), me)
            elif r["g"].value == graphs.inferred:
                sink.add_inferred(r["x"], named(str(RDF.type)), me)
        everything = sorted({r["x"].value for r in rows if isinstance(r["x"], ox.NamedNode)
                             and r["g"].value not in (graphs.ontology, graphs.shapes)})
        d.instances = [(x, x not in asserted) for x in everything]
        mentioned |= set(everything)
    elif term and term.section.endswith("properties"):
        rows = select(backend, "property-usage", property=me, **_data_graphs(graphs))
        d.truncated = len(rows) > LIMIT
        for r in rows[:LIMIT]:
            if r["g"].value == graphs.inferred:
                sink.add_inferred(r["s"], me, r["o"])
            else:
                sink.add(r["s"], me, r["o"])
            d.uses.append((r["s"], r["o"], r["g"].value))
            mentioned |= {t.value for t in (r["s"], r["o"]) if isinstance(t, ox.NamedNode)}
        claim_rows = select(backend, "property-claims", property=me)
        d.truncated |= len(claim_rows) > LIMIT
        claims = load_claims(backend, [r["claim"].value for r in claim_rows[:LIMIT]], sink)
        d.claims = sorted(claims.values(), key=lambda c: c.iri)
        for c in d.claims:
            mentioned |= {t.value for t in (c.subject, c.object) if isinstance(t, ox.NamedNode)}
            mentioned |= {x for x in (c.report, c.stance, c.certainty) if x}
    else:
        rows = select(backend, "term-usage", term=me, **_data_graphs(graphs))
        d.truncated = len(rows) > LIMIT
        for r in rows[:LIMIT]:
            if r["g"].value == graphs.inferred:
                sink.add_inferred(r["s"], r["p"], me)
            else:
                sink.add(r["s"], r["p"], me)
            d.used_as_value.append((r["s"], r["p"].value, r["g"].value))
            mentioned |= {t.value for t in (r["s"], r["p"]) if isinstance(t, ox.NamedNode)}
    labels.load(backend, mentioned | (set(term.parents + term.domain + term.range) if term else set()))
    sink.add_labels(labels, known_prefixes(graphs.base)["dsr"])
    return d


def _data_graphs(graphs: Graphs) -> dict:
    return {"ontologyGraph": named(graphs.ontology), "shapesGraph": named(graphs.shapes)}


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------

@dataclass
class Constraint:
    path: str                       # the property path, written in Turtle-like syntax
    rules: list[tuple[str, str]]    # (constraint name, value as text)
    message: str = ""
    severity: str = "Violation"
    iri: str = ""                   # set when the property shape has an IRI of its own

    @property
    def local(self) -> str:
        return self.iri.split("#", 1)[1] if "#" in self.iri else ""


@dataclass
class ShapeDoc:
    iri: str
    local: str
    label: str
    comment: str = ""
    targets: list[tuple[str, str]] = field(default_factory=list)   # (target kind, IRI)
    severity: str = "Violation"
    message: str = ""
    rules: list[tuple[str, str]] = field(default_factory=list)
    properties: list[Constraint] = field(default_factory=list)
    sparql: list[tuple[str, str]] = field(default_factory=list)    # (message, query)


@dataclass
class ShapesDoc:
    iri: str
    title: str
    shapes: list[ShapeDoc]


def shapes_doc(backend) -> ShapesDoc:
    return cached(backend, ("shapes-doc",), lambda: _shapes_doc(backend))


def _node_text(g: Graph, node: Node, short) -> str:
    """A node as Turtle-like text: CURIEs, literals, lists and nested blank nodes."""
    if isinstance(node, URIRef):
        return short(str(node))
    if isinstance(node, Literal):
        return repr(str(node)) if isinstance(node.value, str) or node.value is None else str(node)
    if (node, RDF.first, None) in g:
        return "( " + " ".join(_node_text(g, m, short) for m in Collection(g, node)) + " )"
    parts = [f"{short(str(p))} {_node_text(g, o, short)}" for p, o in sorted(g.predicate_objects(node))]
    return "[ " + " ; ".join(parts) + " ]"


def _shapes_doc(backend) -> ShapesDoc:
    g = shapes_graph(backend)
    base = backend.settings.base
    short = Labels(backend.prefixes | {"sh": str(SH), "dsrsh": base + "shapes#"}).short
    skip = {SH.path, SH.message, SH.severity, SH.property, SH.sparql, SH.targetClass, SH.targetNode,
            SH.targetSubjectsOf, SH.targetObjectsOf, RDF.type, RDFS.label, RDFS.comment, SH.name}
    nodes = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(base + "shapes#")
             and ((s, RDF.type, SH.NodeShape) in g or (s, SH.property, None) in g or (s, SH.targetClass, None) in g)}
    shapes = []
    for s in sorted(nodes, key=str):
        iri = str(s)
        sd = ShapeDoc(iri, iri.split("#", 1)[1], _text(g, s, RDFS.label) or iri.split("#", 1)[1],
                      comment=_text(g, s, RDFS.comment), message=_text(g, s, SH.message))
        sev = g.value(s, SH.severity)
        sd.severity = str(sev).rsplit("#", 1)[-1] if sev else "Violation"
        for kind in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            sd.targets += [(kind.split("#")[-1], str(o)) for o in sorted(g.objects(s, kind))]
        sd.rules = [(short(str(p)), _node_text(g, o, short)) for p, o in sorted(g.predicate_objects(s)) if p not in skip]
        for prop in g.objects(s, SH.property):
            path = g.value(prop, SH.path)
            rules = [(short(str(p)), _node_text(g, o, short)) for p, o in sorted(g.predicate_objects(prop)) if p not in skip]
            sev = g.value(prop, SH.severity)
            sd.properties.append(Constraint(_node_text(g, path, short) if path is not None else "", rules,
                                            _text(g, prop, SH.message),
                                            str(sev).rsplit("#", 1)[-1] if sev else sd.severity,
                                            str(prop) if isinstance(prop, URIRef) else ""))
        sd.properties.sort(key=lambda c: c.path)
        for sparql in g.objects(s, SH.sparql):
            sd.sparql.append((_text(g, sparql, SH.message), _text(g, sparql, SH.select, SH.ask)))
        shapes.append(sd)
    title = _text(g, URIRef(base + "shapes#"), RDFS.label) or "SHACL shapes"
    return ShapesDoc(base + "shapes", title, shapes)
