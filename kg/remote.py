"""An external SPARQL 1.1 store as the backend (``dsr serve --store URL``), and loading
the built dataset into one (``dsr push --endpoint URL``).

Queries go to the store through SPARQLWrapper; answers come back in SPARQL JSON or
N-Triples, are parsed by pyoxigraph (no JSON-LD context or XML entity is ever read,
so nothing in an answer can make this server open a URL or a file) and re-serialised
under the same row and size limits as the embedded store. So callers get the same
pyoxigraph terms, formats and errors from either backend.

The default graph is the union of all graphs here too: unless the request names its
own dataset, every graph of the store is sent as ``default-graph-uri`` and
``named-graph-uri`` (standard protocol, no store-specific switch). Parameters are bound
with a ``VALUES`` block built from pyoxigraph terms, never from raw text.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import JSON, N3, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions

from .backend import (QueryError, QueryJob, QueryResult, QuerySyntaxError, QueryTimeout,
                      ResultTooLarge, StoreUnavailable, WrongResultFormat, checked, too_large_message)
from .config import Settings
from .executor import OverflowLimit, serialize_capped
from .limits import QueryLimits, load_limits
from .namespaces import prefixes as our_prefixes
from .result_formats import BY_KEY
from .sparql_safety import bind_values, inspect_query

_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
_FINGERPRINT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_QUERY_TYPES = {"SELECT": "SELECT", "ASK": "ASK", "CONSTRUCT": "CONSTRUCT", "DESCRIBE": "DESCRIBE"}


class RemoteBackend:
    """Every query answered by an external SPARQL endpoint (e.g. ``oxigraph serve``)."""

    version_ttl = 5.0     # seconds between checks whether the store's content changed

    def __init__(self, settings: Settings, url: str, limits: QueryLimits | None = None,
                 store_url: str | None = None):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"--store must be the http(s) URL of a SPARQL query endpoint, got {url!r} "
                             "(for oxigraph serve: http://HOST:PORT/query)")
        self.settings = settings
        self.url = url
        self.limits = limits or load_limits()
        self.prefixes = our_prefixes(settings.base)
        self._prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        self._inferred = settings.graph_iri("inferred")
        self._checker = ox.Store()            # empty: parses queries locally, answers nothing
        self._lock = threading.Lock()
        self._graphs: list[str] = []
        self._version = ""
        self._checked_at = -1e9
        # Graph Store endpoint for the write path (oxigraph serve: /query -> /store).
        self.store_url = store_url or os.environ.get("DSR_STORE_GSP_URL") or \
            (url[:-len("/query")] + "/store" if url.endswith("/query") else None)
        self._pushed: dict[str, str] = {}
        self._refresh()

    # -- talking to the store ----------------------------------------------------
    def _request(self, text: str, form: str, accept: str, dataset: dict, timeout: float) -> bytes:
        wrapper = SPARQLWrapper(self.url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(max(1, int(round(timeout))))
        wrapper.setQuery(text)
        wrapper.queryType = _QUERY_TYPES.get(form, "SELECT")   # never let a regex decide it is an update
        wrapper.setReturnFormat(N3 if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        wrapper.addCustomHttpHeader("Accept", accept)
        for g in dataset.get("default", ()):
            wrapper.addDefaultGraph(g)
        for g in dataset.get("named", ()):
            wrapper.addNamedGraph(g)
        deadline = time.monotonic() + timeout
        cap = self.limits.max_result_bytes * 4 + 1
        try:
            response = wrapper.query().response
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:
                    raise ResultTooLarge(too_large_message("bytes", self.limits))
            return b"".join(chunks)
        except (TimeoutError, socket.timeout):
            raise QueryTimeout(f"the external store did not answer within {timeout:g} s, the time limit "
                               "of this endpoint") from None
        except SPARQLExceptions.QueryBadFormed as exc:
            raise QueryError(f"the external store refused the query: {_detail(exc)}") from None
        except SPARQLExceptions.SPARQLWrapperException as exc:
            raise StoreUnavailable(f"the external store at {self.url} answered with an error: {_detail(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise StoreUnavailable(f"the external store at {self.url} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise QueryTimeout(f"the external store did not answer within {timeout:g} s") from None
            raise StoreUnavailable(f"cannot reach the external store at {self.url}: {reason}") from None

    def _dataset(self, job_default, job_named, has_dataset: bool, asserted_only: bool) -> dict:
        if job_default is not None or job_named is not None:
            return {"default": list(job_default or ()), "named": list(job_named or ())}
        if has_dataset:
            return {}
        graphs = self.graphs()
        if asserted_only:
            graphs = [g for g in graphs if g != self._inferred]
        return {"default": graphs, "named": graphs}

    def _refresh(self) -> None:
        """Re-read the store's graph list and content fingerprint (at most every version_ttl s)."""
        now = time.monotonic()
        if now - self._checked_at < self.version_ttl:
            return
        with self._lock:
            if now - self._checked_at < self.version_ttl:
                return
            timeout = self.limits.timeout
            rows = ox.parse_query_results(self._request(_GRAPHS, "SELECT", "application/sparql-results+json", {},
                                                        timeout), ox.QueryResultsFormat.JSON)
            graphs = [row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)]
            count = ox.parse_query_results(self._request(_FINGERPRINT, "SELECT", "application/sparql-results+json",
                                                         {}, timeout), ox.QueryResultsFormat.JSON)
            n = next(iter(count))["n"].value
            self._graphs = graphs
            self._version = hashlib.sha256(f"{self.url}|{n}|{'|'.join(graphs)}".encode()).hexdigest()[:16]
            self._checked_at = time.monotonic()

    # -- the Backend interface ---------------------------------------------------
    def query(self, sparql: str, *, asserted_only: bool = False, substitutions=None):
        info = inspect_query(sparql)
        if substitutions:
            sparql = bind_values(sparql, info, {name: str(term) for name, term in substitutions.items()})
        self._checker.query(sparql, prefixes=self.prefixes, base_iri=self.settings.base)
        dataset = self._dataset(None, None, info.has_dataset, asserted_only)
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            body = self._request(self._prologue + sparql, info.form, "application/n-triples", dataset,
                                 self.limits.timeout)
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        body = self._request(self._prologue + sparql, info.form or "SELECT", "application/sparql-results+json",
                             dataset, self.limits.timeout)
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)

    def execute(self, job: QueryJob) -> QueryResult:
        job = checked(job)
        fmt = BY_KEY[job.result_format]
        try:
            self._checker.query(job.query, prefixes=self.prefixes, base_iri=self.settings.base)
        except SyntaxError as exc:
            from .executor import _POSITION
            m = _POSITION.search(str(exc))
            raise QuerySyntaxError(str(exc), line=int(m.group(1)) if m else 0,
                                   column=int(m.group(2)) if m else 0) from None
        form = job.info.form
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        if graph_form != (fmt.kind == "graph"):
            what = "a CONSTRUCT or DESCRIBE query" if graph_form else f"a{'n' if form == 'ASK' else ''} {form} query"
            raise WrongResultFormat(f"{fmt.media_type} cannot carry the answer of {what}")
        dataset = self._dataset(job.default_graphs, job.named_graphs, job.info.has_dataset, job.asserted_only)
        text = self._base_prologue() + self._prologue + job.query
        if graph_form:
            body = self._request(text, form, "application/n-triples", dataset, self.limits.timeout)
            results = ox.parse(body, ox.RdfFormat.N_TRIPLES)
        else:
            body = self._request(text, form, "application/sparql-results+json", dataset, self.limits.timeout)
            results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        try:
            header, out = serialize_capped(results, fmt, self.prefixes, job.max_rows(self.limits),
                                           self.limits.max_result_bytes)
        except OverflowLimit as exc:
            raise ResultTooLarge(too_large_message(exc.kind, self.limits)) from None
        except (SyntaxError, ValueError) as exc:
            raise StoreUnavailable(f"the external store sent an answer that does not parse: {exc}") from None
        return QueryResult(out, fmt, header["kind"], header.get("rows"))

    def _base_prologue(self) -> str:
        return f"BASE <{self.settings.base}>\n"

    def graphs(self) -> list[str]:
        self._refresh()
        return list(self._graphs)

    def version(self) -> str:
        from .backend import _signature
        signature = _signature(self.settings.dist / "build-info.json")
        if signature != getattr(self, "_dist_signature", signature):
            self._checked_at = -1e9        # a write in another worker: re-read the store now
        self._dist_signature = signature
        try:
            self._refresh()
        except QueryError:
            pass                  # keep the last known version while the store is unreachable
        return self._version

    def describe(self) -> dict:
        return {"store": self.url, "graphs": len(self._graphs)}

    def push_dataset(self) -> None:
        """Load the graphs of dist/ that changed since the last push into the store (the
        write path calls this before committing dist/), then re-read the store's version."""
        if not self.store_url:
            raise ConnectionError(f"no Graph Store endpoint known for {self.url}: set DSR_STORE_GSP_URL")
        from .dataset_io import DATASET_NQ
        digests = graph_digests(self.settings.dist / DATASET_NQ)
        changed = {g for g, d in digests.items() if self._pushed.get(g) != d}
        gone = set(self._pushed) - set(digests)
        push(self.settings.dist / DATASET_NQ, self.store_url, timeout=self.limits.timeout * 30,
             only=changed, drop=gone)
        self._pushed = digests
        self._checked_at = -1e9

    def close(self) -> None:
        pass


def _detail(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:", 1)[-1].strip().strip("b'\"")[:500] if "Response:" in text else text[:500]


# --- dsr push ---------------------------------------------------------------------

def graph_digests(dataset: Path) -> dict[str, str]:
    """sha256 of each named graph's N-Quads lines (the build writes them sorted)."""
    digests: dict[str, "hashlib._Hash"] = {}
    with open(dataset, "rb") as handle:
        for line in handle:
            graph = line.rsplit(b" ", 2)[-2]
            digests.setdefault(graph.decode()[1:-1], hashlib.sha256()).update(line)
    return {g: h.hexdigest() for g, h in digests.items()}


def push(dataset: Path, endpoint: str, *, protocol: str = "gsp", timeout: float = 300.0,
         progress=None, only: set[str] | None = None, drop: set[str] = frozenset()) -> dict[str, int]:
    """Load every named graph of an N-Quads file into an external store, replacing each
    graph there. ``protocol`` "gsp": HTTP PUT per graph to a Graph Store Protocol
    endpoint (``oxigraph serve``: http://HOST:PORT/store); "update": SPARQL Update
    (DROP SILENT GRAPH + INSERT DATA) to an update endpoint (http://HOST:PORT/update).
    Returns triples sent per graph."""
    graphs: dict[str, list[str]] = {}
    blank_graph: dict[str, str] = {}
    for quad in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise ValueError(f"{dataset}: a triple outside the named graphs: {quad}")
        graph = quad.graph_name.value
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode) and blank_graph.setdefault(term.value, graph) != graph \
                    and protocol == "gsp":
                raise ValueError(f"blank node _:{term.value} is used in {blank_graph[term.value]} and {graph}; "
                                 "the Graph Store Protocol loads graphs one by one and would split it: "
                                 "push with --protocol update")
        graphs.setdefault(graph, []).append(f"{quad.subject} {quad.predicate} {quad.object} .\n")
    if only is not None:
        graphs = {g: lines for g, lines in graphs.items() if g in only}
    if protocol == "gsp":
        for graph in sorted(drop):
            url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"graph": graph})
            try:
                _send(urllib.request.Request(url, method="DELETE"), endpoint, timeout)
            except ConnectionError:
                pass      # already absent
        for graph, lines in sorted(graphs.items()):
            url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"graph": graph})
            request = urllib.request.Request(url, data="".join(lines).encode("utf-8"), method="PUT",
                                             headers={"Content-Type": "application/n-triples"})
            _send(request, endpoint, timeout)
            if progress:
                progress(graph, len(lines))
    elif protocol == "update":
        # One request: blank nodes shared between graphs stay one node.
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in sorted(graphs))
        inserts = "".join(f"GRAPH <{g}> {{\n{''.join(lines)}}}\n" for g, lines in sorted(graphs.items()))
        wrapper = SPARQLWrapper(endpoint, endpoint)
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(timeout))
        wrapper.setQuery(drops + "INSERT DATA {\n" + inserts + "}")
        try:
            wrapper.query().response.read()
        except SPARQLExceptions.SPARQLWrapperException as exc:
            raise ConnectionError(f"{endpoint} refused the update: {_detail(exc)}") from None
        except urllib.error.URLError as exc:
            raise ConnectionError(f"cannot reach {endpoint}: {exc.reason}") from None
        if progress:
            for graph, lines in sorted(graphs.items()):
                progress(graph, len(lines))
    else:
        raise ValueError(f"protocol must be 'gsp' or 'update', got {protocol!r}")
    return {graph: len(lines) for graph, lines in graphs.items()}


def _send(request: urllib.request.Request, endpoint: str, timeout: float) -> None:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        raise ConnectionError(f"{endpoint} answered HTTP {exc.code} to PUT {request.full_url}: {detail}") from None
    except urllib.error.URLError as exc:
        raise ConnectionError(f"cannot reach {endpoint}: {exc.reason}") from None
