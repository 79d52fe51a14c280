"""The result formats the endpoint speaks: media types, short names and the pyoxigraph
format behind each. Shared by the query processes (``kg.executor``), the external-store
backend and the HTTP layer's content negotiation, so all agree on one table.

Imports only pyoxigraph: the query processes load it and must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class ResultFormat:
    key: str                 # short name, as in ?format=
    media_type: str          # what the response's Content-Type says
    kind: str                # "solutions" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)
    aliases: tuple[str, ...] = ()   # other media types and names that select it

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return self.media_type + ("; charset=utf-8" if textual else "")

    @property
    def oxigraph(self):
        return _OXIGRAPH[self.key]


SOLUTION_FORMATS = (
    ResultFormat("json", "application/sparql-results+json", "solutions", ("application/json", "srj")),
    ResultFormat("xml", "application/sparql-results+xml", "solutions", ("application/xml", "text/xml", "srx")),
    ResultFormat("csv", "text/csv", "solutions"),
    ResultFormat("tsv", "text/tab-separated-values", "solutions"),
)
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", "graph", ("application/x-turtle", "application/turtle", "ttl", "text/n3", "n3")),
    ResultFormat("ntriples", "application/n-triples", "graph", ("nt", "text/plain")),
    ResultFormat("jsonld", "application/ld+json", "graph", ("application/x-json+ld", "json-ld")),
    ResultFormat("rdfxml", "application/rdf+xml", "graph", ("rdf", "owl")),
    ResultFormat("trig", "application/trig", "graph", ("application/x-trig",)),
    ResultFormat("nquads", "application/n-quads", "graph", ("nq", "text/x-nquads")),
)
BY_KEY = {f.key: f for f in SOLUTION_FORMATS + GRAPH_FORMATS}

_OXIGRAPH = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}

# Formats that carry quads: CONSTRUCT results go into their default graph.
QUAD_FORMATS = frozenset({"trig", "nquads"})


def formats_for(form: str | None) -> tuple[ResultFormat, ...]:
    """The formats a query form can be answered in, the default first."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS


def by_name(name: str, form: str | None) -> ResultFormat | None:
    """The format a ``format=`` value names for this query form (key, alias or media type)."""
    name = name.strip().lower()
    for f in formats_for(form):
        if name in (f.key, f.media_type) or name in f.aliases:
            return f
    # "xml" and "json" also name the graph formats of the same family.
    if form in ("CONSTRUCT", "DESCRIBE"):
        return {"xml": BY_KEY["rdfxml"], "json": BY_KEY["jsonld"]}.get(name)
    return None
