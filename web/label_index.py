"""Find entities and reports by what people type: labels and aliases, ignoring case,
accents and punctuation (``Vucic`` finds ``Vučić``, ``us`` finds ``U.S.``).

The index is a small in-memory list built from one SPARQL query per dataset version;
it is rebuilt only when the backend reports a new version, so type-ahead answers in
microseconds without touching the store.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# Letters that Unicode does not decompose into a base letter plus a mark.
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                       "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th"})
_DROP = re.compile(r"[.'’‘`´]")          # U.S. -> us, People's -> peoples
_SEPARATE = re.compile(r"[^0-9a-z+]+")   # keep 17+1 searchable

QUERY_FILE = Path(__file__).parent / "queries" / "search-index.rq"


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: the form labels and queries
    are compared in."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DROP.sub("", text)
    return " ".join(_SEPARATE.sub(" ", text).split())


def variants(text: str) -> set[str]:
    """The normalised forms a label is found under: đ is typed as "d" or "dj" (Đoković,
    Djokovic, Dokovic), so labels with it are indexed both ways."""
    forms = {normalise(text)}
    if "đ" in text.casefold():
        forms.add(normalise(re.sub("đ", "dj", text, flags=re.IGNORECASE)))
    return {f for f in forms if f}


@dataclass
class Item:
    """A searchable thing: an entity or a report."""
    iri: str
    label: str = ""
    types: list[tuple[str, str]] = field(default_factory=list)   # (type IRI, type label)
    names: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, normalised, is preferred)


@dataclass
class Hit:
    item: Item
    matched: str      # the label or alias that matched
    rank: tuple


def _rank(name: str, words: list[str], query: str, qwords: list[str]) -> int | None:
    """How well a normalised name matches a normalised query; lower is better, None is no match."""
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if any(w.startswith(query) for w in words) or f" {query}" in f" {name}":
        return 2
    if query in name:
        return 3
    if len(qwords) > 1 and all(any(w.startswith(q) for w in words) for q in qwords):
        return 4
    return None


class LabelIndex:
    """Labels and aliases of every entity and report, searchable accent-insensitively."""

    def __init__(self, items: list[Item]):
        self.items = items
        self._names = [(item, label, norm, norm.split(), pref)
                       for item in items for label, norm, pref in item.names]

    @classmethod
    def from_rows(cls, rows) -> "LabelIndex":
        """Build from solutions with ?item ?label ?pref ?type ?typeLabel (pyoxigraph terms)."""
        items: dict[str, Item] = {}
        for row in rows:
            iri = row["item"].value
            item = items.setdefault(iri, Item(iri))
            label = row["label"].value
            pref = row["pref"] is not None and row["pref"].value == "true"
            if pref and not item.label:
                item.label = label
            for norm in sorted(variants(label)):
                if all(n != norm or p != pref for _, n, p in item.names):
                    item.names.append((label, norm, pref))
            if row["type"] is not None:
                t = row["type"].value
                tl = row["typeLabel"].value if row["typeLabel"] is not None else t.rsplit("#", 1)[-1]
                if all(t != known for known, _ in item.types):
                    item.types.append((t, tl))
        for item in items.values():
            if not item.label:
                item.label = item.names[0][0] if item.names else item.iri
        return cls(sorted(items.values(), key=lambda i: normalise(i.label)))

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        """Best match per item, best items first: exact, prefix, word prefix, substring,
        all words; preferred labels before aliases, then shorter and alphabetical."""
        query = normalise(text)
        if not query:
            return []
        qwords = query.split()
        best: dict[str, Hit] = {}
        for item, label, norm, words, pref in self._names:
            r = _rank(norm, words, query, qwords)
            if r is None:
                continue
            rank = (r, not pref, len(norm), normalise(item.label))
            hit = best.get(item.iri)
            if hit is None or rank < hit.rank:
                best[item.iri] = Hit(item, label, rank)
        return sorted(best.values(), key=lambda h: h.rank)[:limit]
