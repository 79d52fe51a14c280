"""Where things live and which base IRI the graph uses: the one place for configuration.

Every setting can come from an environment variable (``DSR_*``) so the CLI, the
server and the tests share one source of truth.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .namespaces import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Paths and identity of one knowledge-graph instance."""

    root: Path = PROJECT_ROOT
    base: str = DEFAULT_BASE
    dist: Path = field(default_factory=lambda: PROJECT_ROOT / "dist")
    reasoner: str = "compiled"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def triples_dir(self) -> Path:
        return self.root / "triples"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def graph_iri(self, slug: str) -> str:
        return f"{self.base}graph/{slug}"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def load_settings(**overrides) -> Settings:
    """Settings from ``DSR_ROOT``, ``DSR_BASE``, ``DSR_DIST`` and ``DSR_REASONER``,
    then explicit overrides."""
    root = Path(os.environ.get("DSR_ROOT", PROJECT_ROOT)).resolve()
    base = os.environ.get("DSR_BASE", DEFAULT_BASE)
    dist = Path(os.environ.get("DSR_DIST", root / "dist")).resolve()
    reasoner = os.environ.get("DSR_REASONER", "compiled")
    settings = Settings(root=root, base=base, dist=dist, reasoner=reasoner)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "base" in overrides and not overrides["base"].endswith("/"):
        raise ValueError(f"base IRI must end with '/': {overrides['base']!r}")
    return settings.with_(**overrides)
