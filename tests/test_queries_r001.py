"""The canned queries written for report 001 (GMF 2025) answer the report's questions on the
real build, and every answer carries its report and a verbatim quote."""

from __future__ import annotations

import pytest

from kg.queries import load_queries
from kg.quotes import SourceText

GMF = "report/gmf-2025-dsr-western-balkans"
DSR = "https://w3id.org/dsr-balkans/ontology#"


def run(store, settings, name: str, **args: str) -> list[dict[str, str | None]]:
    """Rows of a canned query (parameters as raw strings, as the CLI and HTTP pass them)."""
    query = load_queries(settings.queries_dir)[name]
    result = store.query(query.render(query.bindings(args, settings.base)))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def local(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def number(value: str | None) -> float | None:
    return None if value is None else float(value)


@pytest.fixture(scope="module")
def gmf_text(settings):
    return SourceText((settings.sources_dir / "001_1840c13e2e633ab3.txt").read_text(encoding="utf-8"))


def from_gmf(rows, settings):
    return [r for r in rows if r["report"] == settings.base + GMF]


def assert_sourced(rows, gmf_text):
    """Every GMF row names its claim and a quote that is verbatim in the report."""
    assert rows
    for r in rows:
        assert r["claim"] and r["quote"], r
        assert gmf_text.find(r["quote"]) is not None, r["quote"]


def test_engagement_category_of_each_western_balkan_country(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "engagement-categories"), settings)
    assert {local(r["country"]): local(r["category"]) for r in rows} == {
        "serbia": "engagement-keen-strategic-cooperation",
        "bosnia-and-herzegovina": "engagement-keen-strategic-cooperation",
        "albania": "engagement-cautious-limited-engagement",
        "kosovo": "engagement-cautious-limited-engagement",
        "north-macedonia": "engagement-cautious-limited-engagement",
        "montenegro": "engagement-in-between",
    }
    assert_sourced(rows, gmf_text)
    only = run(store, settings, "engagement-categories", country="id:montenegro",
               report="report:gmf-2025-dsr-western-balkans")
    assert [r["categoryLabel"] for r in only] == ["between keen cooperation and cautious engagement"]


def test_typologies_disagree_only_where_categories_do_not_match(store, settings):
    """Close-matching categories of two typologies are not contested; a real difference is."""
    contested = [r for r in run(store, settings, "contested-facts")
                 if r["predicate"] == DSR + "engagementCategory"]
    for r in contested:
        linked = store.query(f"ASK {{ <{r['valueA']}> skos:closeMatch|^skos:closeMatch <{r['valueB']}> }}")
        assert not bool(linked), r
    # every other report's category for Montenegro that does not match "in between" is listed
    others = store.query(
        "SELECT ?c WHERE { ?claim rdf:subject id:montenegro ; rdf:predicate dsr:engagementCategory ;"
        " rdf:object ?c ; dsr:source ?r . FILTER (?r != report:gmf-2025-dsr-western-balkans)"
        " FILTER NOT EXISTS { ?c skos:closeMatch|^skos:closeMatch dsr:engagement-in-between } }")
    for row in others:
        assert any(local(r["subject"]) == "montenegro" and row["c"].value in (r["valueA"], r["valueB"])
                   for r in contested)


def test_telecom_operator_owner_owner_country_and_vendors(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "telecom-operators", operator="id:crnogorski-telekom"), settings)
    facts = {(r["aspect"], local(r["value"]), r["ownerCountryLabel"], local(r["stance"])) for r in rows}
    assert ("owned by", "deutsche-telekom", "Germany", "Affirmed") in facts
    assert ("ownership type", "ForeignOwned", None, "Affirmed") in facts
    assert ("agreement with", "huawei", None, "Affirmed") in facts
    assert ("network supplied by", "huawei", None, "Affirmed") in facts
    assert_sourced(rows, gmf_text)

    owners = {(local(r["operator"]), local(r["value"]), r["ownerCountryLabel"])
              for r in from_gmf(run(store, settings, "telecom-operators"), settings) if r["aspect"] == "owned by"}
    assert {("mtel-montenegro", "telekom-srbija", "Serbia"),
            ("mtel-montenegro", "telekom-srpske", "Bosnia and Herzegovina"),
            ("telekom-srpske", "republika-srpska", "Bosnia and Herzegovina"),
            ("bh-telecom", "federation-of-bosnia-and-herzegovina", "Bosnia and Herzegovina"),
            ("ht-eronet", "hrvatski-telekom", "Croatia"), ("one-albania", "4ig", "Hungary"),
            ("telenor-serbia", "ppf-group", "Czechia")} <= owners


def test_vendor_choices_keep_stance_and_certainty(store, settings):
    huawei = {(local(r["operator"]), r["aspect"], local(r["stance"]), local(r["certainty"]), r["hedge"])
              for r in from_gmf(run(store, settings, "telecom-operators", vendor="id:huawei"), settings)
              if r["aspect"] not in ("owned by", "ownership type")}
    assert ("telekom-srpske", "network supplied by", "Affirmed", "Hedged", "is keen to") in huawei
    assert ("bh-telecom", "network supplied by", "Denied", "Hedged", "seems likely") in huawei
    assert ("vala", "cooperates with", "Denied", "Stated", None) in huawei
    every = run(store, settings, "telecom-operators", vendor="id:ericsson")
    ericsson = {(local(r["operator"]), r["aspect"], local(r["stance"]), local(r["certainty"]))
                for r in from_gmf(every, settings)}
    assert {("ht-eronet", "network supplied by", "Affirmed", "Stated"),
            ("bh-telecom", "network supplied by", "Affirmed", "Hedged"),
            ("a1-macedonia", "network supplied by", "Affirmed", "Stated"),
            ("macedonian-telecom", "network supplied by", "Affirmed", "Stated"),
            ("vala", "agreement with", "Affirmed", "Stated")} <= ericsson
    assert all(local(r["value"]) == "ericsson" for r in every if r["aspect"] not in ("owned by", "ownership type"))


def test_seeds_for_the_future_participation_per_report(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "seeds-for-the-future"), settings)
    assert {(local(r["participant"]), local(r["stance"]), r["since"]) for r in rows} == {
        ("serbia", "Affirmed", "2014"), ("montenegro", "Affirmed", "2021"),
        ("north-macedonia", "Denied", None), ("bosnia-and-herzegovina", "Denied", None)}
    assert_sourced(rows, gmf_text)
    dreams = from_gmf(run(store, settings, "seeds-for-the-future", initiative="id:one-thousand-dreams"), settings)
    assert len({r["participant"] for r in dreams}) == 6


def test_coverage_targets_and_dates_per_country(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "coverage-targets", country="id:north-macedonia",
                        technology="dsr:tech-5g"), settings)
    targets = {(r["indicatorLabel"], number(r["value"]), r["targetDate"]) for r in rows if r["kind"] == "target"}
    assert targets == {("coverage of main transport corridors", 100.0, "2025"),
                       ("urban-area coverage", 100.0, "2027"), ("population coverage", 100.0, "2029")}
    assert_sourced(rows, gmf_text)

    bih = from_gmf(run(store, settings, "coverage-targets", country="id:bosnia-and-herzegovina"), settings)
    got = {(r["kind"], r["indicatorLabel"], number(r["value"]), number(r["minValue"]), r["targetDate"]) for r in bih}
    assert {("measured", "population coverage", 96.0, None, None),
            ("measured", "population coverage", 82.0, None, None),
            ("target", "population coverage", 30.0, None, "2025"),
            ("target", "territory coverage", None, 40.0, "2020"),
            ("target", "territory coverage", 75.0, None, "2024")} <= got
    montenegro = from_gmf(run(store, settings, "coverage-targets", country="id:montenegro"), settings)
    assert [(r["technologyLabel"], number(r["value"])) for r in montenegro] == [("5G", 70.0)]


def test_trade_with_china_figures(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "trade-with-china", country="id:serbia"), settings)
    assert {(local(r["exporter"]), local(r["destination"]), r["year"], number(r["value"]), r["currency"])
            for r in rows} == {("serbia", "china", "2023", 124e9, "USD"), ("china", "serbia", "2023", 2.7e9, "USD")}
    assert_sourced(rows, gmf_text)
    macedonia = from_gmf(run(store, settings, "trade-with-china", country="id:north-macedonia"), settings)
    assert {(local(r["exporter"]), r["year"], number(r["value"])) for r in macedonia} == {
        ("china", "2017", 390e6), ("china", "2022", 829e6),
        ("north-macedonia", "2017", 92.4e6), ("north-macedonia", "2022", 76.3e6)}


def test_freedom_house_classifications(store, settings, gmf_text):
    rows = from_gmf(run(store, settings, "freedom-house-ratings"), settings)
    assert {(local(r["country"]), local(r["rating"]), r["year"]) for r in rows} == {
        ("serbia", "rating-hybrid-regime", "2024"), ("north-macedonia", "rating-partly-free", "2022"),
        ("bosnia-and-herzegovina", "rating-partly-free", "2023")}
    assert_sourced(rows, gmf_text)


def test_contested_facts_of_report_001(store, settings):
    """Disagreements with other reports stay visible, each side with its own report."""
    pairs = {(local(r["subject"]), local(r["predicate"]))
             for r in run(store, settings, "contested-facts")
             if settings.base + GMF in (r["reportA"], r["reportB"])}
    assert {("crnogorski-telekom", "ownershipType"), ("seeds-for-the-future", "startDate"),
            ("north-macedonia", "memberOf"), ("bosnia-and-herzegovina", "memberOf"),
            ("serbia", "memberOf"), ("telekom-srbija-huawei-contract-2016", "amount"),
            ("interior-ministry-huawei-safe-city-strategic-partnership", "date")} <= pairs


def test_hedged_denied_and_assessed_statements_are_not_plain_facts(store, settings):
    graph = f"<{settings.graph_iri('gmf-2025-dsr-western-balkans')}>"
    for triple in ("id:bh-telecom-5g-network dsr:suppliedBy id:ericsson",        # "seems likely"
                   "id:telekom-srpske-5g-network dsr:suppliedBy id:huawei",      # "is keen to"
                   "id:serbia dsr:memberOf id:clean-network",                    # "has not joined"
                   "id:north-macedonia dsr:memberOf id:seeds-for-the-future",    # "is not part of"
                   "id:serbia dsr:engagementCategory dsr:engagement-keen-strategic-cooperation"):
        assert not bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}")), triple
    for triple in ("id:crnogorski-telekom dsr:ownedBy id:deutsche-telekom",
                   "id:serbia dsr:memberOf id:seeds-for-the-future",
                   "id:ht-eronet-5g-network dsr:suppliedBy id:ericsson"):
        assert bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}")), triple
