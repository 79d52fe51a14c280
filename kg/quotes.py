"""Verbatim-quote matching against the report texts (GUIDE §3).

Matching normalises whitespace and rejoins words split by a hyphen at a line end,
and nothing more: a quote either occurs in the text under that normalisation or it
is a defect. Offsets always refer to the original text, so selectors and context
views point at the real characters.
"""

from __future__ import annotations

import hashlib
from array import array
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n[ \t]*")
# What normalising changes: leading whitespace, line-end hyphens, and whitespace other
# than one plain space (single spaces between words, most of a text, stay as they are).
_SPECIAL = re.compile(r"\A\s+|" + _LINE_END_HYPHEN.pattern + r"|\s{2,}|[^\S ]")


@dataclass(frozen=True)
class Match:
    start: int
    end: int


def _normalise(text: str, rejoin: bool) -> tuple[str, array]:
    """Collapse whitespace; at line-end hyphens either drop hyphen and break (rejoin)
    or keep the hyphen and drop only the break. Returns text and original offsets.

    Works run by run (a regular expression finds what changes; the text between is
    copied whole): report texts are megabytes at scale."""
    out: list[str] = []
    index = array("q")
    after_space = True          # no space at the start
    pos = 0
    for m in _SPECIAL.finditer(text):
        start = m.start()
        if start > pos:
            out.append(text[pos:start])
            index.extend(range(pos, start))
            after_space = text[start - 1] == " "
        if text[start] == "-":              # a hyphen at a line end
            if not rejoin:
                out.append("-")
                index.append(start)
                after_space = False
        elif not after_space:
            out.append(" ")
            index.append(start)
            after_space = True
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
        index.extend(range(pos, len(text)))
    return "".join(out), index


def normalise_quote(quote: str) -> str:
    """How a curator's quote is compared: whitespace collapsed, ends trimmed."""
    return " ".join(quote.split())


class SourceText:
    """One report text with its two normalised views."""

    def __init__(self, text: str):
        self.text = text
        self._views = [_normalise(text, rejoin=True), _normalise(text, rejoin=False)]
        self.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()

    def find(self, quote: str) -> Match | None:
        needle = normalise_quote(quote)
        if not needle:
            return None
        for norm, index in self._views:
            pos = norm.find(needle)
            if pos >= 0:
                return Match(index[pos], index[pos + len(needle) - 1] + 1)
        return None

    def around(self, match: Match, width: int = 40) -> tuple[str, str]:
        """Whitespace-normalised text just before and after a match (oa:prefix/suffix)."""
        before = " ".join(self.text[max(0, match.start - width * 2):match.start].split())
        after = " ".join(self.text[match.end:match.end + width * 2].split())
        return before[-width:], after[:width]

    def paragraph(self, match: Match) -> str:
        """The paragraph (blank-line delimited) that contains a match, for context views."""
        start = self.text.rfind("\n\n", 0, match.start)
        end = self.text.find("\n\n", match.end)
        start = 0 if start < 0 else start + 2
        end = len(self.text) if end < 0 else end
        return self.text[start:end].strip()


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> SourceText:
    return SourceText(Path(path).read_text(encoding="utf-8"))


def source_text(path: Path) -> SourceText:
    """Cached SourceText of a report file (re-read if the file changes)."""
    return _load(str(path), path.stat().st_mtime)
