"""Flask application factory: a thin HTTP layer over kg.store."""

from __future__ import annotations

from flask import Flask, jsonify

from kg.config import Settings, load_settings
from kg.stats import read_stats


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["DSR_SETTINGS"] = settings

    @app.get("/")
    def home():
        stats = read_stats(settings.dist)
        return jsonify({"name": "Digital Silk Road in the Western Balkans knowledge graph",
                        "triples": stats["triples"], "claims": stats["claims"],
                        "entities": stats["entities"]})

    return app
