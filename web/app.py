"""Flask application factory: a thin HTTP layer over a kg Backend.

Each concern is a blueprint in its own module, registered here and nowhere else:
``web.sparql`` (SPARQL protocol, canned queries), ``web.linked_data`` (entity,
report, claim, ontology IRIs), ``web.front`` (home, search, query UI, views) and
``web.curation`` (validation and write path). Modules that do not exist yet are
skipped, so each can land on its own.
"""

from __future__ import annotations

import importlib

from flask import Flask

from kg.backend import Backend, open_backend
from kg.config import Settings, load_settings

BLUEPRINT_MODULES = ("web.sparql", "web.linked_data", "web.front", "web.curation")


def create_app(settings: Settings | None = None, backend: Backend | None = None,
               **config) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(DSR_SETTINGS=settings, **config)
    app.extensions["dsr"] = backend or open_backend(settings, config.get("DSR_STORE_URL"))
    for name in BLUEPRINT_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)
    if "web.front" not in app.blueprints and not any(r.rule == "/" for r in app.url_map.iter_rules()):
        @app.get("/")
        def home():
            from kg.stats import read_stats
            stats = read_stats(settings.dist)
            return {"name": "Digital Silk Road in the Western Balkans knowledge graph",
                    "triples": stats["triples"], "claims": stats["claims"], "entities": stats["entities"]}
    return app


def backend() -> Backend:
    """The Backend of the current app (use inside request handlers)."""
    from flask import current_app
    return current_app.extensions["dsr"]
