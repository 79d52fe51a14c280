"""Read the curated inputs (ontology, shapes, triples) into rdflib graphs.

Each file is parsed on its own so that a syntax error names its file and line,
and so that any node can later be traced back to where it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from .config import Settings
from .errors import Location, SyntaxProblem
from .gc_pause import cyclic_gc_paused
from .namespaces import DEFAULT_BASE

FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld"}


@dataclass
class Inputs:
    """Everything the build reads, file by file."""

    ontology: Graph
    shapes: Graph
    triples: Graph
    files: list[Path] = field(default_factory=list)
    locator: "NodeLocator | None" = None


def input_files(settings: Settings) -> tuple[list[Path], list[Path], list[Path]]:
    """Ontology files, shape files and triples files, in a stable order."""
    onto, shapes = [], []
    for path in sorted(settings.ontology_dir.rglob("*.ttl")):
        (shapes if "shapes" in path.name else onto).append(path)
    triples = sorted(p for p in settings.triples_dir.rglob("*") if p.suffix in FORMATS)
    return onto, shapes, triples


def parse_file(path: Path, base: str = DEFAULT_BASE, into: Graph | None = None,
               data: str | None = None, fmt: str | None = None, terms: dict | None = None) -> Graph:
    """Parse one file, rewriting the default base IRI to ``base`` if they differ.

    Blank nodes are relabelled ``<file><n>`` in a deterministic order, so the same file
    always yields the same labels (reproducible builds without an expensive
    canonicalisation). Turtle, N-Triples, TriG and N-Quads are parsed by Oxigraph (several
    times faster than rdflib's parser) into the terms rdflib's parser would give; JSON-LD,
    and the rare file whose literals Oxigraph cannot give back exactly, by rdflib. Quad formats yield
    the triples of all their graphs (the graph a file's triples go to is decided by
    where the file is, not by what it says)."""
    graph = into if into is not None else Graph()
    text = data if data is not None else path.read_text(encoding="utf-8")
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    fmt = fmt or FORMATS.get(path.suffix, "turtle")
    stem = re.sub(r"[^A-Za-z0-9]", "", path.stem) or "b"
    # One object per distinct term (shared across the files of a load): less memory,
    # and dict and set look-ups later in the build find terms by identity.
    terms = terms if terms is not None else {}
    languages = _language_spellings(text) if fmt in _OXIGRAPH_FORMATS else None
    if languages is not None and not _EXPLICIT_STRING.search(text):
        found = _parse_with_oxigraph(text, fmt, base, path, _TermMap(stem, terms, languages))
    else:
        found = _parse_with_rdflib(text, fmt, base, path, stem, terms.setdefault)
    # Straight to the store: Graph.addN would check every term of every triple again.
    graph.store.addN((s, p, o, graph) for s, p, o in found)
    return graph


_OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE,
                     "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES,
                     "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
_XSD_STRING = str(XSD.string)
# A literal typed xsd:string explicitly ("x"^^xsd:string): rdflib keeps the datatype,
# Oxigraph cannot tell it from a plain "x". Over-matching only costs speed.
_EXPLICIT_STRING = re.compile(r"\^\^\s*(?:<[^>]*string>|[\w.-]*:string\b)")
_LANGUAGE_TAG = re.compile(r"[\"']\s*@([A-Za-z]+(?:-[A-Za-z0-9]+)*)")


def _language_spellings(text: str) -> dict[str, str] | None:
    """Language tags as written, by their lower case (Oxigraph lowercases them, rdflib
    keeps them as written); None if one tag is written in two ways (rdflib must parse)."""
    spellings: dict[str, str] = {}
    for tag in set(_LANGUAGE_TAG.findall(text)):
        if spellings.setdefault(tag.lower(), tag) != tag:
            return None
    return spellings


class _TermMap(dict):
    """One file's Oxigraph terms -> the rdflib terms the graph holds (blank node
    relabelled, decimal canonical, interned). Files repeat few distinct terms many
    times, so converting each distinct term once is most of the speed-up."""

    def __init__(self, stem: str, terms: dict, languages: dict[str, str]):
        super().__init__()
        self.stem, self.terms, self.languages = stem, terms, languages
        self.blank_nodes = 0

    def __missing__(self, term):
        if isinstance(term, ox.BlankNode):       # numbered in order of first appearance
            self.blank_nodes += 1
            converted = self[term] = BNode(f"{self.stem}{self.blank_nodes - 1}")
            return converted
        x = self._convert(term)
        converted = self.terms.setdefault(x, x)
        self[term] = converted
        return converted

    def _convert(self, term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            return self._literal(term)
        raise _Unsupported("RDF 1.2 triple terms (<< ... >>, {| ... |}) are not supported", "<<")

    def _literal(self, term: ox.Literal):
        if term.direction:
            raise _Unsupported("RDF 1.2 literal base directions (@lang--ltr) are not supported",
                               f"--{term.direction}")
        if term.language:
            return Literal(term.value, lang=self.languages.get(term.language, term.language))
        datatype = term.datatype.value
        if datatype == _XSD_STRING:             # a plain "x", as rdflib's parser gives it
            return Literal(term.value)
        return _canonical_decimal(Literal(term.value, datatype=URIRef(datatype)))


class _Unsupported(Exception):
    """Oxigraph parsed something that rdflib graphs cannot hold; ``token`` finds its line."""

    def __init__(self, message: str, token: str):
        super().__init__(message)
        self.token = token


def _parse_with_oxigraph(text: str, fmt: str, base: str, path: Path, terms: _TermMap) -> list[tuple]:
    """All triples of the file (graph names dropped), as rdflib terms."""
    try:
        return [(terms[s], terms[p], terms[o])
                for s, p, o, _ in ox.parse(text, format=_OXIGRAPH_FORMATS[fmt], base_iri=base)]
    except SyntaxError as exc:
        raise SyntaxProblem(Location(str(path), exc.lineno), _oxigraph_message(exc, text)) from None
    except _Unsupported as exc:
        at = text.find(exc.token)
        raise SyntaxProblem(Location(str(path), text.count("\n", 0, at) + 1 if at >= 0 else None),
                            str(exc)) from None
    except ValueError as exc:                   # e.g. an unusable base IRI
        raise SyntaxProblem(Location(str(path)), str(exc)) from None


def _oxigraph_message(exc: SyntaxError, text: str) -> str:
    """Oxigraph's message without the position it repeats (the line goes in the
    Location), plus the column and the text there, as rdflib's messages showed it."""
    message = re.sub(r"^Parser error (at|between) [^:]*: ", "", str(exc.msg))
    if not exc.lineno or not exc.offset:
        return message
    lines = text.split("\n")
    near = lines[exc.lineno - 1][exc.offset - 1:exc.offset + 39].strip() if exc.lineno <= len(lines) else ""
    return f"{message} (column {exc.offset}" + (f", near: {near!r})" if near else ")")


def _parse_with_rdflib(text: str, fmt: str, base: str, path: Path, stem: str, intern) -> list[tuple]:
    """rdflib's parse of the file, blank nodes relabelled and terms interned: for JSON-LD
    (rdflib's reader as before) and for the files Oxigraph cannot give back exactly."""
    parsed = _Collected() if fmt == "turtle" else Dataset() if fmt in ("trig", "nquads") else Graph()
    try:
        parsed.parse(data=text, format=fmt, publicID=base)
    except BadSyntax as exc:
        raise SyntaxProblem(Location(str(path), exc.lines + 1), _bad_syntax_message(exc)) from None
    except Exception as exc:  # other parsers raise their own types
        raise SyntaxProblem(Location(str(path), _line_of(str(exc))), str(exc)) from None
    if isinstance(parsed, _Collected):
        found = parsed.collected + list(parsed)
    elif isinstance(parsed, Dataset):
        found = [(s, p, o) for s, p, o, _ in parsed.quads()]
    else:
        found = list(parsed)
    relabel = _stable_bnodes(found, stem)
    return [tuple(intern(x, x) for x in (_canonical_decimal(relabel.get(x, x)) for x in t))
            for t in found]


class _Collected(Graph):
    """A parse target that only lists the parser's triples (no store to fill):
    parse_file copies them once, relabelled, into the graph they are for."""

    def __init__(self):
        super().__init__()
        self.collected: list[tuple] = []

    def add(self, triple):
        self.collected.append(triple)
        return self


def _canonical_decimal(term):
    """Write xsd:decimal with a decimal point ("90" -> "90.0"): Turtle writers emit
    decimals that way, so TriG and N-Quads of the build then hold the same literal."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal and "." not in term \
            and re.fullmatch(r"[+-]?\d+", str(term)):
        return Literal(f"{term}.0", datatype=XSD.decimal)
    return term


def _stable_bnodes(triples, stem: str) -> dict:
    """Map parser blank nodes to labels numbered in creation order (the parser's
    labels end in a per-parse serial number)."""
    nodes = {x for t in triples for x in t if isinstance(x, BNode)}
    if not nodes:
        return {}

    def serial(node: BNode) -> tuple[int, str]:
        m = re.search(r"(\d+)$", str(node))
        return (int(m.group(1)) if m else 0, str(node))
    return {node: BNode(f"{stem}{i}") for i, node in enumerate(sorted(nodes, key=serial))}


def _bad_syntax_message(exc: BadSyntax) -> str:
    text = str(exc._why) if hasattr(exc, "_why") else str(exc)
    if not hasattr(exc, "_str"):
        return text
    near = exc._str[exc._i:exc._i + 40]
    if isinstance(near, bytes):
        near = near.decode("utf-8", "replace")
    return f"{text} (near: {near.splitlines()[0] if near.strip() else near!r})"


def _line_of(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def load_inputs(settings: Settings) -> Inputs:
    """Parse every input file of a project checkout."""
    with cyclic_gc_paused():
        return _load_inputs(settings)


def _load_inputs(settings: Settings) -> Inputs:
    onto_files, shape_files, triple_files = input_files(settings)
    from .lean_store import lean_graph
    ontology, shapes, triples = Graph(), Graph(), lean_graph()
    terms: dict = {}
    for path in onto_files:
        parse_file(path, settings.base, ontology, terms=terms)
    for path in shape_files:
        parse_file(path, settings.base, shapes, terms=terms)
    from .shapes import derived_shapes
    shapes += derived_shapes(ontology)
    from .curated import has_changes, load_curated
    if has_changes(settings):      # accepted writes: replay triples/changes/ over the files
        triples = load_curated(settings).union()
        from .changelog import change_files
        triple_files = triple_files + change_files(settings.triples_dir)
    else:
        for path in triple_files:
            parse_file(path, settings.base, triples, terms=terms)
    files = onto_files + shape_files + triple_files
    return Inputs(ontology, shapes, triples, files, NodeLocator(files, settings.base))


_PREFIX = re.compile(r"^\s*@?prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", re.I)
_SUBJECT = re.compile(r"^(<[^>]+>|[A-Za-z0-9_-]*:[^\s;,]*)\s")
_JSON_ID = re.compile(r'"@id"\s*:\s*"([^"]+)"')


class NodeLocator:
    """Finds the file and line where a node is written as a subject."""

    def __init__(self, files: list[Path], base: str = DEFAULT_BASE, texts: dict[str, str] | None = None):
        self.files = files
        self.base = base
        self.texts = texts or {}   # name (with an RDF file extension) -> text not on disk, e.g. a request body
        self._index: dict[str, Location] | None = None

    def _sources(self):
        yield from ((name, Path(name).suffix or ".ttl", text) for name, text in self.texts.items())
        for path in self.files:
            try:
                yield str(path), path.suffix, path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue

    def _build(self) -> dict[str, Location]:
        index: dict[str, Location] = {}
        from .namespaces import prefixes as known_prefixes
        for name, suffix, text in self._sources():
            if suffix not in (".ttl", ".trig", ".nt", ".nq", ".rdfp", ".jsonld", ".json"):
                continue
            prefixes: dict[str, str] = {}
            for lineno, line in enumerate(text.splitlines(), 1):
                if suffix == ".rdfp":          # change log: locate additions ("A <s> <p> <o> <g> .")
                    if not line.startswith("A "):
                        continue
                    line = line[2:]
                if suffix in (".jsonld", ".json"):
                    if m := _JSON_ID.search(line):
                        pfx, sep, local = m.group(1).partition(":")
                        known = known_prefixes(self.base)
                        iri = known[pfx] + local if sep and pfx in known else m.group(1)
                        index.setdefault(iri, Location(name, lineno))
                    continue
                if m := _PREFIX.match(line):
                    prefixes[m.group(1)] = m.group(2).replace(DEFAULT_BASE, self.base)
                    continue
                if m := _SUBJECT.match(line):
                    token = m.group(1)
                    if token.startswith("<"):
                        iri = token[1:-1]
                    else:
                        pfx, _, local = token.partition(":")
                        if pfx not in prefixes:
                            continue
                        iri = prefixes[pfx] + local
                    index.setdefault(iri, Location(name, lineno))
        return index

    def locate(self, node) -> Location | None:
        if self._index is None:
            self._index = self._build()
        if isinstance(node, URIRef):
            return self._index.get(str(node))
        return None
