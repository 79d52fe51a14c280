"""The query engine: the built dataset in an embedded pyoxigraph store.

rdflib is kept for parsing, SHACL and reasoning at build time; queries are answered
by Oxigraph, which is one to two orders of magnitude faster than rdflib's SPARQL.
The default graph is the union of all named graphs (asserted and inferred);
``asserted_only`` restricts it to everything but the inferred graph.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .config import Settings
from .dataset_io import DATASET_NQ
from .namespaces import prefixes


class GraphStore:
    """An in-memory Oxigraph store over ``dist/dataset.nq``."""

    def __init__(self, settings: Settings, path: Path | None = None):
        self.settings = settings
        self.store = ox.Store()
        source = path or settings.dist / DATASET_NQ
        if not source.exists():
            raise FileNotFoundError(f"{source} does not exist: run `dsr build` first")
        self.store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        self.inferred_graph = ox.NamedNode(settings.graph_iri("inferred"))
        self.prefixes = prefixes(settings.base)

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted((g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)),
                      key=lambda g: g.value)

    def asserted_graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.named_graphs() if g != self.inferred_graph]

    def query(self, sparql: str, *, asserted_only: bool = False,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run a SPARQL query; our prefixes are predeclared, the default graph is the union."""
        kwargs: dict = {"prefixes": self.prefixes}
        if asserted_only:
            kwargs["default_graph"] = self.asserted_graphs()
        else:
            kwargs["use_default_graph_as_union"] = True
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        return self.store.query(sparql, **kwargs)

    def __len__(self) -> int:
        return len(self.store)
