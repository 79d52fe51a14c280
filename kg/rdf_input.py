"""Reading RDF that comes from outside (a curator's file, an HTTP body) safely.

Untrusted input is parsed by Oxigraph, which never touches the network or the file
system (no remote JSON-LD contexts, no XML external entities) and reports syntax errors
with line and column. Before parsing we refuse, with a specific message, what would be
unsafe or unusable anyway: bytes that are not UTF-8, bodies over the size limit, XML
DOCTYPE/ENTITY declarations, JSON nested deeper than a sane document, remote contexts.
The result is converted to rdflib terms, the way the build's own parser produces them.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .errors import Location, SyntaxProblem
from .loading import _canonical_decimal
from .namespaces import DEFAULT_BASE


@dataclass(frozen=True)
class RdfSyntax:
    """One accepted serialisation: its name, media type, file extensions, Oxigraph format."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    format: ox.RdfFormat
    quads: bool = False


SYNTAXES = (
    RdfSyntax("Turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE),
    RdfSyntax("TriG", "application/trig", (".trig",), ox.RdfFormat.TRIG, quads=True),
    RdfSyntax("N-Triples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES),
    RdfSyntax("N-Quads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS, quads=True),
    RdfSyntax("JSON-LD", "application/ld+json", (".jsonld", ".json"), ox.RdfFormat.JSON_LD),
    RdfSyntax("RDF/XML", "application/rdf+xml", (".rdf", ".owl", ".xml"), ox.RdfFormat.RDF_XML),
)
MEDIA_TYPE_ALIASES = {"application/x-turtle": "text/turtle", "text/n3": "text/turtle",
                      "text/plain": "application/n-triples", "application/json": "application/ld+json",
                      "application/xml": "application/rdf+xml", "text/xml": "application/rdf+xml",
                      "application/x-trig": "application/trig"}
BY_MEDIA_TYPE = {s.media_type: s for s in SYNTAXES}
BY_EXTENSION = {ext: s for s in SYNTAXES for ext in s.extensions}

MAX_JSON_DEPTH = 64
# rdflib logs a traceback for every ill-typed literal it builds; kg.conventions reports them.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


class UnsupportedFormat(ValueError):
    """Neither the media type nor the file name says which RDF syntax this is."""


def syntax_for(media_type: str | None = None, filename: str | None = None) -> RdfSyntax:
    """The syntax named by a media type (parameters ignored) or else a file extension."""
    if media_type:
        key = media_type.split(";")[0].strip().lower()
        key = MEDIA_TYPE_ALIASES.get(key, key)
        if key in BY_MEDIA_TYPE:
            return BY_MEDIA_TYPE[key]
        if key not in ("", "application/octet-stream", "multipart/form-data",
                       "application/x-www-form-urlencoded"):
            raise UnsupportedFormat(f"unsupported media type {key!r}: send one of "
                                    + ", ".join(f"{s.media_type} ({s.name})" for s in SYNTAXES))
    if filename:
        suffix = Path(filename).suffix.lower()
        if suffix in BY_EXTENSION:
            return BY_EXTENSION[suffix]
        raise UnsupportedFormat(f"{filename}: unknown RDF file extension {suffix or '(none)'!r}; use one of "
                                + ", ".join(sorted(BY_EXTENSION)))
    raise UnsupportedFormat("say which RDF syntax the data is in (a Content-Type such as text/turtle)")


def parse_untrusted(data: bytes, syntax: RdfSyntax, *, source: str = "<input>",
                    base: str = DEFAULT_BASE, max_bytes: int | None = None,
                    contexts: dict[str, dict] | None = None) -> Graph:
    """Parse bytes from outside into an rdflib Graph (graph names of quad formats are
    dropped: the caller decides where the triples go). Raises SyntaxProblem naming
    ``source``, line and column. ``contexts`` maps the JSON-LD context URLs we know
    (our own) to their documents, used instead of fetching."""
    if max_bytes is not None and len(data) > max_bytes:
        raise SyntaxProblem(Location(source), f"the data is {len(data):,} bytes, over the limit of "
                            f"{max_bytes:,} bytes; split it into smaller parts")
    text = _utf8(data, source)
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    if syntax.format == ox.RdfFormat.RDF_XML and _DOCTYPE.search(data):
        line = text[:_DOCTYPE.search(data).start()].count("\n") + 1
        raise SyntaxProblem(Location(source, line), "XML DOCTYPE and ENTITY declarations are not accepted "
                            "(external entities could read files or the network); remove the DOCTYPE and "
                            "write the values out")
    if syntax.format == ox.RdfFormat.JSON_LD:
        text = _check_json(text, source, base, contexts or {})
    try:
        quads = list(ox.parse(text.encode("utf-8"), format=syntax.format, base_iri=base))
    except SyntaxError as exc:
        raise SyntaxProblem(Location(source, exc.lineno, (exc.offset or 0) or None),
                            _oxigraph_message(str(exc))) from None
    if not quads and syntax.format == ox.RdfFormat.JSON_LD and text.strip() not in ("", "{}", "[]"):
        raise SyntaxProblem(Location(source), "the JSON-LD document yields no triples: keys that no @context "
                            "defines are dropped silently; add a @context (e.g. our own, "
                            f"{base}context.jsonld) or use full IRIs as keys")
    graph = Graph()
    labels: dict[str, BNode] = {}
    stem = re.sub(r"[^A-Za-z0-9]", "", Path(source).stem) or "input"
    for q in quads:
        graph.add((_term(q.subject, labels, stem), _term(q.predicate, labels, stem),
                   _canonical_decimal(_term(q.object, labels, stem))))
    return graph


def _utf8(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SyntaxProblem(Location(source, line, column),
                            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                            "save the file as UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def _check_json(text: str, source: str, base: str, contexts: dict[str, dict]) -> str:
    """Refuse JSON-LD that is too deeply nested or needs a remote document; our own
    served context is inlined instead of fetched."""
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise SyntaxProblem(Location(source, line), f"JSON nested deeper than {MAX_JSON_DEPTH} levels; "
                                    "no RDF description needs that: flatten the document")
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            line += 1
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise SyntaxProblem(Location(source, getattr(exc, "lineno", None), getattr(exc, "colno", None)),
                            f"not JSON: {getattr(exc, 'msg', exc)}") from None
    own = f"{base}context.jsonld"
    changed = False

    def visit(node):
        nonlocal changed
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key == "@context":
                    node[key] = _context(value, own, contexts, source)
                    changed = changed or node[key] is not value
                elif key == "@import":
                    raise SyntaxProblem(Location(source), f"@import of {value!r} is not fetched; inline "
                                        "the imported context")
                elif key in ("@id", "@type", "@vocab", "@base") and isinstance(value, str) \
                        and re.search(r"[\s<>\"{}|\\^`]", value):
                    raise SyntaxProblem(Location(source, _line_of(text, value)),
                                        f"{key} {value!r} is not a valid IRI (it contains spaces or characters "
                                        "IRIs may not hold); JSON-LD processors drop such nodes silently")
                visit(node[key])
        elif isinstance(node, list):
            for item in node:
                visit(item)
    visit(doc)
    return json.dumps(doc) if changed else text


def _line_of(text: str, value: str) -> int | None:
    at = text.find(json.dumps(value)[1:-1])
    return text[:at].count("\n") + 1 if at >= 0 else None


def _context(value, own: str, contexts: dict[str, dict], source: str):
    if isinstance(value, list):
        return [_context(v, own, contexts, source) for v in value]
    if isinstance(value, str):
        if value in contexts:
            return contexts[value]["@context"]
        raise SyntaxProblem(Location(source), f"remote JSON-LD context {value!r} is not fetched (it could "
                            f"point anywhere); inline the context object, or use our own context {own}")
    return value


def _term(term, labels: dict[str, BNode], stem: str):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        if term.value not in labels:
            labels[term.value] = BNode(f"{stem}{len(labels)}")
        return labels[term.value]
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise SyntaxProblem(Location("<input>"), f"RDF-star triple terms are not supported ({term})")


def _oxigraph_message(message: str) -> str:
    message = re.sub(r"^Parser error (at|between) [^:]*: ", "", message)
    return re.sub(r" \(line \d+\)$", "", message)
