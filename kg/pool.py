"""A pool of query processes (``kg.executor``) with a time limit per query.

Each process answers one query at a time. A request takes an idle process, sends the
job and waits for the answer until the limit; past it the process is killed (the only
way to stop an Oxigraph query) and a fresh one is started in the background, while the
other processes go on serving. The pool belongs to one server worker process; it starts
on first use or on ``start()``.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)


class PoolError(Exception):
    """Base of what can go wrong around a query process."""


class QueryTimedOut(PoolError):
    pass


class PoolBusy(PoolError):
    pass


class ExecutorDied(PoolError):
    pass


class PoolRetired(PoolError):
    """The pool was replaced while the job waited: run it on the new one."""


@dataclass(eq=False)
class _Proc:
    popen: subprocess.Popen
    info: dict
    reader: "_Reader | None" = None

    def kill(self) -> None:
        try:
            self.popen.kill()
        except ProcessLookupError:
            pass
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class _Reader:
    """Frames from a query process's stdout, read in large chunks with a deadline."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.poller = select.poll()
        self.poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def _fill(self, deadline: float | None) -> None:
        """Read what is available, raising TimeoutError at the deadline and EOFError
        if the process went away."""
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise TimeoutError
            if self.poller.poll(None if wait is None else int(wait * 1000) + 1):
                break
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise EOFError
        self.buffer += chunk

    def frame(self, deadline: float | None) -> bytes:
        while len(self.buffer) < 4:
            self._fill(deadline)
        (size,) = struct.unpack(">I", self.buffer[:4])
        while len(self.buffer) < 4 + size:
            self._fill(deadline)
        data = bytes(self.buffer[4:4 + size])
        del self.buffer[:4 + size]
        return data


class ExecutorPool:
    """Query processes over one dataset file."""

    def __init__(self, dataset: Path, *, base: str, prefixes: dict[str, str], size: int = 2,
                 memory_mb: int = 2048, start_timeout: float = 120.0):
        self.config = {"dataset": str(dataset), "base": base, "prefixes": prefixes, "memory_mb": memory_mb}
        self.size = size
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Proc] = queue.Queue()
        self._all: set[_Proc] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.network: str | None = None
        _POOLS.add(self)

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        """Start all processes and wait until each holds the dataset."""
        with self._lock:
            if self._started:
                return
            procs = [self._spawn() for _ in range(self.size)]
            for proc in procs:
                self._await_ready(proc)
                self._idle.put(proc)
            self._started = True

    def close(self) -> None:
        self._closed = True
        for proc in list(self._all):
            proc.kill()
        self._all.clear()

    def retire(self) -> None:
        """Stop taking jobs: idle processes stop now, busy ones when their query ends
        (the dataset was replaced; a new pool serves new queries)."""
        self._closed = True
        while True:
            try:
                proc = self._idle.get_nowait()
            except queue.Empty:
                break
            if proc is not None:
                proc.kill()
                self._all.discard(proc)
        self._idle.put(None)   # wakes jobs waiting for a process: they move to the new pool

    def _spawn(self) -> _Proc:
        env = dict(os.environ)
        env["PYTHONPATH"] = _ROOT + os.pathsep + env.get("PYTHONPATH", "")
        popen = subprocess.Popen([sys.executable, "-m", "kg.executor", json.dumps(self.config)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        proc = _Proc(popen, {}, _Reader(popen.stdout.fileno()))
        self._all.add(proc)
        return proc

    def _await_ready(self, proc: _Proc) -> None:
        try:
            proc.info = json.loads(proc.reader.frame(time.monotonic() + self.start_timeout))
        except (EOFError, TimeoutError):
            proc.kill()
            self._all.discard(proc)
            raise ExecutorDied(f"a query process failed to start (exit code {proc.popen.returncode}); "
                               f"check that {self.config['dataset']} is a readable N-Quads file") from None
        self.network = proc.info.get("network")

    def _replace(self, dead: _Proc) -> None:
        """Kill a process and start its successor (in the background)."""
        dead.kill()
        self._all.discard(dead)
        if self._closed:
            return

        def spawn():
            for _ in range(3):
                proc = self._spawn()
                try:
                    self._await_ready(proc)
                except ExecutorDied:
                    time.sleep(1)
                    continue
                if self._closed:
                    proc.kill()
                else:
                    self._idle.put(proc)
                return
        threading.Thread(target=spawn, name="dsr-executor-respawn", daemon=True).start()

    # -- running -----------------------------------------------------------------
    def run(self, job: dict, timeout: float) -> tuple[dict, bytes]:
        """Answer a job within ``timeout`` seconds of execution time."""
        if not self._started:
            self.start()
        try:
            proc = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query processes stayed busy for {timeout:g} s") from None
        if proc is None:
            self._idle.put(None)
            raise PoolRetired("the dataset was reloaded")
        job = dict(job, timeout=timeout)
        deadline = time.monotonic() + timeout
        try:
            payload = json.dumps(job).encode()
            view = memoryview(struct.pack(">I", len(payload)) + payload)
            while view:
                view = view[os.write(proc.popen.stdin.fileno(), view):]
            header = json.loads(proc.reader.frame(deadline))
            body = proc.reader.frame(deadline + 30)      # the answer is being written: let it finish
        except TimeoutError:
            self._replace(proc)
            raise QueryTimedOut(f"the query ran longer than the limit of {timeout:g} s") from None
        except (EOFError, BrokenPipeError, OSError, ValueError):
            try:
                code = proc.popen.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self._replace(proc)
            raise ExecutorDied(self._death_message(code)) from None
        if self._closed:
            proc.kill()
            self._all.discard(proc)
        else:
            self._idle.put(proc)
        return header, body

    def _death_message(self, code: int | None) -> str:
        how = f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0 \
            else f"exited with code {code}"
        return (f"the query process {how} while answering; it most likely needed more than its "
                f"memory limit of {self.config['memory_mb']} MiB")


_POOLS: "weakref.WeakSet[ExecutorPool]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for pool in list(_POOLS):
        pool.close()
