"""Running the app under a production WSGI server (``dsr serve``).

Granian (a Rust HTTP server) is the default: it parses HTTP outside the GIL and
answers several times more requests per second than a pure-Python server on the
same cores. Gunicorn (gthread workers) is the alternative. Either way each worker
process holds the dataset and its own pool of query processes (``kg.pool``), so a
runaway query is stopped without stopping the worker. Workers read their
configuration from the environment (``web.wsgi``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from kg.config import Settings
from kg.limits import QueryLimits

SERVERS = ("granian", "gunicorn")


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 8          # request threads per worker (queries wait for a query process)
    server: str = "granian"
    access_log: bool = False


def worker_environment(settings: Settings, limits: QueryLimits, store_url: str | None) -> dict[str, str]:
    env = {"DSR_ROOT": str(settings.root), "DSR_BASE": settings.base, "DSR_DIST": str(settings.dist),
           "DSR_STORE_URL": store_url or ""}
    env.update(limits.to_env())
    return env


def serve(settings: Settings, limits: QueryLimits, options: ServerOptions, store_url: str | None = None) -> None:
    """Serve until interrupted (replaces nothing: returns when the server stops)."""
    os.environ.update(worker_environment(settings, limits, store_url))
    if options.server == "granian":
        from granian import Granian
        from granian.constants import Interfaces
        from granian.http import HTTP1Settings
        Granian("web.wsgi:create", address=options.host, port=options.port, interface=Interfaces.WSGI,
                factory=True, workers=options.workers, blocking_threads=options.threads,
                respawn_failed_workers=True, log_access=options.access_log,
                http1_settings=HTTP1Settings(header_read_timeout=30_000),
                working_dir=settings.root).serve()
    elif options.server == "gunicorn":
        argv = [sys.executable, "-m", "gunicorn", "web.wsgi:create()", "--bind", f"{options.host}:{options.port}",
                "--workers", str(options.workers), "--worker-class", "gthread", "--threads", str(options.threads),
                "--timeout", str(int(limits.timeout * 3 + 30)), "--chdir", str(settings.root),
                "--limit-request-line", "0"]   # the app enforces DSR_MAX_QUERY_LENGTH
        if options.access_log:
            argv += ["--access-logfile", "-"]
        os.execv(sys.executable, argv)
    else:
        raise ValueError(f"server must be one of {SERVERS}, got {options.server!r}")
