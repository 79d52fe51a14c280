"""Exceptions that carry what a curator needs to fix a problem: file, line, node, fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Location:
    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line:
            out += f":{self.line}"
            if self.column:
                out += f":{self.column}"
        return out


class KGError(Exception):
    """Base class: the message is written for the person who has to act on it."""


class SyntaxProblem(KGError):
    """An input file cannot be parsed."""

    def __init__(self, location: Location, message: str):
        self.location = location
        self.detail = message
        super().__init__(f"{location}: syntax error: {message}")


class InconsistencyError(KGError):
    """OWL-RL found a contradiction (e.g. an individual in two disjoint classes)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        body = "\n".join(f"  - {m}" for m in messages)
        super().__init__(
            "the graph is logically inconsistent (OWL-RL):\n" + body +
            "\nFix: check the rdf:type of the nodes named above and the domain/range of the "
            "properties used on them; disjoint top classes (Actor, Infrastructure, Agreement, "
            "Event, Measure, Situation, Claim, Report) cannot share members."
        )


class ValidationFailed(KGError):
    """SHACL or quote checks found violations; ``report`` holds the details."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.to_text())
