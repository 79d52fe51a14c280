"""Rendering query results for the terminal and files (CSV, TSV, JSON, table)."""

from __future__ import annotations

import io

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def shorten(term, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for name, ns in prefixes.items():
            if term.value.startswith(ns):
                return f"{name}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def render(results, fmt: str, prefixes: dict[str, str]) -> str:
    """Serialise a pyoxigraph result (solutions, boolean or triples) in ``fmt``."""
    if isinstance(results, ox.QueryBoolean):
        return ("true" if bool(results) else "false") + "\n"
    if isinstance(results, ox.QueryTriples):
        buf = io.BytesIO()
        ox.serialize(results, buf, ox.RdfFormat.TURTLE, prefixes=prefixes)
        return buf.getvalue().decode("utf-8")
    if fmt in RESULT_FORMATS:
        return results.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    variables = [v.value for v in results.variables]
    table = Table(*variables, show_lines=False)
    count = 0
    for solution in results:
        table.add_row(*(shorten(solution[v], prefixes) for v in variables))
        count += 1
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    console.print(f"{count} row(s)")
    return console.export_text()
