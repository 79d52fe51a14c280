"""The write path: a change to the curated graphs is validated, logged, then published.

One ``Writer`` per server process. Every write runs as one transaction under the
change-log lock (``kg.changelog.write_lock``), so writes from all threads and all
worker processes are serialised:

1. bring the in-memory curated graphs up to the head of the log (other workers may
   have written);
2. compute the change: SPARQL Update runs on a scratch Oxigraph store of the curated
   graphs and the difference is taken; Graph Store PUT/POST/DELETE are set
   differences;
3. refuse it whole if it touches a graph that is not a report graph, or if
   ``kg.curation.check_change`` finds any violation in the graph as it would be after;
4. append it to the log (durable before anything else changes), apply it in memory,
   write ``dist/`` from the graph already assembled in step 3, and let the query side
   reload (``on_published``).

A crash between 4's steps leaves a log that is ahead of ``dist/``: ``dist/`` is a
cache of the log (its fingerprint covers the change files), so the next start rebuilds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from . import changelog
from .build import cache_key, is_current, publish
from .config import Settings
from .curated import Curated, load_curated
from .curation import Change, check_change
from .loading import Inputs, load_inputs
from .namespaces import DSR
from .report import Problem, ValidationReport
from .sparql_safety import QueryRefused, inspect_query


class WriteRefused(Exception):
    """A write that changes nothing; ``status`` is the HTTP status that fits."""

    def __init__(self, status: int, title: str, message: str, report: ValidationReport | None = None,
                 line: int = 0, column: int = 0):
        super().__init__(message)
        self.status, self.title, self.message, self.report = status, title, message, report
        self.line, self.column = line, column


@dataclass
class WriteOutcome:
    added: int
    removed: int
    change: str | None                     # the change file (relative to the project), None if no-op
    report: ValidationReport = field(default_factory=ValidationReport)   # warnings
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"status": "accepted" if self.change else "unchanged", "added": self.added,
                "removed": self.removed, "change": self.change, "seconds": round(self.seconds, 3),
                "warnings": [p.__dict__ for p in self.report.warnings]}


Delta = tuple[set, set]   # (removed quads, added quads); a quad is (s, p, o, curated graph IRI)


class Writer:
    """Accepts validated changes to the report graphs of one checkout."""

    def __init__(self, settings: Settings, on_published: Callable[[], None] = lambda: None,
                 before_commit: Callable[[], None] | None = None):
        self.settings = settings
        self.on_published = on_published       # the query side reloads (embedded store)
        self.before_commit = before_commit     # an external store is loaded from dist/
        self._curated: Curated | None = None
        self._static: Inputs | None = None     # ontology and shapes (not writable here)

    # -- reading -----------------------------------------------------------------
    def curated(self) -> Curated:
        """The curated graphs at the head of the log (call with the lock held to be exact)."""
        number, _ = changelog.head(self.settings.triples_dir)
        if self._curated is None or number < self._curated.number:
            self._curated = load_curated(self.settings)
        elif number > self._curated.number:
            self._curated.replay(changelog.read_changes(self.settings.triples_dir, self.settings.base,
                                                        after=self._curated.number))
        return self._curated

    def writable(self) -> dict[str, str]:
        return dict(self.curated().writable)

    def ensure_published(self) -> bool:
        """Rebuild ``dist/`` if the log is ahead of it (a crash after logging a change);
        returns whether it did."""
        with changelog.write_lock(self.settings.triples_dir):
            if is_current(self.settings):
                return False
            from .build import build
            build(self.settings, quiet=True)
            if self.before_commit is not None:
                self.before_commit()
        self.on_published()
        return True

    def validate(self, added: Graph, texts: dict[str, str] | None = None) -> ValidationReport:
        """The report for adding ``added`` to the current graph; changes nothing."""
        with changelog.write_lock(self.settings.triples_dir):
            triples = self.curated().union()      # a copy: check_change turns it into the graph after
        static = self._inputs()
        inputs = Inputs(static.ontology, static.shapes, triples, static.files)
        report, _ = check_change(Change(added, set(), texts=texts or {}), inputs, self.settings)
        return report

    # -- writing -----------------------------------------------------------------
    def sparql_update(self, text: str) -> WriteOutcome:
        """Run SPARQL 1.1 Update on the curated graphs (only report graphs may change)."""
        try:
            inspect_query(text, update=True)
        except QueryRefused as exc:
            status = 400 if exc.kind == "syntax" else 403
            raise WriteRefused(status, "Update refused", exc.message, line=exc.line, column=exc.column) from None
        return self._transact(lambda cur: _run_update(cur, text), "SPARQL Update via /update",
                              texts={"request body": text})

    def graph_store(self, method: str, graph: str, payload: Graph | None,
                    texts: dict[str, str] | None = None) -> WriteOutcome:
        """Graph Store Protocol on a report graph: PUT replaces, POST adds, DELETE empties."""
        def delta(cur: Curated) -> Delta:
            current = cur.graphs.get(graph, Graph())
            g = URIRef(graph)
            if method == "PUT":
                return ({(*t, g) for t in current if t not in payload}, {(*t, g) for t in payload if t not in current})
            if method == "POST":
                return set(), {(*t, g) for t in payload if t not in current}
            if method == "DELETE":
                return {(*t, g) for t in current}, set()
            raise ValueError(method)
        self._check_graph(graph)
        return self._transact(delta, f"Graph Store {method} of <{graph}> via /store", texts=texts)

    def _check_graph(self, graph: str) -> None:
        writable = self.writable()
        if graph not in writable:
            raise WriteRefused(403, "Graph not writable",
                               f"<{graph}> is not a report graph; writes go to one of: "
                               + ", ".join(f"<{g}>" for g in sorted(writable)))

    def _transact(self, compute: Callable[[Curated], Delta], summary: str,
                  texts: dict[str, str] | None = None) -> WriteOutcome:
        started = time.monotonic()
        with changelog.write_lock(self.settings.triples_dir):
            cur = self.curated()
            removed, added = compute(cur)
            removed = {q for q in removed if (q[0], q[1], q[2]) in cur.graphs.get(str(q[3]), ())}
            added = {q for q in added if (q[0], q[1], q[2]) not in cur.graphs.get(str(q[3]), ())}
            if not removed and not added:
                return WriteOutcome(0, 0, None, seconds=time.monotonic() - started)
            self._refuse_other_graphs(cur, removed | added)
            report, result = self._validate(cur, removed, added, texts or {})
            if not report.conforms:
                raise WriteRefused(422, "Validation failed",
                                   f"the change was refused whole: {len(report.violations)} violation(s); "
                                   "nothing was written", report=report)
            change = changelog.append_change(self.settings.triples_dir, list(removed), list(added),
                                             f"{summary}: {len(added)} added, {len(removed)} removed",
                                             base=self.settings.base)
            cur.replay([change])
            if pause := os.environ.get("DSR_TEST_PAUSE_AFTER_LOG"):   # crash tests: the window
                time.sleep(float(pause))                            # where only the log knows
            publish(result, self.settings, cache_key(self.settings), self.before_commit)
        self.on_published()
        rel = change.path.relative_to(self.settings.root) if change.path else None
        return WriteOutcome(len(added), len(removed), str(rel), report, time.monotonic() - started)

    def _refuse_other_graphs(self, cur: Curated, quads: set) -> None:
        others = sorted({str(q[3]) for q in quads} - set(cur.writable))
        if others:
            shown = ", ".join("the default graph" if g == _DEFAULT else f"<{g}>" for g in others)
            raise WriteRefused(403, "Graph not writable",
                               f"the change touches {shown}; only report graphs can be written (name one "
                               "with GRAPH <...> in the update): "
                               + ", ".join(f"<{g}>" for g in sorted(cur.writable)))
        blank = next((x for q in quads for x in q[:3] if isinstance(x, BNode)), None)
        if blank is not None:
            raise WriteRefused(422, "Blank node", f"blank node _:{blank} in the change: every node written "
                               "needs an IRI (blank nodes cannot be referred to or deleted later); name it "
                               f"{self.settings.base}id/<slug>")

    def _inputs(self) -> Inputs:
        if self._static is None:
            full = load_inputs(self.settings)
            self._static = Inputs(full.ontology, full.shapes, Graph(), full.files)
        return self._static

    def _validate(self, cur: Curated, removed: set, added: set,
                  texts: dict[str, str]) -> tuple[ValidationReport, object]:
        static = self._inputs()
        new = Graph()
        for s, p, o, _ in added:
            new.add((s, p, o))
        # A triple leaves the union only if no curated graph holds it after the change.
        removed_from: dict[tuple, set[str]] = {}
        for s, p, o, g in removed:
            removed_from.setdefault((s, p, o), set()).add(str(g))
        gone = {t for t, graphs in removed_from.items() if t not in new
                and not any(t in h for iri, h in cur.graphs.items() if iri not in graphs)}
        change = Change(new, gone, texts=texts)
        inputs = Inputs(static.ontology, static.shapes, cur.union(), static.files)   # becomes the graph after
        report, result = check_change(change, inputs, self.settings, publishable=True)
        report.extend(_claims_in_their_graph(added, cur, self.settings))
        return report, result


_DEFAULT = "urn:x-dsr:default-graph"


def _run_update(cur: Curated, text: str) -> Delta:
    """Run SPARQL Update on a scratch store holding the curated graphs; the difference."""
    store = ox.Store()
    quads = [ox.Quad(_ox(s), _ox(p), _ox(o), ox.NamedNode(iri))
             for iri, g in cur.graphs.items() for s, p, o in g]
    store.extend(quads)
    before = set(store)
    try:
        store.update(text)
    except SyntaxError as exc:
        raise WriteRefused(400, "SPARQL syntax error", str(exc), line=getattr(exc, "lineno", 0) or 0,
                           column=getattr(exc, "offset", 0) or 0) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise WriteRefused(400, "Update failed", str(exc)) from None
    after = set(store)
    return ({_rdflib_quad(q) for q in before - after}, {_rdflib_quad(q) for q in after - before})


def _ox(term):
    from .changelog import _to_ox
    return _to_ox(term)


def _rdflib_quad(q: ox.Quad) -> tuple:
    from .changelog import _from_ox
    terms = []
    for t in (q.subject, q.predicate):
        terms.append(BNode(t.value) if isinstance(t, ox.BlankNode) else URIRef(t.value))
    o = q.object
    terms.append(BNode(o.value) if isinstance(o, ox.BlankNode) else _from_ox(o))
    g = q.graph_name
    terms.append(URIRef(_DEFAULT if isinstance(g, ox.DefaultGraph) else g.value))
    return tuple(terms)


def _claims_in_their_graph(added: set, cur: Curated, settings: Settings) -> list[Problem]:
    """A claim written to report R's graph must cite report R."""
    problems = []
    for s, p, o, g in added:
        if p == DSR.source and str(o).startswith(settings.base + "report/"):
            expected = settings.graph_iri(str(o)[len(settings.base + "report/"):])
            if expected != str(g):
                problems.append(Problem("Violation", str(s), f"this claim cites <{o}> but was written to the graph "
                                        f"<{g}>; write it to <{expected}>, the graph of the report it cites",
                                        path=str(DSR.source), value=str(o), kind="graph"))
    return problems
