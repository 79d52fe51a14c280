"""The identifier and literal conventions of GUIDE §1, checked on new triples.

SHACL sees a graph, not how its IRIs are spelt: these checks catch what shapes cannot
(a slug with capitals or spaces, an IRI pasted from a local server, a blank node that
nobody can ever delete or link to, "abc"^^xsd:integer) and suggest the right spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef

from .report import Problem

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CLAIM_ID = re.compile(r"r\d{3}-\d{3,}")
KINDS = ("id/", "report/", "claim/", "graph/")


def slugify(text: str) -> str:
    """Lowercase ASCII with hyphens, transliterated (``Vučić`` -> ``vucic``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def convention_problems(triples: Iterable[tuple], base: str) -> list[Problem]:
    """Problems with how the nodes of new triples are named and typed (one per node)."""
    problems: dict[tuple[str, str], Problem] = {}
    for s, p, o in triples:
        if isinstance(s, BNode) and (str(s), "bnode") not in problems:
            problems[(str(s), "bnode")] = Problem(
                "Violation", f"_:{s}", "blank node as subject: every described node needs an IRI so that "
                "later changes can refer to it and delete it; name it "
                f"{base}id/<slug> (a value node such as a MonetaryAmount too)",
                path=str(p), kind="convention")
        for node in (s, o):
            if isinstance(node, URIRef) and (str(node), "iri") not in problems:
                message = iri_problem(str(node), base)
                if message:
                    problems[(str(node), "iri")] = Problem("Violation", str(s), message, path=str(p),
                                                           value=str(node), kind="convention")
        if isinstance(o, Literal) and o.datatype is not None and o.ill_typed:
            key = (f"{s} {p} {o!r}", "literal")
            problems[key] = Problem(
                "Violation", str(s), f"{str(o)!r} is not a valid {_short(o.datatype)}: write a value in "
                f"that datatype's lexical form, or change the datatype", path=str(p), value=str(o),
                kind="datatype")
    return list(problems.values())


def iri_problem(iri: str, base: str) -> str | None:
    """Why an IRI breaks the conventions (None if it does not)."""
    if re.search(r"[\s<>\"{}|\\^`]", iri):
        return f"IRI <{iri}> contains spaces or characters IRIs may not hold; use {_suggest(iri, base)}"
    if not iri.startswith(base):
        moved = _foreign_base(iri, base)
        if moved:
            return (f"IRI <{iri}> is one of ours written with another host or scheme; always write the "
                    f"base IRI: <{moved}>")
        return None
    rest = iri[len(base):]
    if rest.startswith("ontology#") or rest in ("ontology", "context.jsonld"):
        return None
    kind = next((k for k in KINDS if rest.startswith(k)), None)
    if kind is None:
        return (f"IRI <{iri}> is under our base but not an entity (id/), report (report/), claim "
                f"(claim/), graph (graph/) or ontology (ontology#) IRI; entities are {base}id/<slug>")
    slug = rest[len(kind):]
    if kind == "claim/":
        if not SLUG.fullmatch(slug):
            return f"claim IRI <{iri}>: claim ids are lowercase like rNNN-MMM (report number, running number)"
        return None
    if not SLUG.fullmatch(slug):
        return (f"IRI <{iri}>: slugs are lowercase ASCII words joined by hyphens, transliterated; "
                f"write <{base}{kind}{slugify(slug) or 'name'}>")
    return None


def _foreign_base(iri: str, base: str) -> str | None:
    """Our IRI under a local server's host or with http: instead of https: (copied from a page)."""
    m = re.match(r"https?://[^/]+/(?:dsr-balkans/)?((?:id|report|claim|graph)/.*|ontology#.*)$", iri)
    host_path = re.match(r"https?://([^/]+)", base)
    if not m:
        return None
    our_host = host_path.group(1) if host_path else ""
    host = re.match(r"https?://([^/]+)", iri).group(1)
    if host == our_host or host.startswith(("127.0.0.1", "localhost", "[::1]")):
        return base + m.group(1)
    return None


def _suggest(iri: str, base: str) -> str:
    for kind in KINDS:
        if iri.startswith(base + kind):
            return f"<{base}{kind}{slugify(iri[len(base + kind):])}>"
    return "%20 escapes, or better an IRI without spaces"


def _short(datatype: URIRef) -> str:
    text = str(datatype)
    return "xsd:" + text.split("#", 1)[1] if text.startswith("http://www.w3.org/2001/XMLSchema#") else f"<{text}>"
