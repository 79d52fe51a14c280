"""The JSON-LD context we serve at ``/context.jsonld``, generated from the ontology.

Every description in JSON-LD refers to this context by URL on our own server, never to
a remote one. It maps our prefixes, names every ``dsr:`` class and property by its
local name (``"memberOf"``, ``"Country"``), and types object properties as IRIs so
that values compact to ``"id:serbia"`` rather than ``{"@id": ...}``. Names that would
clash (a prefix, a JSON-LD keyword, the same local name twice) are left out, which
only means those terms stay prefixed.
"""

from __future__ import annotations

from rdflib import URIRef

from .describe import cached
from .namespaces import DCTERMS, OWL, RDF, RDFS, SKOS, prefixes as known_prefixes
from .ontology_doc import ontology_graph

EXTRA_PREFIXES = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
}

# Common terms of other vocabularies, by the names people expect.
COMMON_TERMS = {
    "prefLabel": {"@id": str(SKOS.prefLabel)},
    "altLabel": {"@id": str(SKOS.altLabel)},
    "exactMatch": {"@id": str(SKOS.exactMatch), "@type": "@id"},
    "sameAs": {"@id": str(OWL.sameAs), "@type": "@id"},
    "label": {"@id": str(RDFS.label)},
    "title": {"@id": str(DCTERMS.title)},
    "creator": {"@id": str(DCTERMS.creator), "@type": "@id"},
    "publisher": {"@id": str(DCTERMS.publisher), "@type": "@id"},
    "issued": {"@id": str(DCTERMS.issued)},
    "subject": {"@id": str(RDF.subject), "@type": "@id"},
    "predicate": {"@id": str(RDF.predicate), "@type": "@id"},
    "object": {"@id": str(RDF.object)},
}


def build_context(backend) -> dict:
    """The context document (a dict with one "@context" key), cached per dataset version."""
    return cached(backend, ("jsonld-context",), lambda: _build(backend))


def _build(backend) -> dict:
    return context_from_ontology(backend.settings.base, ontology_graph(backend))


def context_from_ontology(base: str, onto) -> dict:
    """The context document for an ontology graph (also used to read uploads that cite
    our context by URL without fetching it)."""
    names = dict(known_prefixes(base)) | EXTRA_PREFIXES
    ctx: dict = dict(sorted(names.items()))
    ns = names["dsr"]
    terms: dict[str, dict | str] = {}
    seen: dict[str, int] = {}
    for s in sorted({s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}, key=str):
        local = str(s)[len(ns):]
        if not local or not local.replace("_", "a").isalnum():
            continue
        seen[local] = seen.get(local, 0) + 1
        types = set(onto.objects(s, RDF.type))
        if OWL.ObjectProperty in types:
            terms[local] = {"@id": f"dsr:{local}", "@type": "@id"}
        elif types & {OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}:
            terms[local] = {"@id": f"dsr:{local}"}
        elif types & {OWL.Class, RDFS.Class}:
            terms[local] = f"dsr:{local}"
    for local, n in seen.items():
        if n == 1 and local in terms and local not in ctx:
            ctx[local] = terms[local]
    for name, definition in COMMON_TERMS.items():
        if name not in ctx:
            ctx[name] = definition
    return {"@context": ctx}
