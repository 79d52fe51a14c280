"""The curator's HTTP side: ``/validate`` (anyone, changes nothing), ``/update``
(SPARQL 1.1 Update) and ``/store`` (Graph Store Protocol), the paths Oxigraph uses.

Writes need ``Authorization: Bearer <token>`` with the token the server was started
with (``DSR_WRITE_TOKEN`` or ``--write-token-file``); with no token configured writes
are off. Everything below the HTTP details is ``kg.writes.Writer``: one per worker
process, transactions serialised across workers by the change-log lock.
"""

from __future__ import annotations

import hmac
import json
import os

from flask import Blueprint, Flask, Response, current_app, render_template, request
from rdflib import Graph

from kg.errors import KGError, SyntaxProblem
from kg.namespaces import prefixes
from kg.rdf_input import SYNTAXES, UnsupportedFormat, parse_untrusted, syntax_for
from kg.report import Problem, ValidationReport
from kg.writes import WriteRefused, Writer

bp = Blueprint("curation", __name__)

DEFAULT_MAX_WRITE_BODY = 16 * 1024 * 1024
REPORT_TYPES = ("application/json", "text/turtle", "text/html", "text/plain")
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml"}


def register(app: Flask) -> None:
    backend = app.extensions["dsr"]
    token = app.config.get("DSR_WRITE_TOKEN") or os.environ.get("DSR_WRITE_TOKEN") or _token_file()
    app.config["DSR_WRITE_TOKEN"] = token or None
    app.config.setdefault("DSR_MAX_WRITE_BODY", int(os.environ.get("DSR_MAX_WRITE_BODY") or DEFAULT_MAX_WRITE_BODY))
    refresh = getattr(backend, "refresh", None)              # embedded store: reload dist/
    push = getattr(backend, "push_dataset", None) if getattr(backend, "store_url", None) else None
    writer = Writer(backend.settings, on_published=refresh or (lambda: None), before_commit=push)
    app.extensions["dsr-writer"] = writer
    if token and (refresh is not None or push is not None) and (backend.settings.dist / "build-info.json").exists():
        writer.ensure_published()      # a change logged just before a crash is published now
    if refresh is not None:   # outermost, before the response cache: another worker (or
        inner = app.wsgi_app      # `dsr build` while serving) may have published a new dataset

        def reload_if_published(environ, start_response):
            refresh()
            return inner(environ, start_response)
        app.wsgi_app = reload_if_published
    app.register_blueprint(bp)


def _token_file() -> str | None:
    path = os.environ.get("DSR_WRITE_TOKEN_FILE")
    if not path:
        return None
    token = open(path, encoding="utf-8").read().strip()
    return token or None


def _writer() -> Writer:
    return current_app.extensions["dsr-writer"]


# --- responses ----------------------------------------------------------------------

class HttpError(Exception):
    def __init__(self, status: int, title: str, message: str, headers: dict | None = None,
                 report: ValidationReport | None = None):
        super().__init__(message)
        self.status, self.title, self.message, self.headers, self.report = status, title, message, headers or {}, report


@bp.errorhandler(HttpError)
def _http_error(exc: HttpError):
    return problem_response(exc.status, exc.title, exc.message, exc.report, exc.headers)


@bp.errorhandler(WriteRefused)
def _refused(exc: WriteRefused):
    message = exc.message
    if exc.line and f"line {exc.line}" not in message:
        message += f" (line {exc.line}, column {exc.column})"
    return problem_response(exc.status, exc.title, message, exc.report)


def _report_type() -> str:
    best = request.accept_mimetypes.best_match(REPORT_TYPES, default="application/json")
    return "application/json" if request.accept_mimetypes.best is None or best is None else best


def problem_response(status: int, title: str, message: str, report: ValidationReport | None = None,
                     headers: dict | None = None) -> Response:
    """A refusal as JSON (default), a Turtle sh:ValidationReport, HTML or text."""
    kind = _report_type()
    if kind == "text/turtle" and report is not None:
        response = Response(report.to_turtle(), status, content_type="text/turtle; charset=utf-8")
    elif kind == "text/html":
        response = Response(render_template("curation/report.html", title=title, message=message,
                                            report=report, status=status), status,
                            content_type="text/html; charset=utf-8")
    elif kind == "text/plain":
        body = f"{title}: {message}\n" + (report.to_text() + "\n" if report is not None else "")
        response = Response(body, status, content_type="text/plain; charset=utf-8")
    else:
        payload = {"title": title, "error": message, "status": status}
        if report is not None:
            payload["report"] = json.loads(report.to_json())
        response = Response(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", status,
                            content_type="application/json; charset=utf-8")
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def report_response(report: ValidationReport, status: int = 200) -> Response:
    kind = _report_type()
    if kind == "text/turtle":
        response = Response(report.to_turtle(), status, content_type="text/turtle; charset=utf-8")
    elif kind == "text/html":
        response = Response(render_template("curation/validate.html", report=report, syntaxes=SYNTAXES,
                                            data=request.form.get("data", "") if request.form else "",
                                            chosen=request.form.get("format", "text/turtle")),
                            status, content_type="text/html; charset=utf-8")
    elif kind == "text/plain":
        response = Response(report.to_text() + "\n", status, content_type="text/plain; charset=utf-8")
    else:
        response = Response(report.to_json() + "\n", status, content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- reading bodies -------------------------------------------------------------------

def _body(limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise HttpError(413, "Body too large", f"the request body is {length:,} bytes; the limit is {limit:,} "
                        "bytes (DSR_MAX_WRITE_BODY); send the change in smaller parts")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise HttpError(413, "Body too large", f"the request body is over the limit of {limit:,} bytes "
                        "(DSR_MAX_WRITE_BODY); send the change in smaller parts")
    return data


def _payload(limit: int) -> tuple[bytes, str, str]:
    """(data, media type or file name, source name) from a raw body or a form upload."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if request.content_length is not None and request.content_length > limit:
            _body(limit)
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            data = upload.read(limit + 1)
            if len(data) > limit:
                raise HttpError(413, "Body too large", f"the file is over the limit of {limit:,} bytes")
            return data, upload.filename, upload.filename
        text = request.form.get("data", "")
        media = request.form.get("format", "text/turtle")
        return text.encode("utf-8"), media, "request body" + _extension(media)
    return _body(limit), request.mimetype or "", "request body" + _extension(request.mimetype or "")


def _extension(media: str) -> str:
    try:
        return syntax_for(media).extensions[0]
    except UnsupportedFormat:
        return ""


def parse_payload(data: bytes, kind: str, source: str, *, triples_only: bool = False) -> Graph:
    try:
        syntax = syntax_for(kind, None) if "/" in kind else syntax_for(None, kind)
    except UnsupportedFormat as exc:
        raise HttpError(415, "Unsupported Media Type", str(exc)) from None
    if triples_only and syntax.quads:
        raise HttpError(415, "Unsupported Media Type", f"{syntax.name} carries graph names; a Graph Store "
                        "request writes one graph (named by ?graph=): send Turtle, N-Triples, JSON-LD or RDF/XML")
    settings = _writer().settings
    from kg.jsonld_context import context_from_ontology
    own = f"{settings.base}context.jsonld"
    contexts = {own: context_from_ontology(settings.base, _writer()._inputs().ontology)}
    try:
        return parse_untrusted(data, syntax, source=source, base=settings.base, contexts=contexts)
    except SyntaxProblem as exc:
        report = ValidationReport([Problem("Violation", "(input)", f"syntax error: {exc.detail}",
                                           location=str(exc.location), kind="syntax")])
        raise HttpError(400, f"{syntax.name} syntax error", f"{exc.location}: {exc.detail}", report=report) from None


# --- authentication ---------------------------------------------------------------------

def _authorise() -> None:
    token = current_app.config.get("DSR_WRITE_TOKEN")
    if not token:
        raise HttpError(403, "Writes disabled", "this server accepts no writes: it was started without a "
                        "write token (set DSR_WRITE_TOKEN or use `dsr serve --write-token-file`); "
                        "POST /validate checks data without writing")
    be = current_app.extensions["dsr"]
    if not hasattr(be, "refresh") and not getattr(be, "store_url", None):
        raise HttpError(501, "Not implemented", f"writes to the external store {be.url} need its Graph Store "
                        "endpoint: set DSR_STORE_GSP_URL (e.g. http://HOST:PORT/store)")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not header:
        raise HttpError(401, "Authentication required", "writes need 'Authorization: Bearer <token>'",
                        headers={"WWW-Authenticate": 'Bearer realm="dsr-balkans writes"'})
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HttpError(403, "Forbidden", "the write token is not valid for this server",
                        headers={"WWW-Authenticate": 'Bearer realm="dsr-balkans writes", error="invalid_token"'})


# --- routes -------------------------------------------------------------------------------

@bp.get("/validate")
def validate_form():
    return render_template("curation/validate.html", report=None, syntaxes=SYNTAXES, data="",
                           chosen="text/turtle")


@bp.post("/validate")
def validate():
    """Check RDF against the ontology, shapes and current graph; never writes."""
    limit = current_app.config["DSR_MAX_WRITE_BODY"]
    try:
        data, kind, source = _payload(limit)
        if not data.strip():
            raise HttpError(400, "Empty body", "send RDF to validate (Turtle, TriG, N-Triples, N-Quads, JSON-LD or "
                            "RDF/XML) with its Content-Type, or upload a file")
        added = parse_payload(data, kind, source)
    except HttpError as exc:
        if exc.report is not None and _report_type() == "text/html":
            return report_response(exc.report, exc.status)
        raise
    report = _writer().validate(added, {source: data.decode("utf-8", "replace")})
    return report_response(report)


@bp.post("/update")
def update():
    _authorise()
    limit = current_app.config["DSR_MAX_WRITE_BODY"]
    if request.mimetype == "application/sparql-update":
        text = _utf8(_body(limit))
    elif request.mimetype == "application/x-www-form-urlencoded":
        _body_size_ok(limit)
        text = request.form.get("update")
        if text is None:
            raise HttpError(400, "Missing update", "a form-encoded request needs an 'update' parameter")
    else:
        raise HttpError(415, "Unsupported Media Type", "send the update as application/sparql-update, or as "
                        "application/x-www-form-urlencoded with an 'update' parameter")
    return _accepted(_writer().sparql_update(text))


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def store():
    writer = _writer()
    graph = request.args.get("graph")
    if graph is None and "default" not in request.args:
        raise HttpError(400, "Missing graph", "name the graph: /store?graph=<report graph IRI> "
                        "(or ?default for the union of the curated graphs, read-only)")
    if request.method in ("GET", "HEAD"):
        return _read_graph(writer, graph)
    _authorise()
    if graph is None:
        raise HttpError(403, "Graph not writable", "the default graph is the union of all graphs and cannot be "
                        "written; name a report graph with ?graph=")
    if graph not in writer.writable():
        status = 404 if request.method == "DELETE" and graph not in writer.curated().graphs else 403
        raise HttpError(status, "Graph not writable" if status == 403 else "No such graph",
                        f"<{graph}> is not a report graph; writes go to one of: "
                        + ", ".join(f"<{g}>" for g in sorted(writer.writable())))
    payload, texts = None, {}
    if request.method in ("PUT", "POST"):
        limit = current_app.config["DSR_MAX_WRITE_BODY"]
        data = _body(limit)
        source = "request body" + _extension(request.mimetype or "")
        payload = parse_payload(data, request.mimetype or "", source, triples_only=True)
        texts = {source: data.decode("utf-8", "replace")}
    return _accepted(writer.graph_store(request.method, graph, payload, texts))


def _read_graph(writer: Writer, graph: str | None) -> Response:
    curated = writer.curated()
    if graph is None:
        g = curated.union()
    elif graph in curated.graphs:
        g = curated.graphs[graph]
    else:
        raise HttpError(404, "No such graph", f"<{graph}> is not a curated graph here; graphs: "
                        + ", ".join(f"<{g}>" for g in sorted(curated.graphs)))
    media = request.accept_mimetypes.best_match(list(GRAPH_TYPES), default="text/turtle") or "text/turtle"
    out = Graph()
    for name, ns in prefixes(writer.settings.base).items():
        out.bind(name, ns)
    out += g
    body = b"" if request.method == "HEAD" else out.serialize(format=GRAPH_TYPES[media], encoding="utf-8")
    response = Response(body, 200, content_type=f"{media}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _accepted(outcome) -> Response:
    response = Response(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=2) + "\n", 200,
                        content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, "Not UTF-8", f"the body is not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start})") from None


def _body_size_ok(limit: int) -> None:
    if request.content_length is not None and request.content_length > limit:
        _body(limit)


__all__ = ["bp", "register", "KGError"]
