"""Linked Data: every IRI of the graph dereferences, for people and for machines.

Policy (W3C "Cool URIs for the Semantic Web", 303 URIs forwarding to documents): a
request for an IRI itself (``/id/serbia``, ``/report/…``, ``/claim/…``, ``/graph/…``,
``/ontology``, ``/ontology/Term``, ``/shapes``, ``/dataset``) is answered with
``303 See Other`` to the document in the format the ``Accept`` header prefers
(``/id/serbia.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``), with ``Vary: Accept``.
The documents themselves never vary: the suffix names the format. ``?format=ttl`` on
any of these paths answers directly with that format (and ``Content-Location``).
Request paths map onto the base IRI whatever host serves them (GUIDE §1).

Unknown IRIs get 404 with the nearest existing slugs; unknown formats 400; an
``Accept`` header we cannot satisfy 406, each with a message that says what to do.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import threading
from collections import OrderedDict
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, redirect, render_template, request, send_file, url_for

from rdflib import Literal as RdfLiteral, URIRef
from rdflib.namespace import RDF, XSD

from kg import describe as D
from kg import ontology_doc as O
from kg.dumps import dump_files, sha256sums
from kg.jsonld_context import build_context
from kg.lookup import Labels, select
from kg.void import build_info, dataset_description, dataset_iri, version_string

from . import negotiation as N

bp = Blueprint("linked_data", __name__)

DESCRIBED_KINDS = ("id", "report", "claim", "graph")
DOCUMENTS = ("ontology", "shapes", "dataset")


def _backend():
    from web.app import backend
    return backend()


def _base() -> str:
    return _backend().settings.base


# ---------------------------------------------------------------------------
# Paths and IRIs
# ---------------------------------------------------------------------------

def href(iri: str) -> str:
    """Where a page links for an IRI: our own IRIs map to this server, others stay."""
    base = _base()
    if iri.startswith(base):
        return f"{request.script_root}/{iri[len(base):]}"
    return iri


def _alternates(path: str) -> list[tuple[N.Format, str]]:
    return [(f, f"{request.script_root}{path}.{f.suffix}") for f in N.FORMATS]


# ---------------------------------------------------------------------------
# Negotiation and responses
# ---------------------------------------------------------------------------

class BadRequest(Exception):
    def __init__(self, status: int, message: str, suggestions: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status, self.message, self.suggestions = status, message, suggestions or []


def _requested(suffix_format: N.Format | None) -> N.Format | None:
    """The format named by the suffix or ``?format=`` (which must agree), or None."""
    name = request.args.get("format")
    if name is None:
        return suffix_format
    try:
        fmt = N.by_name(name)
    except N.FormatError as exc:
        raise BadRequest(400, str(exc)) from None
    if suffix_format and suffix_format != fmt:
        raise BadRequest(400, f"the suffix .{suffix_format.suffix} asks for {suffix_format.label} but "
                              f"?format={name} asks for {fmt.label}: use one or the other")
    return fmt


def _see_other(path: str, html: bool = True) -> Response:
    fmt = N.negotiate(request.accept_mimetypes, "Accept" in request.headers, html=html)
    if fmt is None:
        offered = ", ".join(m for m, f in N.ACCEPTED.items() if html or f.is_rdf)
        raise BadRequest(406, f"none of the media types in 'Accept: {request.headers.get('Accept')}' is "
                              f"available for {path}; ask for one of: {offered}, or add a suffix "
                              f"(.html, .ttl, .jsonld, .nt, .rdf) or ?format=")
    response = redirect(f"{request.script_root}{path}.{fmt.suffix}", code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = _link_header(path)
    return response


def _link_header(path: str) -> str:
    return ", ".join(f'<{p}>; rel="alternate"; type="{f.media_type}"' for f, p in _alternates(path))


def _etag(path: str, fmt: N.Format) -> str:
    return hashlib.sha256(f"{_backend().version()}|{path}|{fmt.suffix}".encode()).hexdigest()[:32]


_bodies: OrderedDict = OrderedDict()
_bodies_lock = threading.Lock()
BODY_CACHE_BYTES = 96 << 20       # per worker process
BODY_CACHE_MAX_ITEM = 8 << 20


def _body(etag: str, render) -> bytes | str:
    """A rendered document, remembered (LRU, bounded in bytes) per dataset version,
    path, format and host."""
    key = (id(_backend()), etag, request.url_root)
    with _bodies_lock:
        if key in _bodies:
            _bodies.move_to_end(key)
            return _bodies[key]
    body = render()
    if len(body) <= BODY_CACHE_MAX_ITEM:
        with _bodies_lock:
            _bodies[key] = body
            total = sum(len(b) for b in _bodies.values())
            while total > BODY_CACHE_BYTES and _bodies:
                _, dropped = _bodies.popitem(last=False)
                total -= len(dropped)
    return body


def _document(path: str, fmt: N.Format, render) -> Response:
    """Answer with the document ``path.suffix`` in ``fmt`` (304 if the client has it)."""
    etag = _etag(path, fmt)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(_body(etag, render), content_type=N.content_type(fmt))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = _link_header(path)
    if "format" in request.args:
        response.headers["Content-Location"] = f"{request.script_root}{path}.{fmt.suffix}"
    return response


def _rdf(graph, fmt: N.Format, path: str, topic: str | None) -> bytes:
    """Serialise a description; descriptions of a resource also describe the document."""
    backend = _backend()
    extra = []
    if topic is not None:
        info = build_info(backend.settings)
        extra = N.document_metadata(f"{_base()}{path.lstrip('/')}.{fmt.suffix}", topic,
                                    dataset_iri(_base()), fmt, info.built)
    context = build_context(backend)["@context"] if fmt.rdflib == "json-ld" else None
    return N.serialize(graph, fmt, _prefixes(), extra=extra, context=context,
                       context_url=url_for("linked_data.context", _external=True))


def _prefixes() -> dict[str, str]:
    from kg.jsonld_context import EXTRA_PREFIXES
    return dict(_backend().prefixes) | EXTRA_PREFIXES


def _page(template: str, path: str, **values) -> str:
    settings = _backend().settings
    return render_template(template, path=path, alternates=_alternates(path),
                           inferred_graph=settings.graph_iri("inferred"), **values)


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest):
    wants_html = N.negotiate(request.accept_mimetypes, "Accept" in request.headers) == N.HTML
    if wants_html:
        body = render_template("ld/error.html", status=exc.status, message=exc.message,
                               suggestions=exc.suggestions)
        response = Response(body, status=exc.status, content_type="text/html; charset=utf-8")
    else:
        lines = [exc.message] + [f"did you mean {p} ({label})?" for p, label in exc.suggestions]
        response = Response("\n".join(lines) + "\n", status=exc.status, content_type="text/plain; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------------------
# Resources: entities, reports, claims, named graphs
# ---------------------------------------------------------------------------

@bp.get("/id/<path:name>")
def entity(name: str):
    return _resource("id", name)


@bp.get("/report/<path:name>")
def report(name: str):
    return _resource("report", name)


@bp.get("/claim/<path:name>")
def claim(name: str):
    return _resource("claim", name)


@bp.get("/graph/<path:name>")
def graph(name: str):
    return _resource("graph", name)


def _resource(kind: str, name: str) -> Response:
    stem, suffix = N.split_suffix(name)
    fmt = _requested(suffix)
    backend = _backend()
    iri = f"{backend.settings.base}{kind}/{stem}"
    inventory = D.inventory(backend)
    if not inventory.has(kind, iri):
        raise _not_found(kind, stem)
    path = f"/{kind}/{stem}"
    if fmt is None:
        return _see_other(path)
    describe = {"id": D.describe_entity, "report": D.describe_report, "claim": D.describe_claim,
                "graph": D.describe_graph}[kind]
    template = {"id": "ld/entity.html", "report": "ld/report.html", "claim": "ld/claim.html",
                "graph": "ld/graph.html"}[kind]

    def render():
        d = describe(backend, iri)
        if fmt.is_rdf:
            return _rdf(d.graph, fmt, path, None if kind == "graph" else iri)
        return _page(template, path, d=d, labels=d.labels)
    return _document(path, fmt, render)


# ---------------------------------------------------------------------------
# Ontology, term pages, shapes, dataset
# ---------------------------------------------------------------------------

def _document_iri(name: str):
    def view():
        fmt = _requested(None)
        if fmt is None:
            return _see_other(f"/{name}")
        return _singleton(name, fmt)
    return view


for _name in DOCUMENTS:
    bp.add_url_rule(f"/{_name}", endpoint=_name, view_func=_document_iri(_name))


@bp.get("/<any(ontology, shapes, dataset):name>.<suffix>")
def document(name: str, suffix: str):
    fmt = N.BY_SUFFIX.get(suffix)
    if fmt is None:
        raise BadRequest(404, f"/{name}.{suffix}: no such format; use one of "
                              + ", ".join(f"/{name}.{f.suffix} ({f.label})" for f in N.FORMATS))
    fmt = _requested(fmt)
    return _singleton(name, fmt)


@bp.get("/.well-known/void")
def well_known_void():
    """The VoID description's well-known location (VoID §7.2): the dataset document."""
    fmt = _requested(None)
    if fmt is None:
        return _see_other("/dataset")
    return _singleton("dataset", fmt)


def _singleton(name: str, fmt: N.Format) -> Response:
    backend = _backend()
    path = f"/{name}"

    def render():
        if name == "ontology":
            if fmt.is_rdf:
                return _rdf(O.ontology_graph(backend), fmt, path, None)
            return _page("ld/ontology.html", path, doc=O.ontology_doc(backend), labels=O.ontology_doc(backend).labels)
        if name == "shapes":
            if fmt.is_rdf:
                return _rdf(O.shapes_graph(backend), fmt, path, None)
            return _page("ld/shapes.html", path, doc=O.shapes_doc(backend))
        graph = dataset_description(backend)
        if fmt.is_rdf:
            return _rdf(graph, fmt, path, None)
        info = build_info(backend.settings)
        reports = select(backend, "claims-per-report")
        return _page("ld/dataset.html", path, info=info, version=version_string(info),
                     dumps=dump_files(backend.settings.dist), reports=reports,
                     graphs=sorted(info.graphs.items()), base=backend.settings.base)
    return _document(path, fmt, render)


@bp.get("/ontology/<path:name>")
def term(name: str):
    """``/ontology/Country``: the page of ``ontology#Country`` (a class's instances, a
    property's uses). The ontology's version IRI resolves to the ontology."""
    backend = _backend()
    stem, suffix = N.split_suffix(name)
    fmt = _requested(suffix)
    doc = O.ontology_doc(backend)
    if doc.version_iri and f"{backend.settings.base}ontology/{stem}" == doc.version_iri:
        return _see_other("/ontology") if fmt is None else _singleton("ontology", fmt)
    iri = f"{doc.namespace}{stem}"
    if doc.term(iri) is None and not D.inventory(backend).has("ontology", iri):
        raise _not_found("ontology", stem)
    path = f"/ontology/{stem}"
    if fmt is None:
        return _see_other(path)

    def render():
        d = O.describe_term(backend, iri)
        if fmt.is_rdf:
            return _rdf(d.graph, fmt, path, iri)
        return _page("ld/term.html", path, d=d, t=d.term, labels=d.labels, doc=doc)
    return _document(path, fmt, render)


@bp.get("/context.jsonld")
def context():
    body = json.dumps(build_context(_backend()), indent=2, ensure_ascii=False) + "\n"
    response = Response(body, content_type="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    return response.make_conditional(request)


# ---------------------------------------------------------------------------
# Dumps, sitemap, indexes
# ---------------------------------------------------------------------------

@bp.get("/dumps/")
def dumps_index():
    backend = _backend()
    files = dump_files(backend.settings.dist)
    info = build_info(backend.settings)
    return render_template("ld/dumps.html", files=files, info=info, version=version_string(info))


@bp.get("/dumps")
def dumps_slash():
    return redirect(url_for("linked_data.dumps_index"), code=301)


@bp.get("/dumps/<name>")
def dump(name: str):
    files = dump_files(_backend().settings.dist)
    if name == "SHA256SUMS":
        response = Response(sha256sums(files), content_type="text/plain; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    for f in files:
        if f.name == name:
            response = send_file(f.path, mimetype=f.format.media_type, conditional=True, etag=f.sha256[:32],
                                 max_age=300)
            digest = base64.b64encode(bytes.fromhex(f.sha256)).decode()
            response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response
    names = [f.name for f in files] + ["SHA256SUMS"]
    raise BadRequest(404, f"no dump named {name!r}; the dumps are: {', '.join(names)}",
                     [(f"{request.script_root}/dumps/{n}", n) for n in names])


@bp.get("/sitemap.xml")
def sitemap():
    backend = _backend()
    inventory = D.inventory(backend)
    root = request.url_root.rstrip("/")
    built = build_info(backend.settings).built
    urls = [f"{root}/", f"{root}/dataset.html", f"{root}/ontology.html", f"{root}/shapes.html",
            f"{root}/dumps/"] + [f"{root}/{k}/" for k in DESCRIBED_KINDS]
    base = backend.settings.base
    for kind in DESCRIBED_KINDS:
        urls += [f"{root}/{iri[len(base):]}.html" for iri in inventory.by_kind[kind]]
    ns = O.ontology_doc(backend).namespace
    urls += [f"{root}/ontology/{t.local}.html" for t in O.ontology_doc(backend).terms.values()
             if t.iri.startswith(ns)]
    lastmod = f"<lastmod>{built}</lastmod>" if built else ""
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"  <url><loc>{escape(u)}</loc>{lastmod}</url>" for u in urls]
    body.append("</urlset>\n")
    return Response("\n".join(body), content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
def robots():
    return Response(f"User-agent: *\nAllow: /\nSitemap: {request.url_root}sitemap.xml\n",
                    content_type="text/plain; charset=utf-8")


@bp.get("/<any(id, report, claim, graph):kind>/")
def index(kind: str):
    """A plain list of every IRI of one kind, with labels."""
    backend = _backend()
    iris = D.inventory(backend).by_kind[kind]
    labels = Labels(backend.prefixes).load(backend, iris)
    titles = {"id": "Entities", "report": "Reports", "claim": "Claims", "graph": "Named graphs"}
    return render_template("ld/index.html", kind=kind, title=titles[kind], iris=iris, labels=labels)


@bp.get("/ontology/")
def ontology_slash():
    return redirect(f"{request.script_root}/ontology", code=301)


# ---------------------------------------------------------------------------
# 404 with suggestions
# ---------------------------------------------------------------------------

def _not_found(kind: str, stem: str) -> BadRequest:
    backend = _backend()
    inventory = D.inventory(backend)
    base = backend.settings.base
    candidates: dict[str, str] = {}     # slug-like key -> IRI
    kinds = [kind] + [k for k in DESCRIBED_KINDS if k != kind]
    for k in kinds:
        for iri in inventory.by_kind.get(k, []):
            candidates.setdefault(iri[len(base):].split("/", 1)[-1].lower(), iri)
    if kind == "ontology":
        for t in O.ontology_doc(backend).terms.values():
            candidates.setdefault(t.local.lower(), t.iri)
    wanted = stem.lower().strip("/")
    for suffix in ("." + f.suffix for f in N.FORMATS):
        wanted = wanted.removesuffix(suffix)
    found = difflib.get_close_matches(wanted, list(candidates), n=5, cutoff=0.6)
    found += [c for c in candidates if wanted and len(wanted) >= 3 and wanted in c and c not in found][:5]
    iris = [candidates[c] for c in found[:6]]
    labels = Labels(backend.prefixes).load(backend, iris)
    suggestions = [(_term_path(i), labels(i)) for i in iris]
    message = f"There is no {_kind_name(kind)} {request.script_root}/{kind}/{stem} in this graph."
    return BadRequest(404, message, suggestions)


def _term_path(iri: str) -> str:
    backend = _backend()
    ns = backend.settings.base + "ontology#"
    if iri.startswith(ns):
        return f"{request.script_root}/ontology/{iri[len(ns):]}"
    return href(iri)


def _kind_name(kind: str) -> str:
    return {"id": "entity", "report": "report", "claim": "claim", "graph": "named graph",
            "ontology": "ontology term"}.get(kind, kind)


# ---------------------------------------------------------------------------
# Template helpers
# ---------------------------------------------------------------------------

def _short_iri(iri: str) -> str:
    return Labels(_backend().prefixes).short(iri)


def term_path(iri: str) -> str:
    """Ontology terms link to their own page; everything else to ``href``."""
    return _term_path(iri)


def term_kind(term) -> str:
    """'iri', 'literal' or 'bnode' for pyoxigraph and rdflib terms alike."""
    if isinstance(term, (ox.NamedNode, URIRef)):
        return "iri"
    if isinstance(term, (ox.Literal, RdfLiteral)):
        return "literal"
    return "bnode"


def term_value(term) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def literal_info(term) -> dict:
    """Value, language and datatype of a literal (no datatype shown for plain strings)."""
    if isinstance(term, ox.Literal):
        language, datatype = term.language, term.datatype.value
    else:
        language, datatype = term.language, str(term.datatype) if term.datatype else None
    if language or datatype in (None, str(XSD.string), str(RDF.langString)):
        datatype = None
    return {"value": term_value(term), "language": language, "datatype": datatype}


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(href, "ld_href")
    app.add_template_global(term_path, "ld_term_path")
    app.add_template_global(_short_iri, "ld_short")
    app.add_template_global(term_kind, "ld_kind")
    app.add_template_global(term_value, "ld_value")
    app.add_template_global(literal_info, "ld_literal")
    app.add_template_global(lambda: _base(), "ld_base")
    app.add_template_global(lambda name: f"{_base()}ontology#{name}", "ld_dsr")
