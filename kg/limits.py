"""The safety limits of query answering, in one place, each changeable by environment
variable (``dsr serve`` options set them too).

========================  =====================  =========  ==========================================
limit                     environment variable   default    what happens beyond it
========================  =====================  =========  ==========================================
query time                DSR_QUERY_TIMEOUT      10 s       query process killed, 504 with a message
result rows / triples     DSR_MAX_ROWS           10,000     422 with a message (add LIMIT)
result size               DSR_MAX_RESULT_BYTES   64 MiB     422 with a message
query text                DSR_MAX_QUERY_LENGTH   20,000     413 (POST) or 414 (GET) with a message
request body              DSR_MAX_BODY           64 KiB     413 with a message
query processes           DSR_EXECUTORS          2          per server worker; more queries wait
process memory            DSR_EXECUTOR_MEMORY    2048 MiB   query process stops, 500 with a message
========================  =====================  =========  ==========================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

_ENV = {
    "timeout": ("DSR_QUERY_TIMEOUT", float),
    "max_rows": ("DSR_MAX_ROWS", int),
    "max_result_bytes": ("DSR_MAX_RESULT_BYTES", int),
    "max_query_length": ("DSR_MAX_QUERY_LENGTH", int),
    "max_body": ("DSR_MAX_BODY", int),
    "executors": ("DSR_EXECUTORS", int),
    "executor_memory_mb": ("DSR_EXECUTOR_MEMORY", int),
}


@dataclass(frozen=True)
class QueryLimits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_result_bytes: int = 64 * 1024 * 1024
    max_query_length: int = 20_000
    max_body: int = 64 * 1024
    executors: int = 2
    executor_memory_mb: int = 2048

    def with_(self, **changes) -> "QueryLimits":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """The limits as environment variables, for server worker processes."""
        return {_ENV[f.name][0]: str(getattr(self, f.name)) for f in fields(self)}


def load_limits(environ: dict[str, str] | None = None, **overrides) -> QueryLimits:
    """Limits from ``DSR_*`` variables, then explicit overrides; bad values are named."""
    environ = os.environ if environ is None else environ
    values = {}
    for name, (var, kind) in _ENV.items():
        raw = environ.get(var)
        if raw in (None, ""):
            continue
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"{var}={raw!r} is not a {'number' if kind is float else 'whole number'}") from None
        if value <= 0:
            raise ValueError(f"{var}={raw!r} must be greater than zero")
        values[name] = value
    return QueryLimits(**values).with_(**overrides)
