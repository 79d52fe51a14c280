"""Step-by-step progress for long work, on stderr so stdout stays machine-readable."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from rich.console import Console


class Steps:
    """Announces numbered steps and their durations; silent when ``quiet``."""

    def __init__(self, total: int, quiet: bool = False):
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.console = Console(file=sys.stderr, highlight=False)
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, label: str):
        self.done += 1
        started = time.perf_counter()
        if self.quiet:
            yield
        else:
            with self.console.status(f"[{self.done}/{self.total}] {label}…"):
                yield
        elapsed = time.perf_counter() - started
        self.timings[label] = elapsed
        if not self.quiet:
            self.console.print(f"[{self.done}/{self.total}] {label} ({elapsed:.2f}s)")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message)
