"""Read the curated inputs (ontology, shapes, triples) into rdflib graphs.

Each file is parsed on its own so that a syntax error names its file and line,
and so that any node can later be traced back to where it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from .config import Settings
from .errors import Location, SyntaxProblem
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

    Blank nodes are relabelled ``<file>_<n>`` in the order the parser created them,
    so the same file always yields the same labels (reproducible builds without an
    expensive canonicalisation)."""
    graph = into if into is not None else Graph()
    text = data if data is not None else path.read_text(encoding="utf-8")
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    fmt = fmt or FORMATS.get(path.suffix, "turtle")
    parsed = _Collected() if fmt == "turtle" else Graph()
    try:
        parsed.parse(data=text, format=fmt, publicID=base)
    except BadSyntax as exc:
        raise SyntaxProblem(Location(str(path), exc.lines + 1), _bad_syntax_message(exc)) from None
    except Exception as exc:  # other parsers raise their own types
        raise SyntaxProblem(Location(str(path), _line_of(str(exc))), str(exc)) from None
    found = parsed.collected + list(parsed) if isinstance(parsed, _Collected) else list(parsed)
    relabel = _stable_bnodes(found, re.sub(r"[^A-Za-z0-9]", "", path.stem) or "b")
    # One object per distinct term (shared across the files of a load): less memory,
    # and dict and set look-ups later in the build find terms by identity.
    intern = terms.setdefault if terms is not None else (lambda term, _: term)
    graph.addN((*(intern(x, x) for x in (_canonical_decimal(relabel.get(x, x)) for x in t)), graph)
               for t in found)
    return graph


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
