"""Canned queries about report 003 (academic article on the Digital Silk Road in the Balkans,
2024) answer its questions on the real graph, each row with its report and verbatim quote."""

from __future__ import annotations

import pytest

from kg.build import build
from kg.queries import load_queries
from kg.quotes import SourceText
from kg.store import GraphStore

R003 = "report/dsr-balkans-2024"


def run(store, name: str, **args) -> list[dict[str, str | None]]:
    """Rows of a canned query as {variable: value} with the base IRI stripped."""
    base = store.settings.base
    query = load_queries(store.settings.queries_dir)[name]
    results = store.query(query.render(query.bindings(args, base)))
    names = [v.value for v in results.variables]
    return [{n: (s[n].value.replace(base, "") if s[n] is not None else None) for n in names}
            for s in results]


def short(value: str | None) -> str | None:
    return value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if value else value


@pytest.fixture(scope="module")
def texts(store):
    """Report texts by report IRI (base stripped), for checking returned quotes."""
    rows = store.query("SELECT ?r ?f WHERE { ?r a dsr:Report ; dsr:sourceFile ?f }")
    base = store.settings.base
    return {r["r"].value.replace(base, ""): SourceText(
        (store.settings.sources_dir / r["f"].value).read_text(encoding="utf-8")) for r in rows}


def assert_quotes_verbatim(rows, texts, report_key="report", quote_key="quote"):
    for row in rows:
        assert row[report_key] and row[quote_key], row
        assert texts[row[report_key]].find(row[quote_key]) is not None, row


# --- smart-city projects per Serbian city -----------------------------------------

def test_smart_city_components_per_serbian_city(store, texts):
    rows = run(store, "smart-city-components", country="id:serbia")
    assert_quotes_verbatim(rows, texts)
    by_city: dict[str, set[str]] = {}
    for r in rows:
        by_city.setdefault(short(r["city"]), set()).add(short(r["component"]) or "")
    assert {"belgrade", "kragujevac", "nis", "novi-sad", "krusevac"} <= set(by_city)
    assert {"kragujevac-city-data-center", "ekgradjanin", "ekg-card", "kragujevac-smart-water-meters",
            "kragujevac-smart-water-meters-pilot", "kragujevac-google-transit-lines"} <= by_city["kragujevac"]
    assert "nis-parking-space-monitoring" in by_city["nis"]
    assert "safe-city-belgrade" in by_city["belgrade"]
    pilot = next(r for r in rows if short(r["component"]) == "kragujevac-smart-water-meters-pilot")
    assert short(pilot["parent"]) == "kragujevac-smart-water-meters"
    assert pilot["report"] == R003 and "619 water meters" in pilot["quote"]
    data_centre = next(r for r in rows if short(r["component"]) == "kragujevac-city-data-center")
    assert "cloud computing" in data_centre["technologies"]


def test_smart_city_components_of_a_country_without_projects_is_empty(store):
    assert run(store, "smart-city-components", country="id:estonia") == []


# --- the 16+1/17+1 format and the Clean Network ------------------------------------

def test_china_ceec_members_who_joined_and_who_withdrew(store, texts):
    rows = [r for r in run(store, "initiative-membership") if r["report"] == R003]
    assert_quotes_verbatim(rows, texts)
    members = {short(r["member"]): r for r in rows}
    assert set(members) == {
        "estonia", "latvia", "lithuania", "poland", "czechia", "slovakia", "hungary", "romania",
        "bulgaria", "slovenia", "croatia", "serbia", "bosnia-and-herzegovina", "montenegro",
        "albania", "north-macedonia", "greece"}
    assert all(short(r["stance"]) == "Affirmed" for r in rows)
    assert members["greece"]["joined"] == "2019"
    assert {m for m, r in members.items() if r["joined"] == "2012"} == set(members) - {"greece"}
    withdrawn = {m for m, r in members.items() if short(r["status"]) == "Cancelled"}
    assert withdrawn == {"estonia", "latvia", "lithuania"}
    assert "withdrew from this form of cooperation" in members["latvia"]["statusQuote"]


def test_serbia_and_the_clean_network_both_sides(store, texts):
    rows = [r for r in run(store, "initiative-membership", initiative="id:clean-network")
            if short(r["member"]) == "serbia"]
    assert_quotes_verbatim(rows, texts)
    ours = [r for r in rows if r["report"] == R003]
    assert len(ours) == 1 and short(ours[0]["stance"]) == "Affirmed" and ours[0]["joined"] == "2020-09"
    assert any(short(r["stance"]) == "Denied" and r["report"] != R003 for r in rows), rows


# --- laws that exclude Chinese vendors ------------------------------------------------

def test_laws_excluding_chinese_vendors_per_country_and_year(store, texts):
    rows = run(store, "vendor-exclusion-laws")
    assert_quotes_verbatim(rows, texts)
    ours = {(short(r["country"]), short(r["measure"]), r["year"], short(r["excluded"]))
            for r in rows if r["report"] == R003}
    assert ("romania", "romania-5g-law-2021", "2021", "huawei") in ours
    assert ("north-macedonia", "north-macedonia-electronic-communications-law-amendment", None, "china") in ours


def test_laws_excluding_another_countrys_vendors_do_not_list_chinese_ones(store):
    rows = run(store, "vendor-exclusion-laws", vendorCountry="id:estonia")
    assert not any(r["report"] == R003 for r in rows)


# --- statements another report contradicts ---------------------------------------------

def test_statements_of_report_003_that_others_contradict(store, texts):
    rows = run(store, "contradicted-statements")
    assert_quotes_verbatim(rows, texts, "otherReport", "otherQuote")
    assert all(r["otherReport"] != R003 for r in rows)
    found = {(r["kind"], short(r["subject"]), short(r["predicate"]), short(r["stance"])) for r in rows}
    assert ("same triple, opposite stance", "serbia", "memberOf", "Affirmed") in found
    assert ("marked as contradicting", "bosnia-and-herzegovina", "restricts", "Affirmed") in found
    assert ("marked as contradicting", "kragujevac-city-data-center", "financedBy", "Affirmed") in found
    assert ("different values of a single-valued property", "smart-city-serbia", "status", "Affirmed") in found


SOURCES = {
    "950_0000000000000000.txt": "Article. Testland joined the Clean Network in 2020. "
                                "The test centre was a donation from China.\n",
    "951_0000000000000001.txt": "Paper. Testland has not joined the Clean Network. "
                                "Huawei solely funded the test centre.\n",
}
MINI = {
    "t/reports.ttl": """
report:test-article a dsr:Report ; skos:prefLabel "Article"@en ; dsr:sourceFile "950_0000000000000000.txt" .
report:test-paper a dsr:Report ; skos:prefLabel "Paper"@en ; dsr:sourceFile "951_0000000000000001.txt" .
id:testland a dsr:Country ; skos:prefLabel "Testland"@en .
id:test-centre a dsr:DataCentre ; skos:prefLabel "Test centre"@en .
""",
    "t/claims.ttl": """
claim:r950-001 a dsr:Claim ; rdf:subject id:testland ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-article ; dsr:section "A" ;
    dsr:quote "Testland joined the Clean Network in 2020." .
claim:r950-002 a dsr:Claim ; rdf:subject id:test-centre ; rdf:predicate dsr:financedBy ; rdf:object id:china ;
    dsr:contradicts claim:r951-002 ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-article ; dsr:section "A" ;
    dsr:quote "The test centre was a donation from China." .
claim:r950-003 a dsr:Claim ; rdf:subject id:testland ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Denied ; dsr:certainty dsr:Stated ; dsr:source report:test-article ; dsr:section "A" ;
    dsr:quote "Testland joined the Clean Network in 2020." .
claim:r951-001 a dsr:Claim ; rdf:subject id:testland ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Denied ; dsr:certainty dsr:Stated ; dsr:source report:test-paper ; dsr:section "B" ;
    dsr:quote "Testland has not joined the Clean Network." .
claim:r951-002 a dsr:Claim ; rdf:subject id:test-centre ; rdf:predicate dsr:financedBy ; rdf:object id:huawei ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-paper ; dsr:section "B" ;
    dsr:quote "Huawei solely funded the test centre." .
""",
}


def test_contradicted_statements_pairs_only_across_reports_from_either_side(mini_project):
    settings = mini_project(MINI, SOURCES)
    build(settings, quiet=True, force=True)
    mini = GraphStore(settings)
    rows = run(mini, "contradicted-statements", report="report:test-article")
    pairs = {(short(r["claim"]), short(r["otherClaim"]), r["kind"]) for r in rows}
    assert ("r950-001", "r951-001", "same triple, opposite stance") in pairs
    assert ("r950-002", "r951-002", "marked as contradicting") in pairs
    # the same report's own opposite claim (r950-003) is not "another report"
    assert not any(o == "r950-003" or c == "r950-003" for c, o, _ in pairs)
    assert {r["otherQuote"] for r in rows} == {"Testland has not joined the Clean Network.",
                                               "Huawei solely funded the test centre."}
    # from the other side, the marked pair is found through the symmetric link
    rows_b = run(mini, "contradicted-statements", report="report:test-paper")
    assert ("r951-002", "r950-002", "marked as contradicting") in {
        (short(r["claim"]), short(r["otherClaim"]), r["kind"]) for r in rows_b}


# --- China context: social-credit pilots ----------------------------------------------------

def test_social_credit_pilots_with_cities_and_scales(store, texts):
    rows = run(store, "social-credit-pilots")
    assert_quotes_verbatim(rows, texts)
    scale = {(short(r["scheme"]), short(r["property"])): r["value"] for r in rows}
    cities = {short(r["scheme"]): short(r["city"]) for r in rows if r["city"]}
    assert scale[("lehui-points", "scoreScaleMin")] == "350"
    assert scale[("lehui-points", "scoreScaleMax")] == "1200"
    assert scale[("osmanthus-points", "scoreScaleMax")] == "200"
    assert scale[("heron-points", "rankCount")] == "5"
    assert cities == {"osmanthus-points": "suzhou", "yuming-points": "fuzhou", "lehui-points": "wuhu",
                      "xichu-points": "suqian", "rongcheng-points": "rongcheng",
                      "haibei-points": "weihai", "heron-points": "xiamen"}


# --- stance and certainty: what does not become a plain fact ----------------------------------

@pytest.mark.parametrize("triple", [
    "id:skynet dsr:cameraCount ?x",                                # "it is estimated"
    "id:serbia-5g-network dsr:suppliedBy id:huawei",               # "it is actually believed"
    "id:bosnia-and-herzegovina dsr:cooperatesWith id:huawei",      # "refused further cooperation"
    "id:sofia-smart-city dsr:amount ?x",                            # the investor "estimates"
])
def test_hedged_and_denied_statements_are_not_plain_facts_of_report_003(store, triple):
    graph = f"<{store.settings.graph_iri('dsr-balkans-2024')}>"
    assert not bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}"))


def test_stated_facts_of_report_003_are_plain_triples_in_its_graph(store):
    graph = f"<{store.settings.graph_iri('dsr-balkans-2024')}>"
    for triple in ("id:serbia dsr:memberOf id:clean-network",
                   "id:kragujevac-city-data-center-donation dsr:amount id:amount-usd-2m",
                   "id:telekom-srbija dsr:ownershipType dsr:StateOwned",
                   "id:romania-5g-law-2021 dsr:target id:huawei"):
        assert bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}")), triple
