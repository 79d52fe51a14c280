"""One IRI per real-world thing (GUIDE §1): no two entities share a Wikidata link,
or a class and a normalised label or alias; slugs follow the URI conventions."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from kg.namespaces import RDF, SKOS

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def normalise(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _entities(inputs, base):
    g = inputs.triples
    return sorted(s for s in set(g.subjects(SKOS.prefLabel, None)) if str(s).startswith(base + "id/"))


def test_no_two_entities_share_a_wikidata_link(inputs, settings):
    seen = defaultdict(set)
    for s, o in inputs.triples.subject_objects(SKOS.exactMatch):
        if "wikidata.org" in str(o):
            seen[o].add(s)
    dupes = {str(k): sorted(map(str, v)) for k, v in seen.items() if len(v) > 1}
    assert not dupes, f"entities sharing a Wikidata link: {dupes}"


def test_no_two_entities_of_a_class_share_a_label_or_alias(inputs, settings):
    g = inputs.triples
    index = defaultdict(set)
    for e in _entities(inputs, settings.base):
        labels = set(g.objects(e, SKOS.prefLabel)) | set(g.objects(e, SKOS.altLabel))
        for cls in g.objects(e, RDF.type):
            for label in labels:
                index[(cls, normalise(str(label)))].add(e)
    dupes = {f"{k[1]!r} ({k[0].split('#')[-1]})": sorted(map(str, v)) for k, v in index.items() if len(v) > 1}
    assert not dupes, f"possible duplicate entities: {dupes}"


def test_entity_slugs_follow_conventions(inputs, settings):
    bad = []
    for e in _entities(inputs, settings.base):
        slug = str(e)[len(settings.base + "id/"):]
        if not SLUG.match(slug):
            bad.append(slug)
    assert not bad, f"slugs must be lowercase ASCII words joined by hyphens: {bad}"


def test_claim_iris_follow_conventions(inputs, settings):
    from kg.namespaces import DSR
    bad = [str(c) for c in set(inputs.triples.subjects(DSR.quote, None))
           if not re.match(r"^r\d{3}-\d{3,4}$", str(c)[len(settings.base + "claim/"):])]
    assert not bad, f"claim IRIs must be claim:rNNN-MMM: {bad}"


def test_normalise_folds_accents_case_and_punctuation():
    assert normalise("Aleksandar Vučić") == normalise("aleksandar vucic")
    assert normalise("The Clean Network") == "clean network"
