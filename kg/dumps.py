"""The downloadable dumps of the dataset and their checksums.

``dsr build`` writes ``dataset.nq`` and ``dataset.trig``; this module adds
``dataset.jsonld`` (expanded JSON-LD, one ``@graph`` per named graph: full IRIs and
no context, so the file needs nothing from the network) and lists the dumps with size, media
type and SHA-256 for ``/dumps/``, the DCAT distributions and ``SHA256SUMS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from .dataset_io import DATASET_NQ, DATASET_TRIG, AtomicFile, read_nquads

DATASET_JSONLD = "dataset.jsonld"


@dataclass(frozen=True)
class DumpFormat:
    name: str
    media_type: str
    label: str


DUMPS = (
    DumpFormat(DATASET_TRIG, "application/trig", "TriG (Turtle with named graphs)"),
    DumpFormat(DATASET_NQ, "application/n-quads", "N-Quads"),
    DumpFormat(DATASET_JSONLD, "application/ld+json", "JSON-LD"),
)


@dataclass(frozen=True)
class DumpFile:
    format: DumpFormat
    path: Path
    size: int
    sha256: str
    modified: str           # ISO 8601, UTC

    @property
    def name(self) -> str:
        return self.format.name


def write_jsonld(dist: Path, base: str = "") -> dict[str, str]:
    """Write ``dataset.jsonld`` from ``dataset.nq`` (same quads, same order); returns
    file name -> sha256. Streamed to disk: the file is never held in memory."""
    with AtomicFile(dist / DATASET_JSONLD) as out:
        ox.serialize(read_nquads(dist), output=out, format=ox.RdfFormat.JSON_LD)
    return {DATASET_JSONLD: out.sha256}


_sums: dict[tuple[str, float, int], str] = {}


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, remembered while the file is unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _sums:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _sums[key] = h.hexdigest()
    return _sums[key]


def dump_files(dist: Path) -> list[DumpFile]:
    """The dumps present in ``dist``, in a fixed order."""
    out = []
    for fmt in DUMPS:
        path = dist / fmt.name
        if path.exists():
            stat = path.stat()
            modified = datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(microsecond=0)
            out.append(DumpFile(fmt, path, stat.st_size, sha256_of(path), modified.isoformat()))
    return out


def sha256sums(files: list[DumpFile]) -> str:
    """``sha256sum -c`` compatible text."""
    return "".join(f"{f.sha256}  {f.name}\n" for f in files)
