"""Canned queries: ``queries/*.rq`` files with a comment header, kept as data.

Header lines at the top of a file, before the query::

    # title: Contested facts
    # description: Facts on which reports disagree ...
    # param: actor iri default=id:huawei -- The actor whose involvements to list.

Parameters are typed (iri, string, integer, decimal, date, year) and validated
before use; ``CannedQuery.render`` binds them with a ``VALUES`` block built from
those validated terms (never from raw text), so injection is impossible and the
same text runs on the embedded store and on any external SPARQL endpoint. VALUES
(unlike pyoxigraph's SEP-0007 substitutions) is visible to FILTERs in the WHERE
group, so an optional parameter can be tested with ``!BOUND(?param)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import prefixes

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "year")
_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)"
                    r"(?:\s+default=(?P<default>\S+))?\s*(?:--\s*(?P<doc>.*))?$")
_WHERE = re.compile(r"^(?![ \t]*#).*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)
_IRI_SAFE = re.compile(r"^[^\s<>\"{}|\\^`]+$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type."""


@dataclass
class Parameter:
    name: str
    type: str
    default: str | None = None
    description: str = ""

    def to_term(self, raw: str, base: str) -> ox.NamedNode | ox.Literal:
        """Validate a raw string and turn it into an RDF term of the declared type."""
        value = raw.strip()
        if self.type == "iri":
            iri = expand(value, base)
            if not _IRI_SAFE.match(iri) or ":" not in iri:
                raise ParameterError(f"parameter {self.name!r} must be an IRI or a prefixed name like id:serbia, got {raw!r}")
            return ox.NamedNode(iri)
        if self.type == "string":
            return ox.Literal(value)
        checks = {
            "integer": (r"^[+-]?\d+$", "integer"),
            "decimal": (r"^[+-]?(\d+(\.\d*)?|\.\d+)$", "decimal"),
            "date": (r"^\d{4}-\d{2}-\d{2}$", "date"),
            "year": (r"^\d{4}$", "gYear"),
        }
        pattern, dtype = checks[self.type]
        if not re.match(pattern, value):
            raise ParameterError(f"parameter {self.name!r} must be of type {self.type}, got {raw!r}")
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + dtype))


def expand(value: str, base: str) -> str:
    """Expand a prefixed name (id:serbia) with our prefixes; leave full IRIs alone."""
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    pfx, sep, local = value.partition(":")
    known = prefixes(base)
    if sep and pfx in known and not local.startswith("//"):
        return known[pfx] + local
    return value


@dataclass
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    params: list[Parameter] = field(default_factory=list)

    def bindings(self, args: dict[str, str], base: str) -> dict[str, ox.NamedNode | ox.Literal]:
        """Typed values for the query's parameters from raw strings (defaults applied)."""
        unknown = set(args) - {p.name for p in self.params}
        if unknown:
            raise ParameterError(f"unknown parameter(s) {sorted(unknown)} for query {self.name!r}; "
                                 f"it takes {[p.name for p in self.params] or 'none'}")
        out = {}
        for p in self.params:
            raw = args.get(p.name, p.default)
            if raw not in (None, ""):
                out[p.name] = p.to_term(raw, base)
        return out

    def render(self, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
        """The query text with each bound parameter injected as ``VALUES ?name { term }``
        at the start of the top-level WHERE group."""
        if not bindings:
            return self.text
        values = "".join(f"\n  VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
        where = _WHERE.search(self.text)
        if where is None:
            raise ValueError(f"{self.path}: cannot find the WHERE group to bind parameters in")
        return self.text[:where.end()] + values + self.text[where.end():]

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [vars(p) for p in self.params], "query": self.text}


def parse_query_file(path: Path) -> CannedQuery:
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise ValueError(f"{path}: bad param header {value!r}; expected "
                                 f"'NAME TYPE [default=VALUE] -- description' with TYPE in {PARAM_TYPES}")
            params.append(Parameter(pm.group("name"), pm.group("type"), pm.group("default"),
                                    (pm.group("doc") or "").strip()))
        elif key == "description" and "description" in meta:
            meta["description"] += " " + value
        else:
            meta[key] = value
    if "title" not in meta:
        raise ValueError(f"{path}: missing '# title:' header line")
    return CannedQuery(path.stem, meta["title"], meta.get("description", ""),
                       path.read_text(encoding="utf-8"), path, params)


def load_queries(directory: Path) -> dict[str, CannedQuery]:
    """All canned queries of a directory, by name (file stem)."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}
