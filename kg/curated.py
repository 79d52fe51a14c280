"""The curated dataset: what curators wrote, one graph per report, with the change
log replayed.

``triples/rNNN/`` holds what was curated from report NNN (the report whose
``dsr:sourceFile`` starts with ``NNN_``): its curated graph is the report's graph IRI,
and writes over HTTP address the same IRI. Everything else (``reports.ttl``,
``core/``) is the read-only core layer, under the entities graph IRI. The build
flattens the curated graphs and derives the published graphs from them
(``kg.claims``); a triple deleted from one report's graph survives if another
report's graph still holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from .changelog import Change, apply, head, read_changes
from .config import Settings
from .loading import FORMATS, input_files, parse_file
from .namespaces import DSR

_REPORT_DIR = re.compile(r"^r(\d{3})$")


@dataclass
class Curated:
    """Curated graphs (IRI -> Graph) after replaying the log up to change ``number``."""

    graphs: dict[str, Graph]
    writable: dict[str, str]          # report graph IRI -> its directory under triples/
    core: str                         # IRI of the read-only core layer
    number: int = 0                   # the last change applied (0: none)
    change_id: str | None = None
    files: list[Path] = field(default_factory=list)

    def union(self) -> Graph:
        merged = Graph()
        for g in self.graphs.values():
            merged += g
        return merged

    def replay(self, changes: list[Change]) -> None:
        for change in changes:
            apply(self.graphs, change)
            self.number, self.change_id = change.number, change.id


def report_directories(triples: Graph, settings: Settings) -> dict[str, str]:
    """Directory name (``r001``) -> graph IRI of the report whose source file is NNN_*."""
    out = {}
    for report, name in triples.subject_objects(DSR.sourceFile):
        if m := re.match(r"^(\d{3})_", str(name)):
            slug = str(report)[len(settings.base + "report/"):]
            out[f"r{m.group(1)}"] = settings.graph_iri(slug)
    return out


def curated_graph_of(path: Path, settings: Settings, directories: dict[str, str]) -> str:
    rel = path.relative_to(settings.triples_dir).parts
    if len(rel) > 1 and rel[0] in directories:
        return directories[rel[0]]
    return settings.graph_iri("entities")


def load_curated(settings: Settings) -> Curated:
    """Parse triples/ into curated graphs and replay the change log."""
    _, _, files = input_files(settings)
    parsed = {path: parse_file(path, settings.base) for path in files}
    everything = Graph()
    for g in parsed.values():
        everything += g
    directories = report_directories(everything, settings)
    core = settings.graph_iri("entities")
    graphs: dict[str, Graph] = {core: Graph(identifier=URIRef(core))}
    for iri in directories.values():
        graphs.setdefault(iri, Graph(identifier=URIRef(iri)))
    for path, g in parsed.items():
        graphs[curated_graph_of(path, settings, directories)] += g
    curated = Curated(graphs, {iri: d for d, iri in directories.items()}, core, files=files)
    curated.replay(read_changes(settings.triples_dir, settings.base))
    return curated


def has_changes(settings: Settings) -> bool:
    return head(settings.triples_dir)[0] > 0


__all__ = ["Curated", "FORMATS", "curated_graph_of", "has_changes", "load_curated", "report_directories"]
