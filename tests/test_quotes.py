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
