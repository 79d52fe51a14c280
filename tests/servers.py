"""Real server processes for tests: ``dsr serve`` and ``oxigraph serve`` on free
loopback ports, started and stopped by session fixtures (see conftest.py)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A server in its own process group; ``url`` is its base URL (no trailing slash)."""

    def __init__(self, argv: list[str], port: int, ready_path: str, log: Path, env: dict | None = None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._log = open(log, "wb")
        self.process = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
                                        env={**os.environ, **(env or {})}, start_new_session=True)
        self._wait(ready_path)

    def _wait(self, path: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def start_dsr(settings, log: Path, *options: str, store: str | None = None) -> ServerProcess:
    """``dsr serve`` over a built dataset, on a free port."""
    port = free_port()
    argv = [sys.executable, "-m", "kg.cli", "--dist", str(settings.dist), "--base", settings.base,
            "serve", "--no-build", "--port", str(port), *options]
    if store:
        argv += ["--store", store]
    return ServerProcess(argv, port, "/sparql?query=ASK%7B%7D", log, env={"DSR_ROOT": str(settings.root)})


def oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph")
    if found:
        return found
    candidate = Path(sys.executable).with_name("oxigraph")
    return str(candidate) if candidate.exists() else None


def start_oxigraph(location: Path, log: Path, *options: str) -> ServerProcess:
    """``oxigraph serve`` with its data in ``location``, on a free port."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph command is missing: pip install -e '.[test]' installs it")
    port = free_port()
    argv = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *options]
    return ServerProcess(argv, port, "/query?query=ASK%7B%7D", log)
