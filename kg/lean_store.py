"""An rdflib store for the build's large graphs: a set of triples and a subject index.

rdflib's default Memory store keeps three nested indexes, a context map per triple and
fires an event per added triple: about 950 bytes and 10 µs per triple. The build fills
its graphs once (input, report graphs, inferences) and then mostly iterates them, so
``LeanStore`` keeps one set of triples and an index by subject, by subject and
predicate for subjects with many triples (about 150 bytes and 1 µs per triple); the indexes by predicate and by object are built the
first time a pattern needs them and kept up to date from then on. Prefix bindings are
SimpleMemory's. Graphs over it behave like any rdflib Graph (patterns, ``in``, ``len``,
set operations, parsing into, serialising).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory

_NO_CONTEXTS: tuple = ()
_SMALL = 8          # subjects with more triples get them indexed by predicate


class LeanStore(SimpleMemory):
    """One graph's triples (contexts are ignored)."""

    def __init__(self, configuration=None, identifier=None):
        super().__init__(configuration, identifier)
        self._all: set[tuple] = set()
        self._by_s: dict = {}                 # subject -> [triple, ...] or {predicate: [triple, ...]}
        self._by_p: dict | None = None        # predicate -> {triple, ...}, once needed
        self._by_o: dict | None = None        # object -> {triple, ...}, once needed
        # One object per predicate, so pattern filters compare predicates by identity
        # (URIRef equality is a Python call; there are few predicates and many triples).
        self._predicates: dict = {}

    # --- writing ---------------------------------------------------------------------
    def add(self, triple, context=None, quoted: bool = False) -> None:
        p = triple[1]
        t = (triple[0], self._predicates.setdefault(p, p), triple[2])
        if t in self._all:
            return
        self._all.add(t)
        by_s = self._by_s.get(t[0])
        if by_s is None:
            self._by_s[t[0]] = [t]
        elif type(by_s) is list:
            by_s.append(t)
            if len(by_s) > _SMALL:          # a busy subject: index its triples by predicate
                by_p: dict = {}
                for u in by_s:
                    by_p.setdefault(u[1], []).append(u)
                self._by_s[t[0]] = by_p
        else:
            by_s.setdefault(t[1], []).append(t)
        if self._by_p is not None:
            self._by_p.setdefault(t[1], set()).add(t)
        if self._by_o is not None:
            self._by_o.setdefault(t[2], set()).add(t)

    def addN(self, quads: Iterable[tuple]) -> None:
        add = self.add
        for s, p, o, _c in quads:
            add((s, p, o))

    def remove(self, triple_pattern, context=None) -> None:
        for t in list(self._match(triple_pattern)):
            self._all.discard(t)
            by_s = self._by_s[t[0]]
            if type(by_s) is list:
                by_s.remove(t)
            else:
                by_s[t[1]].remove(t)
                if not by_s[t[1]]:
                    del by_s[t[1]]
            if not by_s:
                del self._by_s[t[0]]
            for index, key in ((self._by_p, t[1]), (self._by_o, t[2])):
                if index is not None:
                    members = index[key]
                    members.discard(t)
                    if not members:
                        del index[key]

    # --- reading ---------------------------------------------------------------------
    def triples(self, triple_pattern, context=None) -> Iterator:
        for t in self._match(triple_pattern):
            yield t, iter(_NO_CONTEXTS)

    def _match(self, pattern) -> list[tuple]:
        """The triples matching ``pattern``, as a list (safe to modify the graph while
        going through it, as with rdflib's stores)."""
        s, p, o = pattern
        if p is not None:
            p = self._predicates.get(p, p)
        if s is not None:
            if p is not None and o is not None:
                t = (s, p, o)
                return [t] if t in self._all else []
            candidates = self._by_s.get(s)
            if not candidates:
                return []
            if type(candidates) is not list:          # by predicate
                if p is not None:
                    candidates = candidates.get(p, ())
                    return list(candidates) if o is None else [t for t in candidates if t[2] is o or t[2] == o]
                candidates = [t for ts in candidates.values() for t in ts]
                return candidates if o is None else [t for t in candidates if t[2] is o or t[2] == o]
            if p is None and o is None:
                return list(candidates)
            if o is None:
                return [t for t in candidates if t[1] is p]
            return [t for t in candidates if t[2] is o or t[2] == o]
        if p is not None and o is not None:
            candidates = self._object_index().get(o)
            return [t for t in candidates if t[1] is p] if candidates else []
        if p is not None:
            return list(self._predicate_index().get(p, ()))
        if o is not None:
            return list(self._object_index().get(o, ()))
        return list(self._all)

    def _predicate_index(self) -> dict:
        if self._by_p is None:
            self._by_p = {}
            for t in self._all:
                self._by_p.setdefault(t[1], set()).add(t)
        return self._by_p

    def _object_index(self) -> dict:
        if self._by_o is None:
            self._by_o = {}
            for t in self._all:
                self._by_o.setdefault(t[2], set()).add(t)
        return self._by_o

    def __len__(self, context=None) -> int:
        return len(self._all)

    def __iter__(self):
        return iter(self._all)

    def contexts(self, triple=None):
        return iter(_NO_CONTEXTS)


class ValidationStore(LeanStore):
    """A LeanStore pySHACL accepts as the store of its data graph: pySHACL wraps every
    data graph in an rdflib Dataset, which insists on a context- and graph-aware store,
    then reads the one graph it was given through the Graph API."""

    context_aware = True
    graph_aware = True

    def add_graph(self, graph) -> None:
        pass

    def remove_graph(self, graph) -> None:
        pass


def rows(graph: Graph) -> Iterable[tuple]:
    """A graph's triples, straight from a LeanStore's set when it has one (rdflib's
    Graph.__iter__ adds two generator layers per triple)."""
    store = graph.store
    return store if isinstance(store, LeanStore) else graph


def lean_graph(identifier=None, triples: Iterable[tuple] = (), store: type[LeanStore] = LeanStore) -> Graph:
    """A Graph over a new LeanStore (of class ``store``), holding ``triples``."""
    graph = Graph(store=store(), identifier=identifier)
    add = graph.store.add
    for t in triples:
        add(t)
    return graph
