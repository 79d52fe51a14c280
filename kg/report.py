"""Validation results in one structure, rendered as text, JSON or a SHACL report.

Like pySHACL's own reports, the human-readable and machine-readable forms come from
the same list of problems, grouped by focus node so a curator fixes one node at a time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import DSR, RDF, SH

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass
class Problem:
    severity: str
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    component: str | None = None
    location: str | None = None
    kind: str = "shacl"

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(p.is_violation for p in self.problems)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.is_violation]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Warning"]

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.problems, key=lambda p: (
            order.get(p.severity, 9), p.location or "~", p.focus, p.path or "", p.message))

    def by_focus(self) -> dict[str, list[Problem]]:
        groups: dict[str, list[Problem]] = defaultdict(list)
        for p in self.sorted():
            groups[p.focus].append(p)
        return dict(groups)

    def summary(self) -> str:
        return (f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
                f"on {len({p.focus for p in self.problems})} node(s)")

    def to_text(self, warnings: bool = True) -> str:
        lines = []
        for focus, problems in self.by_focus().items():
            shown = [p for p in problems if warnings or p.is_violation]
            if not shown:
                continue
            where = next((p.location for p in shown if p.location), None)
            lines.append(f"{focus}" + (f"  ({where})" if where else ""))
            for p in shown:
                detail = []
                if p.path:
                    detail.append(f"path {p.path}")
                if p.value:
                    detail.append(f"value {p.value}")
                extra = f" [{', '.join(detail)}]" if detail else ""
                lines.append(f"  {p.severity}: {p.message}{extra}")
        lines.append(("OK: " if self.conforms else "FAILED: ") + self.summary())
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({
            "conforms": self.conforms,
            "summary": self.summary(),
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "nodes": [{"focus": focus, "problems": [asdict(p) for p in problems]}
                      for focus, problems in self.by_focus().items()],
        }, indent=2, ensure_ascii=False)

    def to_graph(self) -> Graph:
        """A standard sh:ValidationReport (quote and syntax problems included)."""
        g = Graph()
        g.bind("sh", SH)
        g.bind("dsr", DSR)
        report = BNode("report")
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for i, p in enumerate(self.sorted()):
            r = BNode(f"r{i}")
            g.add((report, SH.result, r))
            g.add((r, RDF.type, SH.ValidationResult))
            g.add((r, SH.focusNode, _term(p.focus)))
            g.add((r, SH.resultSeverity, SH[p.severity]))
            g.add((r, SH.resultMessage, Literal(p.message)))
            if p.path:
                g.add((r, SH.resultPath, _term(p.path)))
            if p.value:
                g.add((r, SH.value, _term(p.value)))
            if p.shape:
                g.add((r, SH.sourceShape, _term(p.shape)))
            g.add((r, SH.sourceConstraintComponent,
                   _term(p.component) if p.component else DSR[f"{p.kind.capitalize()}Check"]))
        return g

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _term(text: str) -> Node:
    if text.startswith(("http://", "https://", "urn:", "file:")):
        return URIRef(text)
    return Literal(text)
