"""New entities that look like ones we already have (GUIDE §1: one URI per thing).

A curator who mints ``id:telekom-serbia`` when ``id:telekom-srbija`` exists splits the
graph in two. Before anything new is accepted we compare each new entity with every
existing one: the same Wikidata item, or the same normalised label or alias on
entities of related classes, is a violation; a near-identical label (fuzzy ratio,
rapidfuzz) or the same label on an unrelated class is a warning to look at.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from rapidfuzz import fuzz, process
from rdflib import Graph, URIRef

from .namespaces import OWL, RDF, RDFS, SKOS
from .report import Problem

LABELS = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)
LINKS = (SKOS.exactMatch, OWL.sameAs)
WIKIDATA = re.compile(r"https?://www\.wikidata\.org/entity/(Q\d+)$")
NEAR = 92  # rapidfuzz ratio (0-100) from which two labels count as near-identical


def normalise(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def duplicate_problems(graph: Graph, new_entities: set[URIRef], supers: dict) -> list[Problem]:
    """Problems for each new entity resembling an entity other than itself in ``graph``
    (the graph as it would be after the change); ``supers`` maps a class to its
    reflexive super-classes (kg.validation.superclasses)."""
    if not new_entities:
        return []
    by_wikidata: dict[str, set] = defaultdict(set)
    by_label: dict[str, set] = defaultdict(set)
    for link in LINKS:
        for s, o in graph.subject_objects(link):
            if m := WIKIDATA.match(str(o)):
                by_wikidata[m.group(1)].add(s)
    for prop in LABELS:
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and (key := normalise(str(o))):
                by_label[key].add(s)
    keys = list(by_label)
    problems = []
    for entity in sorted(new_entities, key=str):
        for qid in sorted({m.group(1) for link in LINKS for o in graph.objects(entity, link)
                           if (m := WIKIDATA.match(str(o)))}):
            for other in sorted(by_wikidata[qid] - {entity}, key=str):
                problems.append(Problem("Violation", str(entity), f"same Wikidata item wd:{qid} as the existing "
                                        f"<{other}>: one IRI per real-world thing; reuse <{other}> (or, if "
                                        "they really differ, correct the Wikidata link)",
                                        path=str(SKOS.exactMatch), value=str(other), kind="duplicate"))
        seen = set()
        for label in sorted({normalise(str(o)) for p in LABELS for o in graph.objects(entity, p)} - {""}):
            for other in sorted(by_label[label] - {entity} - seen, key=str):
                seen.add(other)
                related = _related(graph, entity, other, supers)
                problems.append(Problem(
                    "Violation" if related else "Warning", str(entity),
                    f"label or alias {label!r} is also a label of the existing <{other}>"
                    + ("; reuse that IRI instead of minting a new one (add new aliases to it)" if related else
                       " (of another class); check that they are different things"),
                    path=str(SKOS.prefLabel), value=str(other), kind="duplicate"))
            for match, score, _ in process.extract(label, keys, scorer=fuzz.ratio, score_cutoff=NEAR, limit=5):
                if match == label:
                    continue
                for other in sorted(by_label[match] - {entity} - seen, key=str):
                    seen.add(other)
                    problems.append(Problem(
                        "Warning", str(entity), f"label {label!r} is nearly identical ({score:.0f}%) to "
                        f"{match!r} of the existing <{other}>; if it is the same thing, reuse that IRI",
                        path=str(SKOS.prefLabel), value=str(other), kind="duplicate"))
    return problems


def _related(graph: Graph, a, b, supers: dict) -> bool:
    """Whether a and b have a class in common up the hierarchy below the top classes
    (or no class to tell them apart)."""
    ta = {c for t in graph.objects(a, RDF.type) for c in supers.get(t, {t})}
    tb = {c for t in graph.objects(b, RDF.type) for c in supers.get(t, {t})}
    if not ta or not tb:
        return True
    direct_a = set(graph.objects(a, RDF.type))
    direct_b = set(graph.objects(b, RDF.type))
    return bool(direct_a & tb) or bool(direct_b & ta)
