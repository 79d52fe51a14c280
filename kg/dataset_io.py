"""Reading and writing the built dataset in ``dist/``, byte-for-byte reproducibly.

Blank nodes carry stable labels from loading (kg.loading) and every line is sorted,
so the same input always produces the same files: diffs of ``dist/`` show real
changes only.

The output is exactly what rdflib's N-Triples and Turtle serialisers write (the
formatting of every term is theirs), but produced several times faster: each term is
formatted once, and the Turtle layout works from one index of the graph instead of
a store lookup per subject, predicate and list cell (docs/build-performance.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import _is_valid_uri
from rdflib.namespace import RDF
from rdflib.namespace import split_uri
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.plugins.serializers.turtle import TurtleSerializer

from .namespaces import prefixes

DATASET_NQ = "dataset.nq"
DATASET_TRIG = "dataset.trig"


def _nt_terms() -> tuple[dict, Callable]:
    """A cache term -> its N-Triples form (rdflib's own formatting)."""
    cache: dict = {}

    def missing(term) -> str:
        text = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
        cache[term] = text
        return text
    return cache, missing


def graph_nquads(iri: str, graph: Iterable[tuple], cache: tuple | None = None) -> list[str]:
    """The sorted, distinct N-Quads lines of one graph."""
    terms, missing = cache or _nt_terms()
    suffix = f" <{iri}> .\n"
    rows = set()
    add = rows.add
    get = terms.get
    for s, p, o in graph:
        add(f"{get(s) or missing(s)} {get(p) or missing(p)} {get(o) or missing(o)}{suffix}")
    return sorted(rows)


def nquads_lines(graphs: dict[str, Graph]) -> list[str]:
    """Every graph's lines, graphs in IRI order (the content of ``dataset.nq``)."""
    cache = _nt_terms()
    lines: list[str] = []
    for iri in sorted(graphs):
        lines.extend(graph_nquads(iri, graphs[iri], cache))
    return lines


def write_dataset(graphs: dict[str, Graph], dist: Path, base: str) -> dict[str, str]:
    """Write N-Quads and TriG; returns file name -> sha256."""
    dist.mkdir(parents=True, exist_ok=True)
    cache = _nt_terms()
    sums = {DATASET_NQ: _atomic_write_chunks(
        dist / DATASET_NQ, ("".join(graph_nquads(iri, graphs[iri], cache)) for iri in sorted(graphs)))}
    sums[DATASET_TRIG] = _atomic_write_chunks(dist / DATASET_TRIG, _trig_chunks(graphs, base))
    return sums


def trig_text(graphs: dict[str, Graph], base: str) -> str:
    """TriG with one shared prefix block and the graphs in IRI order (rdflib's own TriG
    serializer orders graphs arbitrarily, which would break reproducible builds)."""
    return "".join(_trig_chunks(graphs, base))


def _trig_chunks(graphs: dict[str, Graph], base: str) -> Iterator[str]:
    known = prefixes(base)
    declared = {f"@prefix {name}: <{ns}> ." for name, ns in known.items()}
    parts = []
    for iri in sorted(graphs):
        body = turtle_text(graphs[iri], known)
        declared.update(line for line in body.splitlines() if line.startswith("@prefix"))
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        # No re-indentation: it would change the content of multi-line literals.
        inner = "\n".join(lines).strip("\n")
        parts.append(f"\n<{iri}> {{\n{inner}\n}}\n")
    yield "\n".join(sorted(declared)) + "\n"
    yield from parts


def turtle_text(graph: Iterable[tuple], namespaces: dict[str, str]) -> str:
    """``graph`` as rdflib's Turtle serializer writes it with ``namespaces`` bound."""
    return _IndexedTurtle(_Names(namespaces), graph).text()


class _Names(Graph):
    """An empty graph holding prefix bindings, as rdflib's serializer reads them, whose
    ``compute_qname`` gives rdflib's answer without rdflib's namespace trie: that trie
    gains one entry per distinct namespace seen (every ``claim/x#`` is one) and each
    insertion scans its siblings, quadratic in the number of claims of a graph. The
    trie only ever lengthens a namespace to a longer *bound* one (namespaces split off
    other IRIs end where this IRI's own split point is, or later), so a scan of the
    bound namespaces finds the same name."""

    def __init__(self, namespaces: dict[str, str]):
        super().__init__()
        for name, ns in namespaces.items():
            self.bind(name, ns, override=True, replace=True)
        self._names: dict = {}
        self._refresh()

    def _refresh(self) -> None:
        self.bindings = len(list(self.namespaces()))
        self._bound = sorted({str(ns) for _p, ns in self.namespaces()}, key=len, reverse=True)

    def compute_qname(self, uri: str, generate: bool = True):
        hit = self._names.get(uri)
        if hit is not None:
            return hit
        try:
            namespace, _name = split_uri(uri) if _is_valid_uri(uri) else (None, None)
        except ValueError:
            namespace = None
        if namespace is not None:
            for bound in self._bound:               # longest first
                if len(bound) <= len(namespace):
                    break
                if uri.startswith(bound):
                    namespace = bound
                    break
            prefix = self.store.prefix(URIRef(namespace))
            if prefix is not None:
                hit = self._names[uri] = (prefix, URIRef(namespace), uri[len(namespace):])
                return hit
            if not generate:
                raise KeyError(f"No known prefix for {namespace} and generate=False")
        result = super().compute_qname(uri, generate)     # rdflib's way: generates a prefix
        self._refresh()
        return result


class _IndexedTurtle(TurtleSerializer):
    """rdflib's TurtleSerializer, its layout algorithm untouched, reading the triples
    from one subject -> predicate -> objects index built in a single pass instead of
    the store, and formatting each term once."""

    def __init__(self, ns_graph: "_Names", triples: Iterable[tuple]):
        super().__init__(ns_graph)
        self._source = triples
        self._index: dict = {}
        self._chunks: list[str] = []
        self._pnames: dict = {}
        self._labels: dict = {}
        self._generated = 0

    def text(self) -> str:
        out = self._chunks

        class _Stream:
            def write(self, data: bytes) -> None:
                out.append(data.decode("latin-1"))
        self.serialize(_Stream(), encoding="utf-8")
        # rdflib encodes with errors="replace"; do the same for identical bytes.
        return "".join(out).encode("utf-8", "replace").decode("utf-8")

    def write(self, text: str) -> None:
        self._chunks.append(text)

    # --- reading: one index instead of store lookups -------------------------------
    def preprocess(self) -> None:
        if self.base is not None:           # never set by turtle_text; rdflib's own way then
            for triple in self._source:
                s, p, o = triple
                self._index.setdefault(s, {}).setdefault(p, []).append(o)
                self.preprocessTriple(triple)
            return
        # rdflib's preprocessTriple, with the prefixed-name look-ups done once per
        # distinct term (again after a prefix is generated, as rdflib would).
        index, refs, subjects, keywords = self._index, self._references, self._subjects, self.keywords
        named: set = set()
        verbs: set = set()
        generated = self._generated
        for s, p, o in self._source:
            index.setdefault(s, {}).setdefault(p, []).append(o)
            refs[o] += 1
            subjects[s] = True
            if s not in named:
                named.add(s)
                self.get_pname(s, False)
            if p not in verbs:
                verbs.add(p)
                if p not in keywords:
                    self.get_pname(p, True)
                if isinstance(p, Literal) and p.datatype:
                    self.get_pname(p.datatype, False)
            if o not in named:
                named.add(o)
                self.get_pname(o, False)
                if isinstance(o, Literal) and o.datatype:
                    self.get_pname(o.datatype, False)
            if isinstance(p, BNode):
                refs[p] += 1
            if self._generated != generated:    # names that had no prefix may have one now
                generated = self._generated
                named.clear()

    def get_pname(self, uri, gen_prefix: bool = True):
        if not isinstance(uri, URIRef):
            return None
        key = (uri, gen_prefix)
        if key in self._pnames:
            return self._pnames[key]
        bindings = self.store.bindings
        pname = super().get_pname(uri, gen_prefix)
        if self.store.bindings != bindings:
            # A prefix was generated: names that had none may have one now.
            self._pnames = {k: v for k, v in self._pnames.items() if v is not None}
            self._generated += 1
        self._pnames[key] = pname
        return pname

    def orderSubjects(self):
        seen: dict = {}
        subjects: list = []
        for class_uri in self.topClasses:
            members = sorted(s for s, props in self._index.items() if class_uri in props.get(RDF.type, ()))
            subjects.extend(members)
            for member in members:
                self._topLevels[member] = True
                seen[member] = True
        recursable = [(isinstance(subject, BNode), self._references[subject], subject)
                      for subject in self._subjects if subject not in seen]
        recursable.sort()
        subjects.extend(subject for (_b, _r, subject) in recursable)
        return subjects

    def buildPredicateHash(self, subject):
        return {p: list(objects) for p, objects in self._index.get(subject, {}).items()}

    def _value(self, subject, predicate):
        values = self._index.get(subject, {}).get(predicate)
        return values[0] if values else None

    def isValidList(self, l_) -> bool:
        if self._value(l_, RDF.first) is None:
            return False
        seen = set()
        while l_:
            if l_ in seen:          # a cyclic "list" is no list (rdflib would loop forever)
                return False
            seen.add(l_)
            if l_ != RDF.nil and sum(len(v) for v in self._index.get(l_, {}).values()) != 2:
                return False
            l_ = self._value(l_, RDF.rest)
        return True

    def doList(self, l_) -> None:
        while l_:
            item = self._value(l_, RDF.first)
            if item is not None:
                self.path(item, 2)
                self.subjectDone(l_)
            l_ = self._value(l_, RDF.rest)

    # --- writing: each term's label once ---------------------------------------------
    def label(self, node, position: int) -> str:
        key = (node, position == 1)
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = super().label(node, position)
        return text


__all__ = ["DATASET_NQ", "DATASET_TRIG", "nquads_lines", "read_dataset", "trig_text",
           "turtle_text", "write_dataset"]


def _atomic_write_chunks(path: Path, chunks: Iterable[str]) -> str:
    """Write ``chunks`` (UTF-8) to ``path`` via a temporary file; returns the sha256."""
    h = hashlib.sha256()
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as fh:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            h.update(data)
            fh.write(data)
    tmp.replace(path)
    return h.hexdigest()


def _atomic_write(path: Path, text: str) -> None:
    _atomic_write_chunks(path, [text])


def read_dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset (for tools that want rdflib)."""
    ds = Dataset()
    ds.parse(dist / DATASET_NQ, format="nquads")
    return ds
