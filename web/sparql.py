"""The SPARQL 1.1 Protocol at ``/sparql`` and the canned queries at ``/queries``.

A thin request layer over ``Backend.execute``: it reads the protocol request (GET,
POST form-encoded, POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri``), negotiates the result format (``Accept`` with q-values, or a
``format`` parameter), and maps every failure onto a precise status with a message
that says what to do. What may run, and within which limits, is decided below it
(``kg.sparql_safety``, ``kg.limits``, ``kg.pool``).

Extensions to the protocol, all optional:

- ``asserted-only=true``: the dataset without ``graph/inferred`` (no OWL-RL inferences);
- ``format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml|trig|nquads`` (or a media
  type) overrides ``Accept``; ``output=`` is read the same way, as some clients send it.

GET ``/sparql`` without a query returns the SPARQL Service Description (RDF by
content negotiation); browsers get the query page instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace

import pyoxigraph as ox
from flask import (Blueprint, Flask, Response, current_app, redirect, render_template, request,
                   url_for)

from kg.backend import QueryError, QueryJob, checked
from kg.queries import CannedQuery, ParameterError, load_queries
from kg.result_formats import GRAPH_FORMATS, ResultFormat, by_name, formats_for

from .cache import ResponseCache, response_cache

bp = Blueprint("sparql", __name__)

RESERVED_PARAMS = ("format", "output", "asserted-only")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Type, Content-Length, Vary, Retry-After",
}
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    be = app.extensions["dsr"]
    cache = ResponseCache(be.version, ("/sparql", "/queries/"), max_body=_limits_of(be).max_body)
    app.extensions["dsr-cache"] = cache
    app.wsgi_app = cache.wrap(app.wsgi_app)


def _backend():
    return current_app.extensions["dsr"]


# --- errors -----------------------------------------------------------------------

class ProtocolError(Exception):
    """A request that does not follow the protocol or passes a limit."""

    def __init__(self, status: int, title: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.title, self.message, self.headers = status, title, message, headers or {}


def _wants_json() -> bool:
    return any("json" in mt for mt, q in request.accept_mimetypes if q > 0)


def error_response(status: int, title: str, message: str, *, line: int = 0, column: int = 0,
                   headers: dict | None = None) -> Response:
    """Errors as JSON for clients that accept JSON, plain text otherwise."""
    if _wants_json():
        payload = {"error": message, "title": title, "status": status}
        if line:
            payload.update(line=line, column=column)
        response = Response(json.dumps(payload, ensure_ascii=False) + "\n", status,
                            content_type="application/json; charset=utf-8")
    else:
        where = f" (line {line}, column {column})" if line and f"line {line}" not in message \
            and f"{line}:{column}" not in message else ""
        response = Response(f"{title}: {message}{where}\n", status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError):
    return error_response(exc.status, exc.title, exc.message, headers=exc.headers)


@bp.errorhandler(QueryError)
def _query_error(exc: QueryError):
    headers = {"Retry-After": "2"} if exc.status == 503 else None
    return error_response(exc.status, exc.title, exc.message, line=exc.line, column=exc.column,
                          headers=headers)


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Accept, Content-Type, Cache-Control, If-None-Match")
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


# --- reading the protocol request ---------------------------------------------------

def _limits_of(be):
    from kg.limits import load_limits
    return getattr(be, "limits", None) or load_limits()


def _limits():
    return _limits_of(_backend())


def _flag(name: str) -> bool:
    """A true/false parameter from the query string or the form body."""
    values = request.args.getlist(name) + request.environ.get("dsr.form", {}).get(name, [])
    return _flag_from({name: values}, name)


def _body_text() -> str:
    limit = _limits().max_body
    if request.content_length is not None and request.content_length > limit:
        raise ProtocolError(413, "Request too large",
                            f"the request body has {request.content_length:,} bytes; this endpoint accepts "
                            f"at most {limit:,} (DSR_MAX_BODY)")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise ProtocolError(413, "Request too large", f"the request body is larger than {limit:,} bytes, "
                            "the limit of this endpoint (DSR_MAX_BODY)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "Bad encoding", f"the request body is not UTF-8 ({exc.reason} at byte "
                            f"{exc.start}); SPARQL requests must be UTF-8") from None


def _check_charset() -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ProtocolError(415, "Unsupported charset",
                            f"the request body is declared as {charset}; SPARQL requests must be UTF-8")


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, "Bad request", f"the request has {len(values)} '{name}' parameters; "
                            "send exactly one")
    return values[0] if values else None


def read_protocol_request() -> tuple[str | None, tuple[str, ...] | None, tuple[str, ...] | None]:
    """The query text and protocol dataset of a SPARQL Protocol request."""
    args = request.args
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded":
            _check_charset()
            text = _body_text()
            from urllib.parse import parse_qs
            try:
                form = parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
            except UnicodeDecodeError:
                raise ProtocolError(400, "Bad encoding", "the form body is not percent-encoded UTF-8") from None
            if "update" in form or "update" in args:
                raise ProtocolError(403, "Read-only endpoint", "SPARQL Update is not accepted here: this "
                                    "endpoint is read-only. Changes to the graph go through the curated "
                                    "files in triples/ (see triples/README.md)")
            request.environ["dsr.form"] = form
            query = _one(form.get("query", []) + args.getlist("query"), "query")
            if query is None:
                raise ProtocolError(400, "Bad request", "the form has no 'query' parameter")
            default = form.get("default-graph-uri", []) + args.getlist("default-graph-uri")
            named = form.get("named-graph-uri", []) + args.getlist("named-graph-uri")
        elif mimetype == "application/sparql-query":
            _check_charset()
            query = _body_text()
            if "query" in args:
                raise ProtocolError(400, "Bad request", "a POST with application/sparql-query carries the "
                                    "query in its body; do not also send a 'query' parameter")
            default, named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
        elif mimetype == "application/sparql-update":
            raise ProtocolError(403, "Read-only endpoint", "SPARQL Update is not accepted here: this endpoint "
                                "is read-only. Changes to the graph go through the curated files in triples/")
        else:
            got = f"Content-Type {request.content_type!r}" if request.content_type else "no Content-Type"
            raise ProtocolError(415, "Unsupported media type",
                                f"a SPARQL query POST needs Content-Type application/x-www-form-urlencoded "
                                f"(query=...) or application/sparql-query (the query as body); got {got}",
                                {"Accept-Post": "application/x-www-form-urlencoded, application/sparql-query"})
    else:
        if "update" in args:
            raise ProtocolError(403, "Read-only endpoint", "SPARQL Update is not accepted here (and never "
                                "by GET): this endpoint is read-only")
        query = _one(args.getlist("query"), "query")
        default, named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if query is not None:
        limit = _limits().max_query_length
        if len(query) > limit:
            status = 414 if request.method == "GET" else 413
            raise ProtocolError(status, "Query too long", f"the query has {len(query):,} characters; this "
                                f"endpoint accepts at most {limit:,} (DSR_MAX_QUERY_LENGTH)")
    for iri in default + named:
        if not iri or any(c in iri for c in '<>" {}|\\^`') or ":" not in iri:
            raise ProtocolError(400, "Bad graph IRI", f"{iri!r} is not an absolute IRI")
    return query, (tuple(default) if default else None), (tuple(named) if named else None)


def _format_params() -> list[str]:
    """``format`` (and ``output``/``results``, as SPARQLWrapper and others send them) values."""
    names = ("format", "output", "results")
    values = [v for n in names for v in request.args.getlist(n)]
    form = request.environ.get("dsr.form")
    if form:
        values += [v for n in names for v in form.get(n, [])]
    return values


def negotiate(form: str | None) -> ResultFormat:
    """The result format for a query form: ``format=`` first, then ``Accept``."""
    offered = formats_for(form)
    names = _format_params()
    if names:
        for name in names:
            for part in name.split(","):
                fmt = by_name(part, form)
                if fmt is not None:
                    return fmt
        raise ProtocolError(400, "Unknown format",
                            f"format={names[0]!r} is not a format for {_form_phrase(form)}; use one of "
                            + ", ".join(f.key for f in offered))
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*" and len(accept) == 1:
        return offered[0]
    candidates = [(f.media_type, f) for f in offered] + \
                 [(alias, f) for f in offered for alias in f.aliases if "/" in alias]
    best = accept.best_match([mt for mt, _ in candidates])
    if best is None:
        raise ProtocolError(406, "Not acceptable",
                            f"none of the types in Accept: {request.headers.get('Accept')!r} can carry the "
                            f"answer of {_form_phrase(form)}; this endpoint offers "
                            + ", ".join(f.media_type for f in offered))
    return dict(candidates)[best]


def _form_phrase(form: str | None) -> str:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return "a CONSTRUCT or DESCRIBE query"
    return "an ASK query" if form == "ASK" else "a SELECT query"


# --- answering ----------------------------------------------------------------------

def _etag(version: str) -> str:
    key = request.environ.get("dsr.cache_key") or hashlib.sha256(request.url.encode()).hexdigest()
    return f'W/"{version}-{key[:20]}"'


def answer(job: QueryJob) -> Response:
    """Run a checked job and build the response (ETag, cache, conditional GET)."""
    be = _backend()
    version = be.version()
    result = be.execute(job)
    response = Response(result.body, 200, content_type=result.format.content_type)
    response.headers["ETag"] = _etag(version)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = "Accept"
    response.headers.update(CORS_HEADERS)
    if result.rows is not None:
        response.headers["X-Result-Rows"] = str(result.rows)
    cache = response_cache()
    if cache is not None:
        cache.store(response, version)
    if request.method in ("GET", "HEAD"):
        response = response.make_conditional(request)
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    query, default, named = read_protocol_request()
    if query is None:
        return service_description()
    asserted_only = _flag("asserted-only")
    if asserted_only and (default or named):
        raise ProtocolError(400, "Conflicting parameters", "asserted-only=true chooses the dataset itself; "
                            "leave out default-graph-uri / named-graph-uri, or list the graphs you want "
                            "without asserted-only")
    job = checked(QueryJob(query, "json", default, named, asserted_only))
    return answer(replace(job, result_format=negotiate(job.info.form).key))


# --- service description ------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD",
                "rdfxml": "RDF_XML", "trig": "TriG", "nquads": "N-Quads"}


def service_description() -> Response:
    """The SPARQL Service Description of this endpoint; browsers get the query page."""
    html = request.accept_mimetypes.best_match([f.media_type for f in GRAPH_FORMATS] + ["text/html"])
    if html == "text/html" and not _format_params():
        if "front" in current_app.blueprints:
            return redirect(url_for("front.query_editor"), 303)
        return Response(render_template("sparql/form.html", limits=_limits()),
                        content_type="text/html; charset=utf-8")
    fmt = negotiate("DESCRIBE")
    be = _backend()
    N, L = ox.NamedNode, ox.Literal
    endpoint = N(request.base_url)
    sd = lambda local: N(SD + local)  # noqa: E731
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    void_triples = N("http://rdfs.org/ns/void#triples")
    limits = be.limits
    triples = [
        ox.Triple(endpoint, rdf_type, sd("Service")),
        ox.Triple(endpoint, sd("endpoint"), endpoint),
        ox.Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(endpoint, N("http://purl.org/dc/terms/description"), L(
            "Read-only SPARQL 1.1 endpoint of the Digital Silk Road in the Western Balkans knowledge graph. "
            "The default graph is the union of all named graphs (reports, entities, ontology, shapes and the "
            "OWL-RL inferences in graph/inferred); add asserted-only=true to leave the inferences out. "
            f"Limits: {limits.timeout:g} s per query, {limits.max_rows:,} result rows, "
            f"{limits.max_query_length:,} characters of query text. SERVICE and SPARQL Update are refused.")),
    ]
    for key, local in _FORMAT_IRIS.items():
        triples.append(ox.Triple(endpoint, sd("resultFormat"), N(FORMATS_NS + local)))
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("default")
    triples += [ox.Triple(endpoint, sd("defaultDataset"), dataset),
                ox.Triple(dataset, rdf_type, sd("Dataset")),
                ox.Triple(dataset, sd("defaultGraph"), default_graph),
                ox.Triple(default_graph, rdf_type, sd("Graph"))]
    counts = _graph_counts()
    if counts:
        triples.append(ox.Triple(default_graph, void_triples, L(str(sum(counts.values())),
                                                                 datatype=N("http://www.w3.org/2001/XMLSchema#integer"))))
    for i, graph in enumerate(be.graphs()):
        named, node = ox.BlankNode(f"g{i}"), ox.BlankNode(f"g{i}graph")
        triples += [ox.Triple(dataset, sd("namedGraph"), named),
                    ox.Triple(named, rdf_type, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), N(graph)),
                    ox.Triple(named, sd("graph"), node),
                    ox.Triple(node, rdf_type, sd("Graph"))]
        if graph in counts:
            triples.append(ox.Triple(node, void_triples, L(str(counts[graph]),
                                                           datatype=N("http://www.w3.org/2001/XMLSchema#integer"))))
    out = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples] \
        if fmt.key in ("trig", "nquads") else triples
    body = ox.serialize(out, format=fmt.oxigraph,
                        prefixes=None if fmt.key in ("ntriples", "nquads") else {"sd": SD, "void": "http://rdfs.org/ns/void#",
                                                                               "formats": FORMATS_NS})
    response = Response(body, 200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _graph_counts() -> dict[str, int]:
    info = _backend().settings.dist / "build-info.json"
    try:
        return {g: int(n) for g, n in json.loads(info.read_text()).get("graphs", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


# --- canned queries -----------------------------------------------------------------

_CANNED_CACHE: dict = {}


def _canned() -> dict[str, CannedQuery]:
    """The canned queries, re-read only when a file in queries/ is added, removed or changed."""
    directory = _backend().settings.queries_dir
    try:
        stamp = tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(directory)
                             if e.name.endswith(".rq")))
    except OSError:
        stamp = ()
    cached = _CANNED_CACHE.get(directory)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_queries(directory))
        _CANNED_CACHE[directory] = cached
    return cached[1]


def _list_wants_html() -> bool:
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in ("json", "html"):
            raise ProtocolError(400, "Unknown format", f"format must be 'json' or 'html', got {fmt!r}")
        return fmt == "html"
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


@bp.get("/queries")
def list_queries():
    queries = _canned()
    if _list_wants_html():
        return Response(render_template("sparql/queries.html", queries=queries.values()),
                        content_type="text/html; charset=utf-8")
    items = []
    for q in queries.values():
        item = q.as_dict()
        item["url"] = url_for("sparql.run_canned", name=q.name, _external=False)
        items.append(item)
    response = Response(json.dumps({"queries": items}, ensure_ascii=False, indent=1) + "\n",
                        content_type="application/json; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/queries/<name>", methods=["GET", "POST"])
def run_canned(name: str):
    queries = _canned()
    canned = queries.get(name)
    if canned is None:
        raise ProtocolError(404, "No such query", f"there is no canned query named {name!r}; the queries are "
                            + ", ".join(sorted(queries)) + " (list: /queries)")
    if request.method == "POST":
        if request.mimetype != "application/x-www-form-urlencoded":
            raise ProtocolError(415, "Unsupported media type", "send parameters in the query string, or POST "
                                "them as application/x-www-form-urlencoded")
        from urllib.parse import parse_qs
        request.environ["dsr.form"] = parse_qs(_body_text(), keep_blank_values=True)
        raw = {k: v for k, v in request.environ["dsr.form"].items()}
    else:
        raw = {k: request.args.getlist(k) for k in request.args}
    args = {}
    for key, values in raw.items():
        if key in RESERVED_PARAMS:
            continue
        args[key] = _one(values, key)
    asserted_only = _flag_from(raw, "asserted-only")
    try:
        bindings = canned.bindings(args, _backend().settings.base)
    except ParameterError as exc:
        raise ProtocolError(400, "Bad parameter", str(exc)) from None
    text = canned.render(bindings)
    job = checked(QueryJob(text, "json", asserted_only=asserted_only, canned=True))
    if not _format_params() and request.accept_mimetypes.best_match(
            [f.media_type for f in formats_for(job.info.form)] + ["text/html"]) == "text/html":
        return _canned_html(canned, args, job)
    return answer(replace(job, result_format=negotiate(job.info.form).key))


def _flag_from(raw: dict[str, list[str]], name: str) -> bool:
    values = raw.get(name)
    if not values:
        return False
    value = values[-1].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ProtocolError(400, "Bad parameter", f"{name} must be true or false, got {values[-1]!r}")


def _canned_html(canned: CannedQuery, args: dict[str, str], job: QueryJob) -> Response:
    """A browser asked for a canned query: the gallery page of web.front if there is one,
    else a plain table."""
    if "front" in current_app.blueprints:
        return redirect(url_for("front.gallery_query", name=canned.name, **args), 303)
    result = _backend().execute(replace(job, result_format="json"))
    data = json.loads(result.body)
    return Response(render_template("sparql/results.html", query=canned, data=data, args=args),
                    content_type="text/html; charset=utf-8")
