"""The dataset's description in VoID and DCAT (``/.well-known/void``, ``/dataset``).

One graph answers both vocabularies: the dataset ``{base}dataset`` is a
``void:Dataset`` and a ``dcat:Dataset`` with size (triples, entities, classes,
properties), licence, the five source reports, the SPARQL endpoint, the vocabulary,
every named graph as a ``void:subset``, one class partition per class, and one
``dcat:Distribution`` per dump with byte size and SHA-256 (``spdx:checksum``).
Version and build date come from ``build-info.json`` and ``stats.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from .describe import Graphs, cached
from .dumps import dump_files
from .lookup import select
from .namespaces import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD, prefixes as known_prefixes

SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
ENGLISH = URIRef("http://id.loc.gov/vocabulary/iso639-1/en")
IANA = "https://www.iana.org/assignments/media-types/"
TITLE = "Digital Silk Road in the Western Balkans knowledge graph"
DESCRIPTION = ("An open knowledge graph of China's Digital Silk Road in the Western Balkans: actors, "
               "infrastructure, agreements and events, curated from five policy reports. Every fact "
               "cites the report, section and verbatim quote it comes from; disagreements between "
               "reports are kept and findable; OWL-RL inferences live in their own named graph.")
KEYWORDS = ("Digital Silk Road", "Belt and Road Initiative", "Western Balkans", "China", "5G",
            "surveillance", "telecommunications", "data centres", "Huawei")


@dataclass
class BuildInfo:
    version: str
    fingerprint: str
    built: str | None           # xsd:dateTime of the build (when build-info.json was written)
    graphs: dict[str, int]
    triples: int
    entities: int
    claims: int


def build_info(settings) -> BuildInfo:
    info_path = settings.dist / "build-info.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    stats_path = settings.dist / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    built = None
    if info_path.exists():
        built = datetime.fromtimestamp(info_path.stat().st_mtime, timezone.utc).replace(microsecond=0).isoformat()
    graphs = info.get("graphs") or stats.get("graphs") or {}
    return BuildInfo(info.get("version", ""), info.get("fingerprint", ""), built, graphs,
                     stats.get("triples", sum(graphs.values())), stats.get("entities", 0), stats.get("claims", 0))


def version_string(info: BuildInfo) -> str:
    return f"{info.version}+{info.fingerprint[:12]}" if info.fingerprint else info.version


def dataset_description(backend) -> Graph:
    """The VoID/DCAT graph (cached per dataset version)."""
    return cached(backend, ("void",), lambda: _describe(backend))


def dataset_iri(base: str) -> str:
    return base + "dataset"


def _describe(backend) -> Graph:
    settings = backend.settings
    base = settings.base
    graphs = Graphs(backend)
    info = build_info(settings)
    g = Graph()
    for name, ns in known_prefixes(base).items():
        g.bind(name, ns, override=True, replace=True)
    for name, ns in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), ("sd", SD)):
        g.bind(name, ns)
    ds = URIRef(dataset_iri(base))
    sparql = URIRef(base + "sparql")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.license, CC_BY))
    g.add((ds, DCTERMS.language, ENGLISH))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    for word in KEYWORDS:
        g.add((ds, DCAT.keyword, Literal(word, lang="en")))
    if info.version:
        g.add((ds, DCAT.version, Literal(version_string(info))))
        g.add((ds, OWL.versionInfo, Literal(version_string(info))))
    if info.built:
        g.add((ds, DCTERMS.modified, Literal(info.built, datatype=XSD.dateTime)))
    g.add((ds, VOID.sparqlEndpoint, sparql))
    g.add((ds, VOID.uriSpace, Literal(base + "id/")))
    g.add((ds, VOID.vocabulary, URIRef(base + "ontology")))
    for example in ("id/serbia", "id/huawei", "report/surveying-dsr-western-balkans"):
        g.add((ds, VOID.exampleResource, URIRef(base + example)))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Triples")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/RDF_XML")))
    g.add((ds, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(info.entities, datatype=XSD.integer)))

    # Sources: the reports.
    for row in select(backend, "claims-per-report"):
        report = URIRef(row["report"].value)
        g.add((ds, DCTERMS.source, report))
        g.add((report, RDF.type, URIRef(known_prefixes(base)["dsr"] + "Report")))
        if row["label"] is not None:
            g.add((report, RDFS.label, Literal(row["label"].value, lang=row["label"].language or None)))

    # Named graphs as subsets.
    for iri, n in sorted(info.graphs.items()):
        sub = URIRef(iri)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, RDF.type, SD.NamedGraph))
        g.add((sub, SD.name, sub))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
        g.add((sub, DCTERMS.title, Literal(_graph_title(iri, graphs), lang="en")))

    # Class partitions and property counts.
    counts: dict[str, int] = {}
    for r in select(backend, "class-counts", **graphs.terms()):
        counts[r["class"].value] = counts.get(r["class"].value, 0) + int(r["n"].value)
    g.add((ds, VOID.classes, Literal(len(counts), datatype=XSD.integer)))
    for cls, n in sorted(counts.items()):
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    properties = select(backend, "property-counts", **graphs.terms())
    g.add((ds, VOID.properties, Literal(len(properties), datatype=XSD.integer)))

    # Distributions: the dumps and the SPARQL service.
    for f in dump_files(settings.dist):
        dist = URIRef(f"{base}dumps/{f.name}")
        g.add((ds, VOID.dataDump, dist))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{f.format.label} dump", lang="en")))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.accessURL, URIRef(base + "dumps/")))
        g.add((dist, DCAT.mediaType, URIRef(IANA + f.format.media_type)))
        g.add((dist, DCAT.byteSize, Literal(f.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, CC_BY))
        g.add((dist, DCTERMS.modified, Literal(f.modified, datatype=XSD.dateTime)))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary)))
    service = URIRef(base + "sparql")
    endpoint_dist = URIRef(base + "dataset#sparql")
    g.add((ds, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((endpoint_dist, DCAT.accessURL, service))
    g.add((endpoint_dist, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, RDF.type, SD.Service))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, SD.endpoint, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g


def _graph_title(iri: str, graphs: Graphs) -> str:
    fixed = {graphs.entities: "Entity descriptions (types, labels, aliases, Wikidata links)",
             graphs.ontology: "The ontology", graphs.shapes: "SHACL shapes",
             graphs.inferred: "OWL 2 RL inferences"}
    if iri in fixed:
        return fixed[iri]
    return f"Claims and facts of report {iri.rsplit('/', 1)[-1]}"
