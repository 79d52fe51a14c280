"""What a SPARQL request may do here, decided from its text before anything runs.

The endpoint is read-only and never reaches out: SPARQL Update (INSERT, DELETE, LOAD,
CLEAR, DROP, CREATE, ADD, MOVE, COPY) and federation (SERVICE) are refused with a
clear message before the text reaches a query engine. FROM / FROM NAMED are allowed:
Oxigraph (embedded or ``oxigraph serve``) only selects graphs of its own store with
them and never dereferences an IRI.

pyoxigraph exposes no parse tree, so this module scans the text with a small lexer
that follows the SPARQL 1.1 grammar's terminals: comments, the four string forms,
IRIs, variables, prefixed names, blank nodes, language tags and numbers. A keyword can
only be a bare word outside all of these. The one lexical ambiguity of the grammar,
``<`` as an IRI opener or as the less-than operator, is resolved as the parser does:
inside an expression, right after an operand, it is the operator. Where the lexer
cannot tell, it scans more text as code, so it may refuse an odd but harmless query
(the message says where) but never lets a forbidden keyword through. The query
processes also run without network access (``kg.executor``), a second wall.

The same scan yields what the server needs to know about a query before running it:
its form (to negotiate a result format), whether it names its own dataset (FROM), and
where its top-level group starts (to bind parameters with ``VALUES``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE",
                             "ADD", "MOVE", "COPY", "WITH", "USING"})
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_WS = re.compile(r"[ \t\r\n\f\v\ufeff]+")
_LONG2 = re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""', re.DOTALL)
_LONG1 = re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''", re.DOTALL)
_SHORT2 = re.compile(r'"(?:[^"\\\n\r]|\\.)*"')
_SHORT1 = re.compile(r"'(?:[^'\\\n\r]|\\.)*'")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_BNODE = re.compile(r"_:[A-Za-z0-9_\-.\u00B7\u00C0-\U000EFFFF]*")
# A run of name characters: keywords, prefixed names (with ':'), numbers; '\' escapes
# and '%' encodings of local names included.
_RUN = re.compile(r"(?:[A-Za-z0-9_\-.:%\u00B7\u00C0-\U000EFFFF]|\\[^\s])+")
_WORD = re.compile(r"[A-Za-z]+")


class QueryRefused(ValueError):
    """A request this endpoint will not run; ``kind`` is "update", "service" or "syntax"."""

    def __init__(self, kind: str, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.kind, self.message, self.line, self.column = kind, message, line, column


@dataclass(frozen=True)
class QueryInfo:
    form: str | None            # SELECT, ASK, CONSTRUCT, DESCRIBE (None: not found; the parser will say why)
    has_dataset: bool           # the query has FROM or FROM NAMED clauses
    group_start: int | None     # offset just after the '{' opening the top-level WHERE group


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _refuse(text: str, offset: int, kind: str, message: str) -> QueryRefused:
    line, column = _position(text, offset)
    return QueryRefused(kind, f"{message} (line {line}, column {column})", line, column)


@lru_cache(maxsize=1024)
def inspect_query(text: str, *, update: bool = False) -> QueryInfo:
    """Scan a SPARQL query; raise ``QueryRefused`` for update operations and SERVICE.
    With ``update`` (the authenticated write path) update operations pass, except LOAD,
    which would fetch a document from the network."""
    i, n = 0, len(text)
    stack: list[str] = []            # open brackets: "{", "[", "("
    prev = "op"                      # what the previous token was: "op" or "operand"
    form: str | None = None
    has_dataset = False
    group_start: int | None = None
    template_pending = False         # CONSTRUCT seen: its template comes before the WHERE group
    declaring = False                # the previous word was PREFIX: this run is the name declared
    while i < n:
        m = _WS.match(text, i)
        if m:
            i = m.end()
            continue
        c = text[i]
        if c == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
            continue
        if c in "\"'":
            for rx in ((_LONG2, _SHORT2) if c == '"' else (_LONG1, _SHORT1)):
                m = rx.match(text, i)
                if m:
                    break
            else:
                raise _refuse(text, i, "syntax", "unterminated string literal")
            i, prev = m.end(), "operand"
            continue
        if c == "<":
            # Inside parentheses, right after an operand, '<' is less-than (as in the parser).
            operator = bool(stack) and stack[-1] == "(" and prev == "operand"
            m = None if operator else _IRIREF.match(text, i)
            if m:
                i, prev = m.end(), "operand"
            else:
                i, prev = i + 1, "op"
            continue
        if c in "?$":
            m = _VAR.match(text, i)
            i, prev = (m.end(), "operand") if m else (i + 1, "op")
            continue
        if c == "@":
            m = _LANGTAG.match(text, i)
            i = m.end() if m else i + 1
            continue
        if text.startswith("_:", i):
            i, prev = _BNODE.match(text, i).end(), "operand"
            continue
        if c in "{[(":
            if c == "{" and form is not None and "{" not in stack:
                if template_pending:
                    template_pending = False
                elif group_start is None:
                    group_start = i + 1
            stack.append(c)
            i, prev = i + 1, "op"
            continue
        if c in "}])":
            if stack:
                stack.pop()
            i, prev = i + 1, "operand"
            continue
        m = _RUN.match(text, i)
        if m:
            run, end = m.group(0), m.end()
            while run.endswith(".") and not run.endswith("\\."):
                run, end = run[:-1], end - 1          # a trailing '.' ends the triple
            if not run:
                i, prev = i + 1, "op"
                continue
            # Before a ':' is a prefix name (keywords glue onto it: "SERVICE:x" is SERVICE
            # then ":x" to the parser); after it a local name, which is never a keyword.
            head = run.split(":", 1)[0]
            words = [] if declaring else _WORD.findall(head)
            for w in words:
                upper = w.upper()
                if "SERVICE" in upper:
                    at = i + head.upper().find("SERVICE")
                    raise _refuse(text, at, "service",
                                  "SERVICE (federated query) is not allowed: this endpoint never "
                                  "contacts other servers. Query the data here, or run the federated "
                                  "query on your own machine against this endpoint"
                                  + (" (a prefix name containing 'service' reads as the keyword: "
                                     "rename the prefix)" if ":" in run else ""))
            if ":" not in run and len(words) == 1 and head.upper() == words[0].upper():
                upper = words[0].upper()
                if upper == "LOAD" and update:
                    raise _refuse(text, i, "load", "LOAD is not accepted: the server never fetches "
                                  "documents from the network or its disk. Send the triples themselves "
                                  "(INSERT DATA, or a Graph Store PUT/POST to /store)")
                if upper in UPDATE_KEYWORDS and not update:
                    raise _refuse(text, i, "update",
                                  f"{upper} is SPARQL Update, and this endpoint is read-only. "
                                  "Changes to the graph go through the curated files in triples/ "
                                  "(see triples/README.md)")
                if form is None and upper in FORMS:
                    form = upper
                    template_pending = upper == "CONSTRUCT"
                elif upper == "FROM" and form is not None and group_start is None:
                    has_dataset = True
                elif upper == "WHERE" and template_pending:
                    template_pending = False        # CONSTRUCT WHERE { ... }: no template
            declaring = ":" not in run and run.upper() == "PREFIX"
            i, prev = end, "operand"
            continue
        # Operators and punctuation.
        i += 2 if text.startswith(("&&", "||", "^^", "!=", "<=", ">="), i) else 1
        prev = "op"
    return QueryInfo(form, has_dataset, group_start)


def check_update_request(text: str) -> None:
    """Any SPARQL Update is refused here; the message says where changes go instead."""
    raise QueryRefused("update", "SPARQL Update is not accepted: this endpoint is read-only. "
                       "Changes to the graph go through the curated files in triples/ (see triples/README.md)")


def bind_values(text: str, info: QueryInfo, bindings: dict[str, str]) -> str:
    """The query with ``VALUES ?name { term }`` at the start of its top-level group.

    ``bindings`` maps variable names to terms already written in SPARQL syntax by
    pyoxigraph (``str(NamedNode)``, ``str(Literal)``), never raw user text."""
    if not bindings:
        return text
    if info.group_start is None:
        raise ValueError("the query has no WHERE group to bind parameters in")
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a variable name: {name!r}")
    values = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return text[:info.group_start] + values + text[info.group_start:]
