"""Dataset statistics (``dist/stats.json``, ``dsr stats``), computed by SPARQL.

The per-report coverage comes from the canned queries ``coverage`` and
``contested-facts``, so the README table and the query gallery agree by construction.

A build computes them with ``StatsWorker`` on a second thread while it writes the
dumps: Oxigraph releases the GIL while it loads and queries, so the loading overlaps
the formatting of ``dataset.nq`` and the queries the writing of TriG and JSON-LD.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from .config import Settings
from .namespaces import prefixes
from .queries import load_queries
from .store import GraphStore

STATS_FILE = "stats.json"


def _value(term) -> str | int | float | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#long", "#int")):
            return int(term.value)
        return term.value
    return term.value


def compute_stats(dist: Path, settings: Settings, dataset: ox.Store | None = None) -> dict:
    """The statistics of the built dataset: of ``dataset`` if given (a store holding
    ``dist/dataset.nq``, see ``StatsWorker``), else of ``dist/dataset.nq`` read here."""
    if dataset is None:
        dataset = GraphStore(settings.with_(dist=dist)).store
    store = _Union(dataset, prefixes(settings.base))
    queries = load_queries(settings.queries_dir)
    graphs = {s["g"].value: int(s["n"].value) for s in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    classes = {_short(s["class"].value, store.prefixes): int(s["n"].value) for s in store.query(
        "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class . "
        "FILTER(STRSTARTS(STR(?class), STR(dsr:))) } GROUP BY ?class")}
    coverage = []
    for s in store.query(queries["coverage"].text):
        row = {v: _value(s[v]) for v in ("report", "label", "claims", "facts", "entities", "sharedFacts")}
        coverage.append(row)
    contested = list(store.query(queries["contested-facts"].text))
    per_report: Counter[str] = Counter()
    for s in contested:
        for var in ("reportA", "reportB"):
            if s[var] is not None:
                per_report[s[var].value] += 1
    for row in coverage:
        row["contested"] = per_report.get(row["report"], 0)
    return {
        "triples": sum(graphs.values()),
        "graphs": dict(sorted(graphs.items())),
        "classes": dict(sorted(classes.items())),
        "reports": sorted(coverage, key=lambda r: r["report"]),
        "entities": int(next(iter(store.query(
            "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?t } "
            "FILTER(STRSTARTS(STR(?x), STR(id:)) && STRENDS(STR(?g), '/graph/entities')) }")))["n"].value),
        "claims": int(next(iter(store.query(
            "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c dsr:source ?r }")))["n"].value),
        "contestedFacts": len(contested),
    }


class _Union:
    """Queries as ``GraphStore.query`` runs them: our prefixes predeclared, the default
    graph the union of all graphs."""

    def __init__(self, store: ox.Store, names: dict[str, str]):
        self.store = store
        self.prefixes = names

    def query(self, sparql: str):
        return self.store.query(sparql, prefixes=self.prefixes, use_default_graph_as_union=True)


class StatsWorker:
    """Statistics computed on a worker thread from a store filled chunk by chunk while
    ``dataset.nq`` is written (``add`` each chunk of N-Quads, then ``start``). Loading
    checks every IRI (the dumps, written from the same bytes, parse leniently)."""

    PENDING = 4
    """Chunks waiting to be loaded at most: bounds the memory they hold."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._store = ox.Store()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats")
        self._loading: deque[Future] = deque()
        self._stats: Future | None = None

    def add(self, nquads: bytes) -> None:
        """Queue whole lines of N-Quads for loading; a load error surfaces here (at a
        later chunk) or in ``result``."""
        while len(self._loading) >= self.PENDING:
            self._loading.popleft().result()
        self._loading.append(self._pool.submit(self._store.load, nquads, ox.RdfFormat.N_QUADS))

    def start(self, dist: Path) -> None:
        """Queue the queries, to run once every chunk added is loaded."""
        self._stats = self._pool.submit(compute_stats, dist, self._settings, self._store)

    def result(self) -> dict:
        if self._stats is None:
            raise RuntimeError("StatsWorker.start was not called")
        while self._loading:
            self._loading.popleft().result()
        return self._stats.result()

    def __enter__(self) -> "StatsWorker":
        return self

    def __exit__(self, kind: type | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _short(iri: str, prefixes: dict[str, str]) -> str:
    for name, ns in prefixes.items():
        if iri.startswith(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri


def write_stats(stats: dict, dist: Path) -> None:
    (dist / STATS_FILE).write_text(json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_stats(dist: Path) -> dict:
    return json.loads((dist / STATS_FILE).read_text())


def coverage_markdown(stats: dict) -> str:
    """The README's coverage table."""
    lines = ["| report | claims | facts | entities | facts shared with another report | contested facts |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in stats["reports"]:
        lines.append(f"| {r['label']} | {r['claims']} | {r['facts']} | {r['entities']} | "
                     f"{r['sharedFacts']} | {r['contested']} |")
    lines.append(f"| **all** | {stats['claims']} | | {stats['entities']} | | {stats['contestedFacts']} |")
    return "\n".join(lines)


README_START, README_END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def readme_table(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    return text.split(README_START, 1)[1].split(README_END, 1)[0].strip()


def update_readme_table(readme: Path, table: str) -> None:
    """Replace the text between the coverage markers of the README."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")
