"""Formats of a description and how a request picks one: ``Accept`` (content
negotiation), a file suffix (``/id/serbia.ttl``) or ``?format=``.

One table, ``FORMATS``, says everything: suffix, media type, the names ``?format=``
accepts and the rdflib serialiser. Every RDF answer comes from the same rdflib graph.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD
from werkzeug.datastructures import MIMEAccept

from kg.lookup import from_rdflib, to_rdflib

VOID_IN_DATASET = URIRef("http://rdfs.org/ns/void#inDataset")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
_RDF_TYPE = ox.NamedNode(str(RDF.type))


@dataclass(frozen=True)
class Format:
    suffix: str
    media_type: str
    names: tuple[str, ...]          # values ?format= accepts (besides the media type)
    rdflib: str | None              # serialiser name; None for HTML
    label: str

    @property
    def is_rdf(self) -> bool:
        return self.rdflib is not None


FORMATS: tuple[Format, ...] = (
    Format("html", "text/html", ("html", "htm"), None, "HTML"),
    Format("ttl", "text/turtle", ("ttl", "turtle"), "turtle", "Turtle"),
    Format("jsonld", "application/ld+json", ("jsonld", "json-ld", "json"), "json-ld", "JSON-LD"),
    Format("nt", "application/n-triples", ("nt", "ntriples", "n-triples"), "nt", "N-Triples"),
    Format("rdf", "application/rdf+xml", ("rdf", "xml", "rdfxml", "rdf-xml", "owl"), "pretty-xml", "RDF/XML"),
)
BY_SUFFIX = {f.suffix: f for f in FORMATS}
HTML = BY_SUFFIX["html"]
# Media types a client may ask for, in our order of preference on ties, and what they get.
ACCEPTED: dict[str, Format] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/turtle": BY_SUFFIX["ttl"],
    "application/x-turtle": BY_SUFFIX["ttl"],
    "application/ld+json": BY_SUFFIX["jsonld"],
    "application/json": BY_SUFFIX["jsonld"],
    "application/n-triples": BY_SUFFIX["nt"],
    "application/rdf+xml": BY_SUFFIX["rdf"],
}


class FormatError(ValueError):
    """A ``?format=`` value or suffix we do not serve (answered with 400)."""


def by_name(name: str) -> Format:
    """The format a ``?format=`` value names (a short name, suffix or media type)."""
    key = name.strip().lower().replace(" ", "+")   # an unescaped "+" in a query string arrives as " "
    for f in FORMATS:
        if key in f.names or key == f.suffix or key == f.media_type:
            return f
    if key in ACCEPTED:
        return ACCEPTED[key]
    raise FormatError(f"unknown format {name!r}; use one of: "
                      + ", ".join(f"{f.suffix} ({f.media_type})" for f in FORMATS))


def split_suffix(name: str) -> tuple[str, Format | None]:
    """``serbia.ttl`` -> (``serbia``, Turtle); a name without a known suffix is whole."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix in BY_SUFFIX:
        return stem, BY_SUFFIX[suffix]
    return name, None


def negotiate(accept: MIMEAccept, header_present: bool, html: bool = True) -> Format | None:
    """The best format for an Accept header; HTML when there is none; None if nothing
    we have is acceptable (answered with 406)."""
    offered = [m for m, f in ACCEPTED.items() if html or f.is_rdf]
    if not header_present:
        return HTML if html else BY_SUFFIX["ttl"]
    best = accept.best_match(offered)
    return ACCEPTED[best] if best else None


def document_metadata(document: str, topic: str, dataset: str, fmt: Format,
                      modified: str | None) -> list[ox.Triple]:
    """Triples saying what the served document is: its topic, format, licence, dataset."""
    doc = ox.NamedNode(document)
    out = [ox.Triple(doc, _RDF_TYPE, ox.NamedNode(str(FOAF.Document))),
           ox.Triple(doc, ox.NamedNode(str(FOAF.primaryTopic)), ox.NamedNode(topic)),
           ox.Triple(doc, ox.NamedNode(str(DCTERMS["format"])), ox.Literal(fmt.media_type)),
           ox.Triple(doc, ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(str(CC_BY))),
           ox.Triple(doc, ox.NamedNode(str(VOID_IN_DATASET)), ox.NamedNode(dataset))]
    if modified:
        out.append(ox.Triple(doc, ox.NamedNode(str(DCTERMS.modified)),
                             ox.Literal(modified, datatype=ox.NamedNode(str(XSD.dateTime)))))
    return out


_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "pretty-xml": ox.RdfFormat.RDF_XML}


def serialize(graph, fmt: Format, prefixes: dict[str, str], extra: list[ox.Triple] = (),
              context: dict | None = None, context_url: str | None = None) -> bytes:
    """``graph`` (pyoxigraph triples, e.g. a DescriptionGraph, or an rdflib Graph) plus
    ``extra`` triples in ``fmt``. Turtle, N-Triples and RDF/XML are written by Oxigraph;
    JSON-LD by rdflib, compacted with ``context`` and then referring to that same
    context by ``context_url`` (the document we serve at /context.jsonld)."""
    if fmt.rdflib == "json-ld":
        rgraph = _as_rdflib(graph, prefixes)
        for t in extra:
            rgraph.add(tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)))
        text = rgraph.serialize(format="json-ld", context=context or {}, auto_compact=True)
        data = json.loads(text)
        if context_url and isinstance(data, dict) and "@context" in data:
            data["@context"] = context_url
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    triples = _as_triples(graph) + list(extra)
    buf = io.BytesIO()
    if fmt.rdflib == "nt":
        ox.serialize(triples, buf, ox.RdfFormat.N_TRIPLES)
        lines = sorted(set(buf.getvalue().decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line.strip()) + "\n").encode("utf-8")
    ox.serialize(triples, buf, _OX_FORMATS[fmt.rdflib], prefixes=prefixes)
    return buf.getvalue()


def _as_triples(graph) -> list[ox.Triple]:
    if isinstance(graph, Graph):
        return [ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]
    return list(graph)


def _as_rdflib(graph, prefixes: dict[str, str]) -> Graph:
    if isinstance(graph, Graph):
        out = Graph()
        out += graph
    else:
        out = Graph()
        for t in graph:
            out.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    for name, ns in prefixes.items():
        out.bind(name, ns, override=True, replace=True)
    return out


def content_type(fmt: Format) -> str:
    if fmt.media_type.startswith("text/") or fmt.media_type == "application/rdf+xml":
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type
