"""Synthetic project checkouts of any size, shaped like the real graph, for benchmarks.

    .venv/bin/python bench/synthetic.py --triples 100000 --out /tmp/syn-100k [--seed 0]
    DSR_ROOT=/tmp/syn-100k DSR_DIST=/tmp/syn-100k/dist .venv/bin/dsr build

The output is a project directory like this checkout: a copy of ontology/ and
queries/, sources/ with synthetic report texts, and triples/ with reports.ttl,
core/entities.ttl and one rNNN/ folder (entities.ttl, claims.ttl) per report. It
validates clean (warnings aside) against the real ontology and shapes, and every
quote really occurs in its report's text, so `dsr build` runs the whole pipeline.

"Triples" counts the curated input (what `dsr build` parses from triples/); the
published dataset is about three times larger (quote selectors, facts, inferences).

Proportions follow the real graph (November 2026: 27.7k curated triples, 751
entities, 2,717 claims of 9.5 triples each, one report per ~540 claims, ~3 claims
per quoted sentence, 2.5% denied, 3% hedged or questioned, 8.5% assessments, 8.6%
context claims, 2% recommendations). Entity kinds and claim patterns (subject kind,
predicate, object kind) are the real graph's most frequent ones, with its weights,
and the structure the reasoner works on is there too: transitive dsr:partOf chains
(city -> sub-state entity -> country -> region -> macro-region), sub-properties
(dsr:lender -> dsr:party -> dsr:involves, dsr:leaderOf -> dsr:affiliatedWith,
dsr:subsidiaryOf -> dsr:partOf), inverses, symmetric properties, the property chains
locatedIn o partOf, hasMembership o membershipIn and hasOwnership o owner, and
sub-class typing. Same size and seed: byte-identical output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import textwrap
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CLAIMS_PER_REPORT = 540          # real graph: 2,717 claims in 5 reports
TRIPLES_PER_ENTITY_SHARE = 37    # real graph: 27.7k curated triples / 751 entities
DENIED, HEDGED, QUESTIONED = 0.025, 0.028, 0.003
ASSESSMENT, CONTEXT, RECOMMENDATION = 0.085, 0.086, 0.02
SECTION, NOTE, ALT_LABEL = 0.98, 0.49, 0.28
SECOND_SOURCE = 0.10             # a fact a second report also states
CONTRADICTS, ATTRIBUTED = 0.004, 0.014

# Entity kinds: (kind, class, share per 1,000 entities, label suffix).
KINDS = [
    ("statistic", "dsr:Statistic", 170, "statistic"),
    ("event", "dsr:Event", 148, "event"),
    ("city", "dsr:City", 57, ""),
    ("country", "dsr:Country", 50, ""),
    ("substate", "dsr:SubstateEntity", 8, "province"),
    ("person", "dsr:Person", 45, ""),
    ("govbody", "dsr:GovernmentBody", 40, "ministry"),
    ("cso", "dsr:CivilSocietyOrganization", 21, "institute"),
    ("io", "dsr:InternationalOrganization", 17, "organisation"),
    ("operator", "dsr:TelecomOperator", 25, "telecom"),
    ("vendor", "dsr:TechnologyVendor", 17, "technologies"),
    ("company", "dsr:Company", 17, "holding"),
    ("builder", "dsr:ConstructionCompany", 5, "construction"),
    ("bank", "dsr:FinancialInstitution", 7, "bank"),
    ("initiative", "dsr:Initiative", 21, "initiative"),
    ("network", "dsr:TelecomNetwork", 36, "network"),
    ("smartcity", "dsr:SmartCityProject", 23, "smart city"),
    ("transport", "dsr:TransportInfrastructure", 19, "highway"),
    ("platform", "dsr:DigitalPlatform", 12, "platform"),
    ("surveillance", "dsr:SurveillanceSystem", 11, "safe city"),
    ("innovation", "dsr:InnovationCentre", 8, "innovation centre"),
    ("datacentre", "dsr:DataCentre", 5, "data centre"),
    ("industrial", "dsr:IndustrialAsset", 5, "plant"),
    ("membership", "dsr:Membership", 32, "membership"),
    ("ownership", "dsr:Ownership", 4, "ownership"),
    ("deployment", "dsr:Deployment", 6, "deployment"),
    ("contract", "dsr:Contract", 17, "contract"),
    ("mou", "dsr:MemorandumOfUnderstanding", 16, "memorandum"),
    ("treaty", "dsr:Treaty", 12, "treaty"),
    ("article", "dsr:AgreementArticle", 4, "article"),
    ("partnership", "dsr:StrategicPartnership", 5, "strategic partnership"),
    ("loan", "dsr:Loan", 4, "loan"),
    ("strategy", "dsr:Strategy", 20, "strategy"),
    ("law", "dsr:Law", 12, "law"),
    ("ban", "dsr:Ban", 11, "ban"),
    ("amount", "schema:MonetaryAmount", 29, ""),
]
WIKIDATA_KINDS = {"country", "vendor", "operator", "io"}   # dsrsh:WikidataAdviceShape
PLACES = ("city", "country", "substate")

# Claim patterns: (weight, subject kinds, predicate, object spec). Object spec: entity
# kinds, "concept:Class" (a concept of the ontology), or "lit:TYPE". Weights are the
# real graph's counts; single-valued parts of n-ary nodes are generated separately.
PATTERNS = [
    (104, "country", "dsr:memberOf", "initiative io"),
    (63, "event", "dsr:date", "lit:year"),
    (38, "network surveillance", "dsr:suppliedBy", "vendor"),
    (29, "person", "dsr:jobTitle", "lit:title"),
    (86, "event", "dsr:agent", "country vendor govbody person io operator"),
    (68, "network surveillance initiative platform event", "dsr:technology", "concept:Technology"),
    (55, "operator vendor company govbody", "dsr:basedIn", "country city"),
    (51, "treaty partnership mou contract", "dsr:party", "country"),
    (56, "network transport event industrial law deployment", "dsr:locatedIn", "country"),
    (60, "smartcity event innovation surveillance datacentre", "dsr:locatedIn", "city"),
    (43, "country vendor govbody", "dsr:cooperatesWith", "country vendor operator"),
    (33, "initiative smartcity contract mou datacentre event", "dsr:purpose", "lit:purpose"),
    (56, "event", "dsr:concerns", "initiative surveillance network country event innovation datacentre"),
    (15, "network", "dsr:operatedBy", "operator"),
    (20, "country", "dsr:restricts", "country vendor"),
    (14, "person", "dsr:leaderOf", "country govbody"),
    (19, "event", "dsr:target", "country govbody"),
    (10, "operator", "dsr:ownershipType", "concept:OwnershipType"),
    (10, "country", "dsr:strategicGoal", "io"),
    (9, "country", "dsr:candidateFor", "io"),
    (33, "contract mou", "dsr:party", "vendor operator builder govbody"),
    (35, "contract mou partnership treaty initiative", "dsr:date", "lit:year"),
    (12, "innovation datacentre", "dsr:operatedBy", "vendor"),
    (12, "vendor company", "dsr:presentIn", "country"),
    (12, "person", "dsr:affiliatedWith", "cso govbody"),
    (10, "initiative", "dsr:initiatedBy", "country vendor"),
    (16, "mou contract", "dsr:concerns", "smartcity network transport"),
    (11, "transport event", "dsr:status", "concept:Status"),
    (6, "country", "dsr:supports", "strategy"),
    (10, "operator", "dsr:ownedBy", "operator company"),
    (4, "country", "dsr:recognizes", "country"),
    (4, "transport", "dsr:financedBy", "bank"),
    (4, "treaty", "dsr:signatory", "person"),
    (4, "transport", "dsr:connects", "city"),
    (4, "strategy law", "dsr:agent", "country govbody"),
    (3, "ban", "dsr:target", "vendor"),
    (6, "surveillance", "dsr:cameraCount", "lit:count"),
    (5, "event", "dsr:participant", "person"),
    (4, "event", "dsr:reason", "lit:purpose"),
    (4, "govbody", "dsr:subsidiaryOf", "govbody"),
    (3, "event", "dsr:followsUp", "event"),
    (4, "network", "dsr:builtBy", "builder vendor"),
]

# Words for labels and filler text (invented, so no real name is misattributed).
SYLLABLES = ("va ro mi ka de lo su ne ta ri bo za le ko ma ni do ve sa li pa to "
             "gra vin dor mel tar bel kor stan ven mir zel dan").split()
FILLER = ("the region cooperation digital infrastructure policy government investment "
          "network security data vendor project agreement public sector operators "
          "financing development strategy surveillance technology telecommunications "
          "standards capacity market regulation procurement partnership officials "
          "authorities citizens transparency reports analysts observers").split()
HEADINGS = ("Introduction", "Background", "Telecommunications", "Smart cities",
            "Surveillance", "Financing and loans", "Agreements", "Country profiles",
            "Regional context", "Outlook", "Recommendations", "Conclusion")
HEDGES = ("reportedly", "allegedly", "it is believed", "could", "is expected to")
DOUBTS = ("impossible to verify", "doubtful")
VERBS = {
    "dsr:memberOf": "is a member of", "dsr:date": "took place in", "dsr:suppliedBy": "was equipped by",
    "dsr:jobTitle": "serves as", "dsr:agent": "was carried out by", "dsr:technology": "uses",
    "dsr:basedIn": "is based in", "dsr:party": "was signed by", "dsr:locatedIn": "is located in",
    "dsr:cooperatesWith": "cooperates with", "dsr:purpose": "aims at", "dsr:concerns": "concerns",
    "dsr:operatedBy": "is operated by", "dsr:restricts": "restricts", "dsr:leaderOf": "leads",
    "dsr:target": "targeted", "dsr:ownershipType": "is", "dsr:strategicGoal": "aims to join",
    "dsr:candidateFor": "is a candidate for", "dsr:presentIn": "is present in",
    "dsr:affiliatedWith": "works with", "dsr:initiatedBy": "was launched by", "dsr:status": "is",
    "dsr:supports": "supports", "dsr:ownedBy": "is owned by", "dsr:recognizes": "recognises",
    "dsr:financedBy": "is financed by", "dsr:signatory": "was signed for by", "dsr:connects": "connects",
    "dsr:cameraCount": "counts cameras numbering", "dsr:participant": "included",
    "dsr:reason": "happened because of", "dsr:subsidiaryOf": "is a department of",
    "dsr:followsUp": "followed", "dsr:builtBy": "was built by", "dsr:partOf": "is part of",
    "dsr:member": "counts as member", "dsr:membershipIn": "is a membership in",
    "dsr:startDate": "started in", "dsr:statisticAbout": "measures", "dsr:value": "stands at",
    "dsr:measuredBy": "was measured by", "dsr:surveyPopulation": "surveyed", "dsr:owner": "is held by",
    "dsr:ownedAsset": "concerns the shares of", "dsr:share": "amounts to a share of",
    "dsr:lender": "was granted by", "dsr:borrower": "was taken by", "dsr:amount": "is worth",
    "dsr:articleText": "reads", "dsr:engagementCategory": "falls into the category",
}

PREFIXES = """\
@prefix dsr:     <https://w3id.org/dsr-balkans/ontology#> .
@prefix id:      <https://w3id.org/dsr-balkans/id/> .
@prefix report:  <https://w3id.org/dsr-balkans/report/> .
@prefix claim:   <https://w3id.org/dsr-balkans/claim/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix wd:      <http://www.wikidata.org/entity/> .
"""


@dataclass
class Entity:
    iri: str            # prefixed name, e.g. id:valmora-city-12
    kind: str
    label: str
    home: int           # report that mints it (-1: core)
    extra: list[tuple[str, str]] = field(default_factory=list)   # descriptions (p, o)


@dataclass
class Fact:
    s: Entity
    p: str
    o: Entity | str     # an entity, a concept IRI or a Turtle literal
    text: str           # how the object reads in a sentence
    structural: bool = False


@dataclass
class Claim:
    kind: str                         # dsr:Claim, dsr:ContextClaim, dsr:Assessment, dsr:Recommendation
    fact: Fact | None
    report: int
    stance: str = "dsr:Affirmed"
    certainty: str = "dsr:Stated"
    hedge: str | None = None
    subjects: list[Entity] = field(default_factory=list)     # dcterms:subject
    addressees: list[Entity] = field(default_factory=list)
    attributed: Entity | None = None
    section: bool = True
    note: int | None = None
    iri: str = ""
    quote: str = ""
    heading: str = ""
    contradicts: str | None = None

    def triples(self) -> int:
        n = 5 + (3 if self.fact else 0)          # type, stance, certainty, source, quote
        n += int(self.section) + int(self.note is not None) + int(self.hedge is not None)
        n += len(self.subjects) + len(self.addressees) + int(self.attributed is not None)
        return n + int(self.contradicts is not None)


@dataclass
class Summary:
    triples: int = 0
    entities: int = 0
    claims: int = 0
    reports: int = 0
    source_bytes: int = 0

    def as_dict(self) -> dict:
        return dict(vars(self))


class Picker:
    """Weighted choice among a kind's entities: a few hubs get most links (Zipf-like),
    as Serbia, Huawei and the Clean Network do in the real graph."""

    def __init__(self, rng: random.Random, entities: list[Entity]):
        self.rng = rng
        self.entities = entities
        self.cum = list(accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(entities))))
        self.by_home: dict[int, list[Entity]] = {}
        for e in entities:
            self.by_home.setdefault(e.home, []).append(e)

    def pick(self, home: int | None = None) -> Entity:
        """Often an entity of the same report (reports dwell on their own cases)."""
        if home is not None and home in self.by_home and self.rng.random() < 0.5:
            return self.rng.choice(self.by_home[home])
        return self.entities[bisect(self.cum, self.rng.random() * self.cum[-1])]


class Generator:
    def __init__(self, triples: int, seed: int, ontology_dir: Path):
        self.target = triples
        self.rng = random.Random(seed)
        self.concepts = _concepts(ontology_dir)
        self.entities: dict[str, list[Entity]] = {k: [] for k, *_ in KINDS}
        self.claims: list[Claim] = []
        self.used_slugs: set[str] = set()
        self.wd = 90_000_000
        n_claims = max(60, round(triples / 10.2))
        self.n_reports = max(2, round(n_claims / CLAIMS_PER_REPORT))
        if self.n_reports > 999:
            raise ValueError("at most 999 reports (sourceFile names have three digits): "
                             "use fewer than ~5M triples")
        self.pickers: dict[str, Picker] = {}

    # --- entities -----------------------------------------------------------------

    def name(self, kind: str, suffix: str) -> tuple[str, str]:
        rng = self.rng
        while True:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            if kind == "person":
                word += " " + "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + "ić"
            label = f"{word} {suffix}".strip() if suffix else word
            slug = re.sub(r"[^a-z0-9]+", "-", label.lower().replace("ć", "c")).strip("-")
            if slug not in self.used_slugs:
                self.used_slugs.add(slug)
                return slug, label

    def add_entity(self, kind: str, home: int) -> Entity:
        cls = dict((k, c) for k, c, *_ in KINDS)[kind]
        suffix = dict((k, s) for k, _, _, s in KINDS)[kind]
        slug, label = self.name(kind, suffix)
        e = Entity(f"id:{slug}", kind, label, home, [("a", cls)])
        if kind == "amount":
            value = self.rng.choice([5, 12, 40, 150, 300, 1000]) * 10 ** self.rng.choice([5, 6])
            currency = self.rng.choice(["EUR", "USD", "CNY"])
            e.label = f"{currency} {value:,}"
            e.extra += [("schema:currency", f'"{currency}"'), ("schema:value", f"{value}.0")]
        else:
            e.extra.append(("skos:prefLabel", _lit(label, "@en")))
            if self.rng.random() < ALT_LABEL:
                e.extra.append(("skos:altLabel", _lit(label.upper() if kind != "person" else label.split()[-1], "@en")))
            if kind in WIKIDATA_KINDS:
                self.wd += 1
                e.extra.append(("skos:exactMatch", f"wd:Q{self.wd}"))
        if kind == "statistic":
            e.extra.append(("dsr:indicator", self.rng.choice(self.concepts["Indicator"])))
            e.extra.append(("dsr:unit", self.rng.choice(['"percent"', '"EUR"', '"units"'])))
        self.entities[kind].append(e)
        return e

    def make_entities(self) -> None:
        total = max(60, round(self.target / TRIPLES_PER_ENTITY_SHARE))
        shares = sum(s for _, _, s, _ in KINDS)
        counts = {k: max(2, round(total * s / shares)) for k, _, s, _ in KINDS}
        counts["country"] = max(6, counts["country"])
        # Core: macro-regions, regions and countries (shared by all reports).
        self.macro = [self.add_region(-1) for _ in range(2)]
        self.regions = [self.add_region(-1) for _ in range(max(3, counts["country"] // 12))]
        for _ in range(counts.pop("country")):
            self.add_entity("country", -1)
        self.authors = [self.add_entity("person", -1) for _ in range(min(self.n_reports, 20))]
        self.publishers = [self.add_entity("cso", -1) for _ in range(min(self.n_reports, 8))]
        # The rest, minted report by report in a fixed order.
        order = [(k, i) for k, _, _, _ in KINDS if k in counts for i in range(counts[k])]
        for kind, i in order:
            self.add_entity(kind, self.rng.randrange(self.n_reports))
        for kind, ents in self.entities.items():
            if ents:
                self.pickers[kind] = Picker(self.rng, ents)

    def add_region(self, home: int) -> Entity:
        slug, label = self.name("region", "region")
        e = Entity(f"id:{slug}", "region", label, home,
                   [("a", "dsr:Region"), ("skos:prefLabel", _lit(label, "@en"))])
        self.entities.setdefault("region", []).append(e)
        return e

    def pick(self, kinds: str, home: int | None = None) -> Entity:
        options = [k for k in kinds.split() if self.entities.get(k)]
        return self.pickers[self.rng.choice(options)].pick(home)

    # --- facts --------------------------------------------------------------------

    def literal(self, spec: str) -> tuple[str, str]:
        rng = self.rng
        if spec == "year":
            y = rng.randint(2009, 2025)
            if rng.random() < 0.25:
                m = rng.randint(1, 12)
                return f'"{y}-{m:02d}"^^xsd:gYearMonth', f"{_MONTHS[m - 1]} {y}"
            return f'"{y}"^^xsd:gYear', str(y)
        if spec == "count":
            n = rng.randint(1, 400) * 10
            return str(n), f"{n:,}"
        if spec == "title":
            t = f"{rng.choice(['Minister', 'Director', 'President', 'Head'])} of {rng.choice(FILLER)} {rng.choice(FILLER)}"
            return _lit(t), t
        words = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 6)))
        return _lit(words), words

    def fact(self, s: Entity, p: str, spec: str, structural: bool = False) -> Fact:
        if spec.startswith("lit:"):
            lit, text = self.literal(spec[4:])
            return Fact(s, p, lit, text, structural)
        if spec.startswith("concept:"):
            c = self.rng.choice(self.concepts[spec[8:]])
            return Fact(s, p, c, c.split(":")[-1].replace("-", " "), structural)
        o = self.pick(spec, s.home if s.home >= 0 else None)
        tries = 0
        while o is s and tries < 5:
            o, tries = self.pick(spec), tries + 1
        return Fact(s, p, o, o.label, structural)

    def structural_facts(self) -> list[Fact]:
        """The parts of n-ary nodes and the part-of hierarchy: one value each."""
        rng, E, out = self.rng, self.entities, []
        f = self.fact
        for r in self.regions:
            out.append(Fact(r, "dsr:partOf", rng.choice(self.macro), "", True))
        for c in E["country"]:
            out.append(Fact(c, "dsr:partOf", rng.choice(self.regions), "", True))
        for s in E["substate"]:
            out.append(f(s, "dsr:partOf", "country", True))
        for c in E["city"]:
            if rng.random() < 0.85:
                out.append(f(c, "dsr:partOf", "substate" if rng.random() < 0.3 else "country", True))
        for st in E["statistic"]:
            out.append(f(st, "dsr:statisticAbout", "country io surveillance operator transport", True))
            if rng.random() < 0.8:
                out.append(f(st, "dsr:value", "lit:count", True))
            if rng.random() < 0.6:
                out.append(f(st, "dsr:date", "lit:year", True))
            if rng.random() < 0.5:
                out.append(f(st, "dsr:measuredBy", "cso govbody", True))
            if rng.random() < 0.1:
                out.append(f(st, "dsr:surveyPopulation", "country", True))
        for m in E["membership"]:
            out.append(f(m, "dsr:member", "country", True))
            out.append(f(m, "dsr:membershipIn", "initiative io", True))
            if rng.random() < 0.85:
                out.append(f(m, "dsr:startDate", "lit:year", True))
        for o in E["ownership"]:
            out.append(f(o, "dsr:owner", "country company bank", True))
            out.append(f(o, "dsr:ownedAsset", "operator company", True))
            share = rng.randint(1, 100)
            out.append(Fact(o, "dsr:share", f"{share}.0", f"{share} percent", True))
        for d in E["deployment"]:
            out.append(f(d, "dsr:suppliedBy", "vendor", True))
            out.append(f(d, "dsr:technology", "concept:Technology", True))
        for a in E["article"]:
            out.append(f(a, "dsr:partOf", "treaty", True))
            out.append(f(a, "dsr:articleText", "lit:purpose", True))
        for ln in E["loan"]:
            out.append(f(ln, "dsr:lender", "bank", True))
            out.append(f(ln, "dsr:borrower", "country", True))
            out.append(f(ln, "dsr:concerns", "transport network", True))
        amounts = list(E["amount"])
        rng.shuffle(amounts)
        for agreement, amount in zip(E["loan"] + E["contract"], amounts):
            out.append(Fact(agreement, "dsr:amount", amount, amount.label, True))
        for sc in E["smartcity"]:
            if rng.random() < 0.3:
                out.append(f(sc, "dsr:partOf", "smartcity", True))
        for n in E["network"] + E["transport"] + E["surveillance"] + E["datacentre"]:
            if rng.random() < 0.5:
                out.append(f(n, "dsr:locatedIn", "city", True))
        return [x for x in out if x.o is not x.s]

    def random_fact(self) -> Fact:
        weights = self._pattern_cum
        w, skinds, p, spec = PATTERNS[bisect(weights, self.rng.random() * weights[-1])]
        return self.fact(self.pick(skinds), p, spec)

    # --- claims -------------------------------------------------------------------

    def new_claim(self, fact: Fact | None, report: int, kind: str = "dsr:Claim") -> Claim:
        rng = self.rng
        c = Claim(kind, fact, report)
        if fact is not None and not fact.structural:
            x = rng.random()
            if x < DENIED:
                c.stance = "dsr:Denied"
            x = rng.random()
            if x < HEDGED:
                c.certainty, c.hedge = "dsr:Hedged", rng.choice(HEDGES)
            elif x < HEDGED + QUESTIONED:
                c.certainty, c.hedge = "dsr:Questioned", rng.choice(DOUBTS)
        c.section = rng.random() < SECTION
        c.note = rng.randint(1, 120) if rng.random() < NOTE else None
        if rng.random() < ATTRIBUTED:
            c.attributed = self.pick("person")
        return c

    def make_claims(self) -> None:
        rng = self.rng
        self._pattern_cum = list(accumulate(w for w, *_ in PATTERNS))
        used = sum(len(e.extra) for ents in self.entities.values() for e in ents)
        used += 6 * self.n_reports
        for fact in self.structural_facts():
            home = fact.s.home if fact.s.home >= 0 else rng.randrange(self.n_reports)
            c = self.new_claim(fact, home)
            self.claims.append(c)
            used += c.triples()
        while used < self.target:
            x = rng.random()
            report = rng.randrange(self.n_reports)
            if x < ASSESSMENT:
                if rng.random() < 0.1:
                    fact = self.fact(self.pick("country"), "dsr:engagementCategory", "concept:EngagementCategory")
                    c = self.new_claim(fact, report, "dsr:Assessment")
                else:
                    c = self.new_claim(None, report, "dsr:Assessment")
                    c.subjects = [self.pick("country initiative vendor") for _ in range(rng.randint(1, 3))]
            elif x < ASSESSMENT + RECOMMENDATION:
                c = self.new_claim(None, report, "dsr:Recommendation")
                c.subjects = [self.pick("country initiative vendor network") for _ in range(rng.randint(1, 2))]
                c.addressees = [self.pick("country govbody io") for _ in range(rng.randint(1, 2))]
            else:
                fact = self.random_fact()
                home = fact.s.home if fact.s.home >= 0 and rng.random() < 0.7 else report
                c = self.new_claim(fact, home, "dsr:ContextClaim" if rng.random() < CONTEXT / (1 - ASSESSMENT - RECOMMENDATION) else "dsr:Claim")
                if rng.random() < SECOND_SOURCE:
                    second = self.new_claim(fact, rng.randrange(self.n_reports), c.kind)
                    self.claims.append(second)
                    used += second.triples()
            # Dedupe subjects/addressees (a repeated object is one triple).
            c.subjects = list({e.iri: e for e in c.subjects}.values())
            c.addressees = list({e.iri: e for e in c.addressees}.values())
            self.claims.append(c)
            used += c.triples()

    # --- texts and files ----------------------------------------------------------

    def sentence(self, group: list[Claim]) -> str:
        rng = self.rng
        clauses = []
        for c in group:
            f = c.fact
            if f is None:
                subj = ", ".join(e.label for e in c.subjects)
                if c.kind == "dsr:Recommendation":
                    to = " and ".join(e.label for e in c.addressees)
                    clauses.append(f"{to} should {rng.choice(['monitor', 'review', 'support', 'limit'])} "
                                   f"the {rng.choice(FILLER)} of {subj}")
                else:
                    clauses.append(f"{subj} {rng.choice(['remains', 'appears to be', 'is seen as'])} a "
                                   f"{rng.choice(FILLER)} {rng.choice(FILLER)} case")
                continue
            verb = VERBS.get(f.p, "is related to")
            neg = c.stance == "dsr:Denied"
            hedge = f"{c.hedge} " if c.hedge else ""
            clause = f"{f.s.label} {hedge}{verb} {f.text or getattr(f.o, 'label', '')}"
            clauses.append(f"it is not true that {clause}" if neg else clause)
        lead = rng.choice(["", "", "In addition, ", "According to officials, ", "Since then, ", "Notably, "])
        text = lead + "; ".join(clauses)
        text = text[0].upper() + text[1:]
        return text + "."

    def filler(self) -> str:
        words = [self.rng.choice(FILLER) for _ in range(self.rng.randint(8, 20))]
        return " ".join(words).capitalize() + "."

    def write_report_text(self, report: int, claims: list[Claim]) -> str:
        """The report's text: headed sections of wrapped paragraphs; each group of 1-5
        claims shares one sentence as its verbatim quote."""
        rng = self.rng
        parts: list[str] = [f"SYNTHETIC REPORT {report:03d}", ""]
        heading_every = max(1, len(claims) // len(HEADINGS) + 1)
        paragraph: list[str] = []
        i = 0
        heading = None
        while i < len(claims):
            current = HEADINGS[min(i // heading_every, len(HEADINGS) - 1)]
            if current != heading:
                if paragraph:
                    parts += [_wrap(" ".join(paragraph), rng), ""]
                    paragraph = []
                heading = current
                parts += [heading, ""]
            size = rng.choice([1, 1, 2, 3, 3, 4, 5])
            group = claims[i:i + size]
            # Assessments and recommendations get their own sentence.
            if any(c.fact is None for c in group):
                group = group[:1]
            i += len(group)
            sentence = self.sentence(group)
            for c in group:
                c.quote, c.heading = sentence, heading
            paragraph.append(sentence)
            if rng.random() < 0.6:
                paragraph.append(self.filler())
            if len(paragraph) > 6:
                parts += [_wrap(" ".join(paragraph), rng), ""]
                paragraph = []
        if paragraph:
            parts += [_wrap(" ".join(paragraph), rng), ""]
        return "\n".join(parts)

    def write(self, out: Path, ontology_from: Path) -> Summary:
        summary = Summary()
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(ontology_from / "ontology", out / "ontology")
        shutil.copytree(ontology_from / "queries", out / "queries")
        (out / "sources").mkdir(parents=True)
        (out / "triples" / "core").mkdir(parents=True)
        by_report: dict[int, list[Claim]] = {r: [] for r in range(self.n_reports)}
        for c in self.claims:
            by_report[c.report].append(c)
        reports = []
        for r in range(self.n_reports):
            claims = by_report[r]
            self.rng.shuffle(claims)
            for n, c in enumerate(claims, 1):
                c.iri = f"claim:r{r:03d}-{n:05d}"
            text = self.write_report_text(r, claims)
            fname = f"{r:03d}_{hashlib.sha256(f'syn{r}'.encode()).hexdigest()[:16]}.txt"
            (out / "sources" / fname).write_text(text, encoding="utf-8")
            summary.source_bytes += len(text.encode("utf-8"))
            reports.append((r, fname))
        # A few structural contradictions between claims of one report (dsr:contradicts).
        for r, claims in by_report.items():
            facts = [c for c in claims if c.fact is not None]
            for _ in range(round(len(claims) * CONTRADICTS)):
                a, b = self.rng.sample(facts, 2)
                a.contradicts = b.iri
        summary.triples += self.write_reports(out, reports)
        summary.reports = len(reports)
        core = [e for ents in self.entities.values() for e in ents if e.home < 0]
        summary.triples += _write_entities(out / "triples" / "core" / "entities.ttl", core,
                                           "Entities several synthetic reports mention.")
        for r in range(self.n_reports):
            folder = out / "triples" / f"r{r:03d}"
            folder.mkdir()
            ents = [e for ents in self.entities.values() for e in ents if e.home == r]
            summary.triples += _write_entities(folder / "entities.ttl", ents,
                                               f"Entities first minted for synthetic report {r:03d}.")
            summary.triples += _write_claims(folder / "claims.ttl", by_report[r], r)
            summary.claims += len(by_report[r])
        summary.entities = sum(len(v) for v in self.entities.values())
        (out / "synthetic.json").write_text(json.dumps(summary.as_dict(), indent=2) + "\n")
        return summary

    def write_reports(self, out: Path, reports: list[tuple[int, str]]) -> int:
        lines, n = [PREFIXES], 0
        for r, fname in reports:
            author = self.authors[r % len(self.authors)]
            publisher = self.publishers[r % len(self.publishers)]
            lines.append(
                f"report:synthetic-report-{r:03d} a dsr:Report ;\n"
                f"    dcterms:title {_lit(f'Synthetic report {r:03d} on the digital silk road', '@en')} ;\n"
                f"    skos:prefLabel {_lit(f'Synthetic {r:03d}', '@en')} ;\n"
                f"    dcterms:creator {author.iri} ;\n"
                f"    dcterms:publisher {publisher.iri} ;\n"
                f"    dcterms:issued \"{2019 + r % 7}-{1 + r % 12:02d}\"^^xsd:gYearMonth ;\n"
                f"    dsr:sourceFile \"{fname}\" .\n")
            n += 7
        (out / "triples" / "reports.ttl").write_text("\n".join(lines), encoding="utf-8")
        return n


def _write_entities(path: Path, entities: list[Entity], comment: str) -> int:
    blocks, n = [f"# {comment}\n" + PREFIXES], 0
    for e in entities:
        body = " ;\n    ".join(f"{p} {o}" for p, o in e.extra)
        blocks.append(f"{e.iri} {body} .")
        n += len(e.extra)
    path.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return n


def _write_claims(path: Path, claims: list[Claim], report: int) -> int:
    blocks, n = [f"# Claims of synthetic report {report:03d}.\n" + PREFIXES], 0
    for c in claims:
        po = [f"a {c.kind}"]
        if c.fact is not None:
            o = c.fact.o.iri if isinstance(c.fact.o, Entity) else c.fact.o
            po.append(f"rdf:subject {c.fact.s.iri} ; rdf:predicate {c.fact.p} ; rdf:object {o}")
        if c.subjects:
            po.append("dcterms:subject " + ", ".join(e.iri for e in c.subjects))
        if c.addressees:
            po.append("dsr:addressee " + ", ".join(e.iri for e in c.addressees))
        po.append(f"dsr:stance {c.stance} ; dsr:certainty {c.certainty}")
        if c.hedge:
            po.append(f"dsr:hedge {_lit(c.hedge)}")
        if c.attributed:
            po.append(f"dsr:attributedTo {c.attributed.iri}")
        if c.contradicts:
            po.append(f"dsr:contradicts {c.contradicts}")
        po.append(f"dsr:source report:synthetic-report-{report:03d}")
        if c.section:
            po.append(f"dsr:section {_lit(c.heading)}")
        if c.note is not None:
            po.append(f'dsr:note "{c.note}"^^xsd:positiveInteger')
        po.append(f"dsr:quote {_lit(c.quote)}")
        blocks.append(f"{c.iri} " + " ;\n    ".join(po) + " .")
        n += c.triples()
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return n


_MONTHS = ("January February March April May June July August September October "
           "November December").split()


def _lit(text: str, suffix: str = "") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"{suffix}'


def _wrap(paragraph: str, rng: random.Random) -> str:
    """Wrap at 78 columns, splitting a long word with a line-end hyphen now and then
    (as the PDF extractions do; quote matching rejoins it)."""
    lines = textwrap.wrap(paragraph, 78, break_on_hyphens=False)
    for i in range(len(lines) - 1):
        head, _, rest = lines[i + 1].partition(" ")
        if len(head) >= 9 and head.isalpha() and rng.random() < 0.15:
            cut = len(head) // 2
            lines[i] += " " + head[:cut] + "-"
            lines[i + 1] = head[cut:] + (" " + rest if rest else "")
    return "\n".join(lines)


def _concepts(ontology_dir: Path) -> dict[str, list[str]]:
    """Concepts the ontology defines, per class local name (sorted: deterministic)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF
    dsr = "https://w3id.org/dsr-balkans/ontology#"
    g = Graph()
    for path in sorted(ontology_dir.rglob("*.ttl")):
        if "shapes" not in path.name:
            g.parse(path, format="turtle")
    out = {}
    for cls in ("Technology", "Indicator", "Status", "OwnershipType", "EngagementCategory"):
        members = sorted(str(s) for s in g.subjects(RDF.type, URIRef(dsr + cls)) if str(s).startswith(dsr))
        if not members:
            raise ValueError(f"the ontology defines no dsr:{cls} concept")
        out[cls] = ["dsr:" + m[len(dsr):] for m in members]
    return out


def generate(out: Path, triples: int, seed: int = 0, source: Path = ROOT) -> Summary:
    """Write a synthetic project of about ``triples`` curated triples to ``out``
    (replacing it), using ``source``'s ontology and queries."""
    if triples < 500:
        raise ValueError("ask for at least 500 triples")
    gen = Generator(triples, seed, source / "ontology")
    gen.make_entities()
    gen.make_claims()
    return gen.write(Path(out), source)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=_size, required=True, help="curated triples, e.g. 10000, 100k, 1M")
    ap.add_argument("--out", type=Path, required=True, help="project directory to (re)create")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    summary = generate(args.out, args.triples, args.seed)
    print(json.dumps(summary.as_dict()))
    return 0


def _size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10000, 100k, 1M)")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])


if __name__ == "__main__":
    sys.exit(main())
