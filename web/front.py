"""The pages people explore the graph with: home, search, query editor, canned-query
gallery and the visual views (timeline, country matrix, neighbourhood graph).

Pages are rendered here; the editor, the gallery and the views fetch their rows in the
browser from the SPARQL endpoint (``/sparql``) and the canned queries (``/queries/NAME``)
of ``web.sparql``, so each view runs a query the reader can see, copy and rerun.
Every script, style and font is served from ``/static``: no request leaves the origin,
which the Content-Security-Policy of these pages also enforces.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request, url_for

from kg.queries import CannedQuery, ParameterError, load_queries
from kg.stats import read_stats

from .app import backend
from .label_index import LabelIndex, normalise

bp = Blueprint("front", __name__)

QUERIES = Path(__file__).parent / "queries"
VENDOR = Path(__file__).parent / "static" / "vendor"
SEARCH_LIMIT_MAX = 100
SEARCH_TEXT_MAX = 200

# The views: the canned query that drives each, and what it shows.
VIEWS = {
    "timeline": ("timeline", "Timeline", "Agreements, contracts, measures and events by date, filterable by country and actor."),
    "matrix": ("country-matrix", "Country matrix", "Which country joined which initiative and deals with which vendor, each cell with its sources."),
    "graph": ("neighbourhood", "Neighbourhood graph", "An entity and everything the reports link it to, one or two steps away."),
}
# Groups for colouring graph nodes, most specific first.
CLASS_GROUPS = ("Report", "Claim", "Agreement", "Event", "Measure", "Situation", "Infrastructure", "Actor", "Concept")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'self'")

DEFAULT_QUERY = """\
# Our prefixes (dsr:, id:, report:, claim:, skos:, ...) are predeclared.
# Who joined the Clean Network, according to which report?
SELECT ?actor ?stance ?report ?quote
WHERE {
  ?claim rdf:subject ?actor ;
         rdf:predicate dsr:memberOf ;
         rdf:object id:clean-network ;
         dsr:stance ?stance ;
         dsr:source ?report ;
         dsr:quote ?quote .
}
ORDER BY ?actor
"""


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions["dsr-front"] = _Cache()
    app.context_processor(_site_context)
    app.add_template_filter(local_href, "local")
    app.add_template_filter(short_name, "short")


# --- helpers ------------------------------------------------------------------

@dataclass
class _Derived:
    version: str
    index: LabelIndex
    groups: dict[str, str]
    vocabulary: dict
    report_labels: dict[str, str]
    technologies: list[tuple[str, str, int]]     # (prefixed name, label, number of things)


class _Cache:
    """What the pages derive from the dataset, rebuilt when the dataset version changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._derived: _Derived | None = None

    def get(self) -> _Derived:
        be = backend()
        version = be.version()
        derived = self._derived
        if derived is None or derived.version != version:
            with self._lock:
                if self._derived is None or self._derived.version != version:
                    self._derived = _derive(version)
                derived = self._derived
        return derived


def _rq(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def _derive(version: str) -> _Derived:
    be = backend()
    index = LabelIndex.from_rows(be.query(_rq("search-index")))
    report_labels = {row["report"].value: row["label"].value for row in be.query(_rq("reports"))}
    technologies = [(short_name(row["technology"].value),
                     row["label"].value if row["label"] is not None else short_name(row["technology"].value),
                     int(row["things"].value)) for row in be.query(_rq("technologies"))]
    return _Derived(version, index, _class_groups(be), _vocabulary(be, index), report_labels, technologies)


def _class_groups(be) -> dict[str, str]:
    """Each class IRI -> the most specific of CLASS_GROUPS it falls under."""
    groups: dict[str, str] = {}
    for row in be.query(_rq("class-groups")):
        cls, group = row["class"].value, _local(row["group"].value)
        if cls not in groups or CLASS_GROUPS.index(group) < CLASS_GROUPS.index(groups[cls]):
            groups[cls] = group
    return groups


def _vocabulary(be, index: LabelIndex) -> dict:
    """Prefixes and every term under them (ontology terms, used predicates and classes,
    entities and reports) with kind, label and definition: the editor's completions."""
    terms: dict[str, dict] = {}
    for row in be.query(_rq("vocabulary")):
        name = short_name(row["term"].value)
        if name == row["term"].value:
            continue      # not under one of our prefixes: nothing to complete
        entry = terms.setdefault(name, {"name": name, "kind": row["kind"].value})
        for key in ("label", "definition"):
            if row[key] is not None and key not in entry:
                entry[key] = row[key].value
    for item in index.items:
        name = short_name(item.iri)
        terms.setdefault(name, {"name": name, "kind": "entity", "label": item.label,
                                "definition": ", ".join(tl for _, tl in item.types)})
    return {"prefixes": be.prefixes, "terms": sorted(terms.values(), key=lambda t: t["name"])}


def _derived() -> _Derived:
    return current_app.extensions["dsr-front"].get()


def _settings():
    return current_app.config["DSR_SETTINGS"]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def local_href(iri: str) -> str:
    """The path on this server that resolves an IRI of ours (GUIDE §1); other IRIs unchanged."""
    base = _settings().base
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def short_name(iri: str) -> str:
    """``id:serbia`` for an IRI under one of our prefixes (the longest namespace wins), else the IRI."""
    matches = [(len(ns), name, ns) for name, ns in backend().prefixes.items() if iri.startswith(ns)]
    if not matches:
        return iri
    _, name, ns = max(matches)
    return f"{name}:{iri[len(ns):]}"


def _canned() -> dict[str, CannedQuery]:
    return load_queries(_settings().queries_dir)


def _has_route(rule: str) -> bool:
    return any(r.rule == rule for r in current_app.url_map.iter_rules())


def _site_context() -> dict:
    context = {"dsr_has_route": _has_route, "dsr_views": VIEWS, "vendor_bundle": vendor_bundle}
    try:
        context.update(dsr_base=current_app.config["DSR_SETTINGS"].base, dsr_prefixes=backend().prefixes,
                       dsr_report_labels=_derived().report_labels)
    except Exception:       # an error page about a failing store must still render
        current_app.logger.exception("page context without prefixes and report labels")
    return context


def vendor_bundle(name: str) -> str | None:
    """The URL of a built front-end bundle, or None when it was not built (no npm):
    pages then fall back to a plain textarea or a simple layout."""
    return url_for("static", filename=f"vendor/{name}") if (VENDOR / name).exists() else None


def _wants_json() -> bool:
    """JSON for ``format=json`` or an Accept header preferring it; HTML otherwise."""
    fmt = request.args.get("format")
    if fmt in ("json", "html"):
        return fmt == "json"
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _error(status: int, message: str, as_json: bool):
    if as_json:
        return jsonify({"error": message, "status": status}), status
    return render_template("front/error.html", status=status, message=message), status


@bp.after_request
def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.vary.add("Accept")
    return response


# --- pages --------------------------------------------------------------------

@bp.get("/")
def home():
    settings = _settings()
    try:
        stats = read_stats(settings.dist)
    except (FileNotFoundError, ValueError):
        stats = None
    per_report = {r["report"]: r for r in (stats or {}).get("reports", [])}
    reports = []
    for row in backend().query(_rq("reports")):
        iri = row["report"].value
        reports.append({"iri": iri, "label": row["label"].value,
                        "title": row["title"].value if row["title"] is not None else None,
                        "issued": row["issued"].value if row["issued"] is not None else None,
                        "publisher": row["publisherLabel"].value if row["publisherLabel"] is not None else None,
                        "creators": row["creators"].value if row["creators"] is not None else "",
                        "numbers": per_report.get(iri)})
    facts = sum((r.get("facts") or 0) for r in per_report.values())
    return render_template("front/home.html", stats=stats, reports=reports, facts=facts,
                           queries=_canned())


@bp.get("/search")
def search():
    as_json = _wants_json()
    fmt = request.args.get("format")
    if fmt not in (None, "json", "html"):
        return _error(400, f"format must be 'json' or 'html', got {fmt!r}", as_json)
    text = request.args.get("q", "")
    raw_limit = request.args.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= SEARCH_LIMIT_MAX:
        return _error(400, f"limit must be a whole number from 1 to {SEARCH_LIMIT_MAX}, got {raw_limit!r}", as_json)
    if len(text) > SEARCH_TEXT_MAX:
        return _error(400, f"the search text is {len(text)} characters long; at most {SEARCH_TEXT_MAX} are allowed", as_json)
    hits = _derived().index.search(text, int(raw_limit))
    results = [{"iri": h.item.iri, "label": h.item.label, "matched": h.matched,
                "id": short_name(h.item.iri), "url": local_href(h.item.iri),
                "types": [tl for _, tl in h.item.types]} for h in hits]
    if as_json:
        return jsonify({"query": text, "normalised": normalise(text), "results": results})
    return render_template("front/search.html", q=text, results=results)


@bp.get("/query")
def query_editor():
    text = request.args.get("query") or DEFAULT_QUERY
    examples = [{"name": q.name, "title": q.title, "text": q.text} for q in _canned().values()]
    return render_template("front/query.html", text=text, examples=examples,
                           autorun="query" in request.args, prefixes=backend().prefixes)


@bp.get("/query/vocabulary.json")
def vocabulary():
    """Prefixes and the terms under each, for the editor's completion."""
    return jsonify(_derived().vocabulary)


@bp.get("/gallery")
def gallery():
    return render_template("front/gallery.html", queries=_canned(), views=VIEWS)


@bp.get("/gallery/<name>")
def gallery_query(name: str):
    queries = _canned()
    query = queries.get(name)
    if query is None:
        close = [q for q in queries.values() if normalise(name) in normalise(q.name + " " + q.title)]
        return render_template("front/error.html", status=404,
                               message=f"There is no canned query named {name!r}.",
                               suggestions=[(url_for("front.gallery_query", name=q.name), q.title)
                                            for q in (close or queries.values())]), 404
    values = {p.name: request.args.get(p.name, p.default or "") for p in query.params}
    view = next((key for key, (qname, _, _) in VIEWS.items() if qname == name), None)
    return render_template("front/gallery_query.html", query=query, values=values, view=view)


@bp.get("/views")
def views():
    return render_template("front/views.html", views=VIEWS)


def _view_context(key: str) -> dict:
    qname, title, blurb = VIEWS[key]
    query = _canned().get(qname)
    if query is None:
        abort(500, description=f"the canned query {qname}.rq that drives the {title.lower()} is missing from queries/")
    return {"view": key, "title": title, "blurb": blurb, "query": query}


@bp.get("/views/timeline")
def timeline():
    return render_template("front/timeline.html", **_view_context("timeline"),
                           country=request.args.get("country", ""), actor=request.args.get("actor", ""))


@bp.get("/views/matrix")
def matrix():
    return render_template("front/matrix.html", **_view_context("matrix"),
                           technologies=_derived().technologies, technology=request.args.get("technology", ""))


@bp.get("/views/graph")
def graph():
    context = _view_context("graph")
    param = next(p for p in context["query"].params if p.name == "entity")
    raw = request.args.get("entity") or param.default or ""
    derived = _derived()
    items = {item.iri: item for item in derived.index.items}
    try:
        iri = param.to_term(raw if ":" in raw else f"id:{raw}", _settings().base).value
    except ParameterError as exc:
        return render_template("front/error.html", status=400, message=str(exc)), 400
    item = items.get(iri)
    if item is None:
        text, hits = _local(iri).replace("-", " "), []
        while text and not hits:        # a typo at the end: try shorter prefixes
            hits, text = derived.index.search(text, 8), text[:-1]
        return render_template("front/error.html", status=404,
                               message=f"No entity {short_name(iri)} in the graph.",
                               suggestions=[(url_for("front.graph", entity=short_name(h.item.iri)), h.item.label)
                                            for h in hits]), 404
    return render_template("front/graph.html", **context, entity=item, entity_id=short_name(iri),
                           groups=derived.groups)
