"""The append-only log of accepted writes: ``triples/changes/NNNNNN.rdfp``.

Each accepted request becomes one file in RDF Patch form (``A``/``D`` rows of N-Quads
between ``TX``/``TC``; headers ``H id`` and ``H prev`` chain the files), so a change is
reviewable with ``git diff`` and ``dsr build`` replays the log over the curated Turtle.
A file is written to a temporary name, flushed to disk and renamed into place, and the
directory is synced: after a crash a change is either entirely there or absent. An
exclusive lock on ``triples/changes/.lock`` serialises writers across processes.

Within one change, deletions are applied before additions (the two sets are disjoint).
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from .errors import KGError, Location, SyntaxProblem
from .loading import _canonical_decimal
from .namespaces import DEFAULT_BASE

CHANGES_DIR = "changes"
SUFFIX = ".rdfp"
_NAME = re.compile(r"^(\d{6,})\.rdfp$")
_THREAD_LOCK = threading.Lock()

Quad = tuple[URIRef, URIRef, object, URIRef]   # subject, predicate, object, curated graph


@dataclass
class Change:
    """One accepted write: quads removed and added, in curated graphs."""

    number: int
    id: str
    prev: str | None
    removed: list[Quad] = field(default_factory=list)
    added: list[Quad] = field(default_factory=list)
    summary: str = ""
    path: Path | None = None


def changes_dir(triples_dir: Path) -> Path:
    return triples_dir / CHANGES_DIR


def change_files(triples_dir: Path) -> list[Path]:
    """The change files in the order they are applied."""
    folder = changes_dir(triples_dir)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _NAME.match(p.name)), key=lambda p: int(_NAME.match(p.name)[1]))


@contextmanager
def write_lock(triples_dir: Path) -> Iterator[None]:
    """Exclusive across threads and processes (flock on a lock file next to the log)."""
    folder = changes_dir(triples_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():      # the lock and unfinished files are not part of the history
        ignore.write_text(".lock\n.*.tmp\n", encoding="utf-8")
    with _THREAD_LOCK, open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_changes(triples_dir: Path, base: str = DEFAULT_BASE, after: int = 0) -> list[Change]:
    """Parse the log (the changes numbered above ``after``), checking the id chain."""
    out: list[Change] = []
    expected: str | None = None
    for path in change_files(triples_dir):
        number = int(_NAME.match(path.name)[1])
        if number <= after:
            expected = _header_id(path)
            continue
        change = read_change(path, base)
        if change.prev != expected:
            raise KGError(f"{path}: the change log is broken: this change follows "
                          f"{change.prev or 'nothing'}, but the change before it is {expected or 'absent'}; "
                          "restore the missing change file (see `git log triples/changes`) or renumber "
                          "changes merged from another branch")
        expected = change.id
        out.append(change)
    return out


def _header_id(path: Path) -> str | None:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("H id "):
                return line[5:].rstrip(" .\n").strip("<>")
            if line.startswith("TX"):
                break
    return None


def read_change(path: Path, base: str = DEFAULT_BASE) -> Change:
    text = path.read_text(encoding="utf-8")
    if base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base)
    headers: dict[str, str] = {}
    rows: dict[str, list[str]] = {"A": [], "D": []}
    summary = ""
    for lineno, line in enumerate(text.splitlines(), 1):
        for kind in rows:
            rows[kind].append("")
        if not line.strip() or line.startswith(("TX", "TC")):
            continue
        if line.startswith("#"):
            summary = summary or line.lstrip("# ").strip()
            continue
        tag, _, rest = line.partition(" ")
        if tag == "H":
            key, _, value = rest.rstrip(" .").partition(" ")
            headers[key] = value.strip("<>")
        elif tag in rows:
            rows[tag][-1] = rest
        else:
            raise SyntaxProblem(Location(str(path), lineno), f"unknown row tag {tag!r}: RDF Patch rows start "
                                "with H, TX, TC, A or D")
    return Change(number=int(_NAME.match(path.name)[1]) if _NAME.match(path.name) else 0,
                  id=headers.get("id", ""), prev=headers.get("prev") or None,
                  removed=_quads("\n".join(rows["D"]), path), added=_quads("\n".join(rows["A"]), path),
                  summary=summary, path=path)


def _quads(nquads: str, path: Path) -> list[Quad]:
    try:
        parsed = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return [(URIRef(q.subject.value), URIRef(q.predicate.value), _from_ox(q.object),
                 URIRef(q.graph_name.value)) for q in parsed]
    except SyntaxError as exc:
        raise SyntaxProblem(Location(str(path), exc.lineno), str(exc)) from None


def _from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return _canonical_decimal(Literal(term.value, datatype=URIRef(term.datatype.value)))


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"blank nodes cannot be written to the change log: {term}")


def quad_row(tag: str, quad: Quad) -> str:
    s, p, o, g = quad
    return f"{tag} {ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.NamedNode(str(g)))} .\n"


def head(triples_dir: Path) -> tuple[int, str | None]:
    """(number, id) of the newest change, or (0, None): cheap, reads one header."""
    files = change_files(triples_dir)
    if not files:
        return 0, None
    return int(_NAME.match(files[-1].name)[1]), _header_id(files[-1])


def append_change(triples_dir: Path, removed: list[Quad], added: list[Quad], summary: str,
                  base: str = DEFAULT_BASE) -> Change:
    """Write the next change file durably; call with ``write_lock`` held."""
    folder = changes_dir(triples_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = change_files(triples_dir)
    number = int(_NAME.match(files[-1].name)[1]) + 1 if files else 1
    prev = _header_id(files[-1]) if files else None
    change = Change(number=number, id=f"urn:uuid:{uuid.uuid4()}", prev=prev,
                    removed=sorted(removed, key=_key), added=sorted(added, key=_key), summary=summary)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [f"# {summary}\n", f"H id <{change.id}> .\n"]
    if prev:
        lines.append(f"H prev <{prev}> .\n")
    lines.append(f'H created "{stamp}"^^<{XSD.dateTime}> .\n')
    lines.append("TX .\n")
    lines += [quad_row("D", q) for q in change.removed]
    lines += [quad_row("A", q) for q in change.added]
    lines.append("TC .\n")
    text = "".join(lines)
    if base != DEFAULT_BASE:
        text = text.replace(base, DEFAULT_BASE)   # the log, like triples/, is written with the default base
    final = folder / f"{number:06d}{SUFFIX}"
    tmp = folder / f".{final.name}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(tmp, final)
    _sync_dir(folder)
    change.path = final
    return change


def _key(quad: Quad) -> tuple:
    return tuple(str(x) for x in (quad[3], quad[0], quad[1], quad[2]))


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def apply(graphs: dict[str, Graph], change: Change) -> None:
    """Apply one change to curated graphs (graph IRI -> Graph), deletions first."""
    for s, p, o, g in change.removed:
        if str(g) in graphs:
            graphs[str(g)].remove((s, p, o))
    for s, p, o, g in change.added:
        graphs.setdefault(str(g), Graph(identifier=URIRef(str(g)))).add((s, p, o))
