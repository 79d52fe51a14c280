"""Where queries are answered: the embedded Oxigraph store, or an external SPARQL
endpoint. Everything above this module (CLI, web) talks to a Backend only.

A Backend answers in two ways:

- ``query()`` for the server's own, trusted queries (pages, canned views): pyoxigraph
  result objects (solutions indexable by variable name, booleans, triples), in
  process, as fast as possible;
- ``execute()`` for queries from the outside world (the SPARQL endpoint, canned
  queries over HTTP): checked by ``kg.sparql_safety``, run under the time, row and
  size limits of ``kg.limits``, serialised in the requested format.

Term objects are pyoxigraph terms in both backends, so callers never care which one
answered.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from typing import Protocol

import pyoxigraph as ox

from .config import Settings
from .limits import QueryLimits, load_limits
from .result_formats import BY_KEY, ResultFormat
from .sparql_safety import QueryInfo, QueryRefused, inspect_query
from .store import GraphStore


# --- what execute() takes and gives ------------------------------------------------

@dataclass(frozen=True)
class QueryJob:
    """One query from outside, with its protocol dataset and wanted result format."""

    query: str
    result_format: str                              # a key of kg.result_formats.BY_KEY
    default_graphs: tuple[str, ...] | None = None   # protocol default-graph-uri (None: not given)
    named_graphs: tuple[str, ...] | None = None     # protocol named-graph-uri (None: not given)
    asserted_only: bool = False                     # leave graph/inferred out of the dataset
    info: QueryInfo | None = field(default=None, compare=False)   # from inspect_query, if done
    canned: bool = False          # one of our reviewed queries: no row cap (time and size caps stay)

    def max_rows(self, limits: QueryLimits) -> int:
        return 2**62 if self.canned else limits.max_rows


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    format: ResultFormat
    kind: str             # "solutions", "boolean" or "graph"
    rows: int | None      # solutions or triples in the answer (None for booleans)


class QueryError(Exception):
    """A query that could not be answered; ``status`` is the HTTP status that fits."""

    status = 400
    title = "Query failed"

    def __init__(self, message: str, *, line: int = 0, column: int = 0):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class QuerySyntaxError(QueryError):
    title = "SPARQL syntax error"


class QueryForbidden(QueryError):
    """Refused before execution: SPARQL Update or SERVICE (see kg.sparql_safety)."""

    title = "Query refused"

    def __init__(self, refused: QueryRefused):
        super().__init__(refused.message, line=refused.line, column=refused.column)
        self.kind = refused.kind
        self.status = 403 if refused.kind == "update" else 400


class QueryTimeout(QueryError):
    status = 504
    title = "Query time limit reached"


class ResultTooLarge(QueryError):
    status = 422
    title = "Result too large"


class WrongResultFormat(QueryError):
    """The format chosen does not fit the query form (e.g. Turtle for a SELECT)."""

    status = 406
    title = "Not acceptable"


class ServerBusy(QueryError):
    status = 503
    title = "Server busy"


class QueryCrashed(QueryError):
    status = 500
    title = "Query process stopped"


class StoreUnavailable(QueryError):
    status = 502
    title = "External store unavailable"


def checked(job: QueryJob) -> QueryJob:
    """The job with its safety inspection done (raises QueryForbidden / QuerySyntaxError)."""
    if job.info is not None:
        return job
    try:
        info = inspect_query(job.query)
    except QueryRefused as exc:
        if exc.kind == "syntax":
            raise QuerySyntaxError(exc.message, line=exc.line, column=exc.column) from None
        raise QueryForbidden(exc) from None
    return replace(job, info=info)


def too_large_message(kind: str, limits: QueryLimits) -> str:
    if kind == "rows":
        return (f"the answer has more than {limits.max_rows:,} rows (or triples), the limit of this "
                "endpoint; add LIMIT (and OFFSET to page), or download the whole dataset")
    return (f"the answer is larger than {limits.max_result_bytes // (1024 * 1024)} MiB, the limit of "
            "this endpoint; select fewer variables or rows, or download the whole dataset")


class Backend(Protocol):
    settings: Settings
    prefixes: dict[str, str]
    limits: QueryLimits

    def query(self, sparql: str, *, asserted_only: bool = False,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run trusted SPARQL; returns pyoxigraph QuerySolutions / QueryBoolean / triples."""

    def execute(self, job: QueryJob) -> QueryResult:
        """Run an untrusted query under the limits; raises QueryError subclasses."""

    def graphs(self) -> list[str]:
        """IRIs of the named graphs of the dataset."""

    def version(self) -> str:
        """An identifier of the dataset version (for ETags and caches)."""

    def describe(self) -> dict:
        """What answers queries (for the service description and logs)."""

    def close(self) -> None:
        """Release processes and connections."""


# --- the embedded store -----------------------------------------------------------

class EmbeddedBackend:
    """Queries answered by pyoxigraph over ``dist/dataset.nq``: trusted ones in this
    process, untrusted ones in a pool of query processes that enforce the limits."""

    def __init__(self, settings: Settings, limits: QueryLimits | None = None):
        self.settings = settings
        self.limits = limits or load_limits()
        self._inferred = settings.graph_iri("inferred")
        self._pool = None
        self._reload_lock = threading.Lock()
        self._load()

    def _load(self) -> None:
        info = self.settings.dist / "build-info.json"
        self._signature = _signature(info)
        self.graph_store = GraphStore(self.settings)
        self.prefixes = self.graph_store.prefixes
        self._version = hashlib.sha256((info.read_text() if info.exists() else "").encode()).hexdigest()[:16]
        self._graphs = [g.value for g in self.graph_store.named_graphs()]

    def refresh(self) -> bool:
        """Reload if ``dist/`` was rebuilt since (a write in another worker, or ``dsr build``
        while serving): one stat per call. Queries already running finish on the old data."""
        if _signature(self.settings.dist / "build-info.json") == self._signature:
            return False
        with self._reload_lock:
            if _signature(self.settings.dist / "build-info.json") == self._signature:
                return False
            old = self._pool
            self._load()
            self._pool = None
            if old is not None:
                old.retire()
                threading.Thread(target=self.pool.start, name="dsr-pool-reload", daemon=True).start()
        return True

    def query(self, sparql: str, *, asserted_only: bool = False, substitutions=None):
        return self.graph_store.query(sparql, asserted_only=asserted_only, substitutions=substitutions)

    @property
    def pool(self):
        if self._pool is None:
            from .dataset_io import DATASET_NQ
            from .pool import ExecutorPool
            self._pool = ExecutorPool(self.settings.dist / DATASET_NQ, base=self.settings.base,
                                      prefixes=self.prefixes, size=self.limits.executors,
                                      memory_mb=self.limits.executor_memory_mb)
        return self._pool

    def start(self) -> None:
        """Start the query processes now rather than on the first query."""
        self.pool.start()

    def execute(self, job: QueryJob) -> QueryResult:
        from .pool import ExecutorDied, PoolBusy, PoolRetired, QueryTimedOut
        job = checked(job)
        fmt = BY_KEY[job.result_format]
        spec = {"query": job.query, "format": fmt.key, "max_rows": job.max_rows(self.limits),
                "max_bytes": self.limits.max_result_bytes}
        spec.update(self.dataset_for(job))
        try:
            try:
                header, body = self.pool.run(spec, self.limits.timeout)
            except PoolRetired:
                header, body = self.pool.run(spec, self.limits.timeout)
        except QueryTimedOut:
            raise QueryTimeout(f"the query ran longer than {self.limits.timeout:g} s, the time limit of this "
                               "endpoint, and was stopped; narrow its patterns, add LIMIT, or run it on "
                               "your own copy of the dataset") from None
        except PoolBusy as exc:
            raise ServerBusy(f"{exc}; try again in a moment") from None
        except ExecutorDied as exc:
            raise QueryCrashed(str(exc)) from None
        return _result(header, body, fmt, self.limits)

    def dataset_for(self, job: QueryJob) -> dict:
        """The dataset of a job: the protocol's, else the query's own FROM, else the union
        of all graphs (minus graph/inferred if asserted only)."""
        if job.default_graphs is not None or job.named_graphs is not None:
            return {"default_graphs": list(job.default_graphs or ()), "named_graphs": list(job.named_graphs or ())}
        if job.info is not None and job.info.has_dataset:
            return {}
        if job.asserted_only:
            asserted = [g for g in self._graphs if g != self._inferred]
            return {"default_graphs": asserted, "named_graphs": asserted}
        return {"union": True}

    def graphs(self) -> list[str]:
        return list(self._graphs)

    def version(self) -> str:
        return self._version

    def describe(self) -> dict:
        return {"store": "embedded", "quads": len(self.graph_store),
                "network": self._pool.network if self._pool is not None else None}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def _signature(path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _result(header: dict, body: bytes, fmt: ResultFormat, limits: QueryLimits) -> QueryResult:
    if header.get("ok"):
        return QueryResult(body, fmt, header["kind"], header.get("rows"))
    error = header.get("error")
    if error == "syntax":
        raise QuerySyntaxError(header["message"], line=header.get("line", 0), column=header.get("column", 0))
    if error in ("rows", "bytes"):
        raise ResultTooLarge(too_large_message(error, limits))
    if error == "format":
        kind = {"boolean": "an ASK query", "solutions": "a SELECT query", "graph": "a CONSTRUCT or DESCRIBE query"}
        raise WrongResultFormat(f"{fmt.media_type} cannot carry the answer of {kind[header['kind']]}")
    raise QueryError(f"the query failed while running: {header.get('message', error)}")


def open_backend(settings: Settings, store_url: str | None = None,
                 limits: QueryLimits | None = None) -> Backend:
    """The embedded store by default; an external SPARQL endpoint if ``store_url`` is set."""
    if store_url:
        from .remote import RemoteBackend
        return RemoteBackend(settings, store_url, limits)
    return EmbeddedBackend(settings, limits)
