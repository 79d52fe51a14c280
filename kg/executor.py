"""A query process: holds the dataset in its own pyoxigraph store and answers one
query at a time for its parent (``kg.pool``), which kills it when a query runs over
its time limit. Oxigraph cannot cancel a running query, and a thread cannot be
stopped, so a separate process is the unit that can be stopped cleanly.

Before loading anything the process cuts itself off the network (a new, empty network
namespace, so SERVICE or any other outgoing request fails even if one slipped past
``kg.sparql_safety``) and caps its address space, so a query that would exhaust memory
kills only this process.

Protocol on stdin/stdout: frames of a 4-byte big-endian length and a payload. The
parent sends a JSON job; the child answers with a JSON header frame and a body frame.
Run as ``python -m kg.executor CONFIG_JSON``.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import re
import resource
import struct
import sys
import threading
import time

import pyoxigraph as ox

from kg.result_formats import BY_KEY, QUAD_FORMATS

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_POSITION = re.compile(r"error at (\d+):(\d+)")


class OverflowLimit(Exception):
    """The answer passed the row ("rows") or byte ("bytes") cap."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


# Byte patterns that occur exactly once per solution in a format's output (the text of a
# value cannot contain them: JSON escapes '"' inside strings, XML escapes '<'), so the
# row cap can be checked while the Rust serializer streams. JSON's pattern marks the
# boundary after a row with bindings, so it undercounts rows without any: a large
# answer is counted exactly afterwards.
_ROW_MARKS = {"tsv": b"\n", "xml": b"<result>", "json": b'}},{"'}


class _CappedBuffer(io.RawIOBase):
    """Collects output, stopping the serializer once it passes the byte cap or the row
    cap (counted by a per-row byte pattern)."""

    def __init__(self, max_bytes: int, mark: bytes | None = None, max_marks: int | None = None):
        self.parts: list[bytes] = []
        self.size = 0
        self.marks = 0
        self.max_bytes, self.mark, self.max_marks = max_bytes, mark, max_marks
        self._tail = b""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.size += len(data)
        if self.size > self.max_bytes:
            raise OverflowLimit("bytes")
        if self.mark is not None:
            window = self._tail + data
            self.marks += window.count(self.mark)
            self._tail = window[-(len(self.mark) - 1):] if len(self.mark) > 1 else b""
            if self.max_marks is not None and self.marks > self.max_marks:
                raise OverflowLimit("rows")
        self.parts.append(data)
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def serialize_capped(results, fmt, prefixes: dict[str, str] | None, max_rows: int,
                     max_bytes: int) -> tuple[dict, bytes]:
    """Serialise a pyoxigraph result in ``fmt``; raises OverflowLimit past the row or byte cap."""
    if isinstance(results, ox.QueryBoolean):
        if fmt.kind != "solutions":
            return {"ok": False, "error": "format", "kind": "boolean"}, b""
        body = results.serialize(format=fmt.oxigraph)
        return {"ok": True, "kind": "boolean", "rows": None}, body
    if isinstance(results, ox.QuerySolutions):
        if fmt.kind != "solutions":
            return {"ok": False, "error": "format", "kind": "solutions"}, b""
        mark = _ROW_MARKS.get(fmt.key)
        if mark is None:
            # CSV may quote newlines: count rows on TSV (one line per row), then convert.
            buf = _CappedBuffer(max_bytes, b"\n", max_rows + 1)
            results.serialize(buf, ox.QueryResultsFormat.TSV)
            rows = buf.marks - 1
            body = ox.parse_query_results(buf.value(), ox.QueryResultsFormat.TSV).serialize(format=fmt.oxigraph)
            if len(body) > max_bytes:
                raise OverflowLimit("bytes")
            return {"ok": True, "kind": "solutions", "rows": rows}, body
        # marks per answer: TSV a header line plus one per row; XML one per row; JSON one
        # between two rows.
        offset = {"tsv": 1, "xml": 0, "json": -1}[fmt.key]
        buf = _CappedBuffer(max_bytes, mark, max_rows + offset)
        results.serialize(buf, fmt.oxigraph)
        body = buf.value()
        if fmt.key != "json":
            rows = buf.marks - offset
        elif len(body) >= 3 * max_rows:          # rows without bindings are not marked: count
            rows = sum(1 for _ in ox.parse_query_results(body, ox.QueryResultsFormat.JSON))
            if rows > max_rows:
                raise OverflowLimit("rows")
        else:                                    # too small to hold more rows than the cap
            rows = buf.marks + 1 if b'"bindings":[{' in body else 0
        return {"ok": True, "kind": "solutions", "rows": rows}, body
    if fmt.kind != "graph":
        return {"ok": False, "error": "format", "kind": "graph"}, b""
    count = 0

    def capped():
        nonlocal count
        for triple in results:
            count += 1
            if count > max_rows:
                raise OverflowLimit("rows")
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()) \
                if fmt.key in QUAD_FORMATS else triple

    buf = _CappedBuffer(max_bytes)
    prefixes = None if fmt.key in ("ntriples", "nquads") else prefixes
    ox.serialize(capped(), buf, fmt.oxigraph, prefixes=prefixes)
    return {"ok": True, "kind": "graph", "rows": count}, buf.value()


def isolate_network() -> str:
    """Move into an empty network namespace; returns how, or why not."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags, how in ((_CLONE_NEWNET, "network namespace"),
                       (_CLONE_NEWUSER | _CLONE_NEWNET, "user and network namespace")):
        if libc.unshare(flags) == 0:
            return how
    return "none: " + os.strerror(ctypes.get_errno())


def limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Executor:
    """The store and how to answer one job against it."""

    def __init__(self, config: dict):
        self.store = ox.Store()
        self.store.bulk_load(path=config["dataset"], format=ox.RdfFormat.N_QUADS)
        self.prefixes: dict[str, str] = config["prefixes"]
        self.base_iri: str = config["base"]

    def run(self, job: dict) -> tuple[dict, bytes]:
        fmt = BY_KEY[job["format"]]
        kwargs: dict = {"prefixes": self.prefixes, "base_iri": self.base_iri}
        if job.get("default_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
        elif job.get("union"):
            kwargs["use_default_graph_as_union"] = True
        if job.get("named_graphs") is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
        try:
            results = self.store.query(job["query"], **kwargs)
            return serialize_capped(results, fmt, self.prefixes, job["max_rows"], job["max_bytes"])
        except SyntaxError as exc:
            message = str(exc)
            m = _POSITION.search(message)
            line, column = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
            return {"ok": False, "error": "syntax", "message": message, "line": line, "column": column}, b""
        except OverflowLimit as exc:
            return {"ok": False, "error": exc.kind}, b""
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            return {"ok": False, "error": "evaluation", "message": str(exc)}, b""


def _read_frame(stream) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    return data if len(data) == size else None


def _write_frames(stream, *payloads: bytes) -> None:
    stream.write(b"".join(struct.pack(">I", len(p)) + p for p in payloads))
    stream.flush()


def _watchdog(parent: int, state: dict) -> None:
    """Exit when the parent is gone or a job overruns its hard deadline (the parent
    normally kills us first; this covers a parent that died or hangs)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)
        deadline = state.get("deadline")
        if deadline is not None and time.monotonic() > deadline:
            os._exit(3)


def main(argv: list[str]) -> int:
    config = json.loads(argv[1])
    network = isolate_network()          # first: unsharing needs a single-threaded process
    limit_memory(config["memory_mb"])
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                        # stray prints go to stderr, never into the protocol
    stdin = os.fdopen(0, "rb")
    executor = Executor(config)
    state: dict = {"deadline": None}
    threading.Thread(target=_watchdog, args=(os.getppid(), state), daemon=True).start()
    _write_frames(out, json.dumps({"ready": True, "network": network, "quads": len(executor.store),
                                   "pid": os.getpid()}).encode())
    while True:
        frame = _read_frame(stdin)
        if frame is None:
            return 0
        job = json.loads(frame)
        state["deadline"] = time.monotonic() + 2 * job.get("timeout", 10) + 5
        header, body = executor.run(job)
        state["deadline"] = None
        _write_frames(out, json.dumps(header).encode(), body)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
