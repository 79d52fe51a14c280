"""RDF namespaces used across the project, in one place so no module hard-codes IRIs."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/dsr-balkans/"

DSR = Namespace(DEFAULT_BASE + "ontology#")
ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

__all__ = [
    "DEFAULT_BASE", "DSR", "ONTOLOGY_IRI", "OA", "SCHEMA", "ORG", "SH", "VANN", "WD",
    "VOID", "DCAT", "DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
]


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes we document and bind in every output, for a given base IRI."""
    return {
        "dsr": base + "ontology#",
        "id": base + "id/",
        "report": base + "report/",
        "claim": base + "claim/",
        "graph": base + "graph/",
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "prov": str(PROV),
        "foaf": str(FOAF),
        "org": str(ORG),
        "schema": str(SCHEMA),
        "oa": str(OA),
        "wd": str(WD),
    }
