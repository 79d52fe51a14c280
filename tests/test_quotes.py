"""Every claim's quote occurs verbatim in its report (GUIDE §3)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.namespaces import DSR, RDF
from kg.quotes import SourceText, normalise_quote


def _claims(inputs):
    g: Graph = inputs.triples
    for claim in sorted(set(g.subjects(DSR.quote, None))):
        report = g.value(claim, DSR.source)
        yield claim, report, str(g.value(claim, DSR.quote)), g.value(report, DSR.sourceFile)


def test_there_are_claims(inputs):
    assert len(list(_claims(inputs))) > 0


def test_every_quote_is_in_its_report(inputs, settings):
    missing = []
    texts = {}
    for claim, report, quote, filename in _claims(inputs):
        assert filename is not None, f"{claim} cites {report}, which has no dsr:sourceFile"
        if filename not in texts:
            texts[filename] = SourceText((settings.sources_dir / str(filename)).read_text(encoding="utf-8"))
        if texts[filename].find(quote) is None:
            missing.append(f"{claim}: {quote[:90]!r} not in {filename}")
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_sources_are_verbatim_copies_of_shared_reports(settings):
    shared = settings.root.parent / "shared" / "reports"
    if not shared.exists():
        pytest.skip("../shared/reports not beside the checkout")
    for path in sorted(shared.glob("*.txt")):
        assert (settings.sources_dir / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("text, quote, found", [
    ("a quick  brown\nfox", "quick brown fox", True),
    ("tech-\nnology and more", "technology and", True),
    ("state-\nowned firm", "state-owned firm", True),
    ("West ern Balkans", "Western Balkans", False),
    ("China’s role", "China's role", False),
    ("a quick brown fox", "quick brown dog", False),
])
def test_matching_is_whitespace_and_hyphenation_only(text, quote, found):
    assert (SourceText(text).find(quote) is not None) is found


def test_match_offsets_point_into_original_text():
    text = "Intro.\n\nHuawei opened its innovation center in Bel-\ngrade in 2020. Next."
    src = SourceText(text)
    m = src.find("innovation center in Belgrade in 2020")
    assert text[m.start:m.end].startswith("innovation center in Bel-\ngrade")
    assert normalise_quote("  a \n b ") == "a b"


def _normalise_char_by_char(text: str, rejoin: bool) -> tuple[str, list[int]]:
    """The plain definition kg.quotes._normalise must agree with: one character at a time."""
    import re
    hyphen = re.compile(r"-[ \t]*\n[ \t]*")
    out, index, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "-" and (m := hyphen.match(text, i)):
            if not rejoin:
                out.append("-")
                index.append(i)
            i = m.end()
        elif ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            i = j
        else:
            out.append(ch)
            index.append(i)
            i += 1
    return "".join(out), index


def test_run_by_run_normalisation_equals_the_character_by_character_definition(settings):
    """The fast normaliser (whole runs of text at a time) gives the same text and offsets
    on every report and on random mixtures of the tricky characters."""
    import random
    from kg.quotes import _normalise
    rnd = random.Random(7)
    pieces = ["a", "-", " ", "\n", "\t", "b-\n", "\u00a0", "\x1c", "-\n \n", "  ", "é", " -", "- ", "\r\n"]
    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.sources_dir.glob("*.txt"))]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(5000)]
    assert len(texts) > 5000
    for text in texts:
        for rejoin in (True, False):
            fast, offsets = _normalise(text, rejoin)
            assert (fast, list(offsets)) == _normalise_char_by_char(text, rejoin), (text[:60], rejoin)
