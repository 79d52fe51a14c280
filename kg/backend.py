"""Where queries are answered: the embedded Oxigraph store, or an external SPARQL
endpoint. Everything above this module (CLI, web) talks to a Backend only.

Term objects are pyoxigraph terms in both cases, so callers never care which
backend answered.
"""

from __future__ import annotations

from typing import Protocol

import pyoxigraph as ox

from .config import Settings
from .store import GraphStore


class Backend(Protocol):
    settings: Settings
    prefixes: dict[str, str]

    def query(self, sparql: str, *, asserted_only: bool = False,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run SPARQL; returns pyoxigraph QuerySolutions / QueryBoolean / QueryTriples."""

    def version(self) -> str:
        """An identifier of the dataset version (for ETags and caches)."""


class EmbeddedBackend:
    """Queries answered in-process by pyoxigraph over ``dist/dataset.nq``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.graph_store = GraphStore(settings)
        self.prefixes = self.graph_store.prefixes
        info = settings.dist / "build-info.json"
        self._version = info.read_text() if info.exists() else ""

    def query(self, sparql: str, *, asserted_only: bool = False, substitutions=None):
        return self.graph_store.query(sparql, asserted_only=asserted_only, substitutions=substitutions)

    def version(self) -> str:
        import hashlib
        return hashlib.sha256(self._version.encode()).hexdigest()[:16]


def open_backend(settings: Settings, store_url: str | None = None) -> Backend:
    """The embedded store by default; an external SPARQL endpoint if ``store_url`` is set."""
    if store_url:
        raise NotImplementedError("external stores arrive with the SPARQL endpoint work (issue 7)")
    return EmbeddedBackend(settings)
