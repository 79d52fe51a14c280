"""Canned queries for the questions report 004 (CSIS 2020, "Becoming a Chinese Client State:
The Case of Serbia") answers, run against the real build: each returns its answer together
with the supporting report and verbatim quote."""

from __future__ import annotations

import pytest

from kg.queries import load_queries

BASE_ID = "https://w3id.org/dsr-balkans/id/"
DSR = "https://w3id.org/dsr-balkans/ontology#"
CSIS = "https://w3id.org/dsr-balkans/report/csis-2020-chinese-client-state"


@pytest.fixture(scope="module")
def run(store, built):
    """run(name, **params) -> list of {variable: lexical value or None}."""
    queries = load_queries(built.queries_dir)

    def _run(name: str, **params: str) -> list[dict[str, str | None]]:
        query = queries[name]
        text = query.render(query.bindings(params, built.base))
        solutions = store.query(text)
        names = [v.value for v in solutions.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]
    return _run


def local(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


def test_every_row_carries_report_and_quote(run):
    for name, params in (("chinese-projects", {}), ("public-opinion", {}), ("statistics", {}),
                         ("questioned-statements", {}), ("digital-projects", {}), ("recommendations", {})):
        rows = run(name, **params)
        assert rows, name
        assert all(r["report"] and r["quote"] for r in rows), name


def test_chinese_projects_in_serbia_with_financing_chain(run):
    rows = run("chinese-projects", country="id:serbia")
    roles = {(local(r["project"]), local(r["role"]), local(r["actor"])) for r in rows if r["report"] == CSIS}
    assert ("belgrade-budapest-railway-serbian-section", "financedBy", "exim-bank-of-china") in roles
    assert ("corridor-11", "builtBy", "shandong-international") in roles
    assert ("kostolac-b3", "financedBy", "china") in roles
    assert ("smederevo-steel-mill", "ownedBy", "hbis-group") in roles
    assert ("bor-copper-mining-and-smelting-basin", "ownedBy", "zijin-mining") in roles
    assert ("state-data-center-kragujevac", "suppliedBy", "huawei") in roles
    # the Serbian subcontractor is not a Chinese actor
    assert not any(actor == "energoprojekt-niskogradnja" for _, _, actor in roles)
    loan = next(r for r in rows if local(r["project"]) == "belgrade-budapest-railway-serbian-section"
                and local(r["actor"]) == "exim-bank-of-china" and r["report"] == CSIS)
    assert loan["currency"] == "USD" and float(loan["value"]) == 1.3e9
    assert float(loan["shareOfCost"]) == 85.0 and local(loan["agreementType"]) == "Loan"
    assert "85 percent of the project costs" in loan["quote"]
    assert local(loan["sector"]) == "TransportInfrastructure"
    kostolac = next(r for r in rows if local(r["project"]) == "kostolac-b3")
    assert local(kostolac["sector"]) == "EnergyInfrastructure" and "Chinese-funded" in kostolac["quote"]


def test_chinese_projects_in_another_country_exclude_serbian_ones(run):
    rows = run("chinese-projects", country="id:montenegro")
    assert not any(local(r["project"]) == "kostolac-b3" for r in rows)


def test_public_opinion_in_serbia_over_time(run):
    rows = [r for r in run("public-opinion", population="id:serbia") if r["report"] == CSIS]
    values = {(local(r["indicator"]), local(r["about"]), r["date"], float(r["result"]))
              for r in rows if local(r["measure"]) == "value"}
    expected = {
        ("indicator-foreign-policy-reliance", "china", "2005", 3.0),
        ("indicator-foreign-policy-reliance", "european-union", "2005", 32.0),
        ("indicator-foreign-policy-reliance", "russia", "2005", 34.0),
        ("indicator-favourable-opinion", "china", "2018", 56.0),
        ("indicator-favourable-opinion", "european-union", "2018", 27.0),
        ("indicator-favourable-opinion", "russia", "2018", 60.0),
        ("indicator-perceived-largest-donor", "china", "2020-03", 40.0),
        ("indicator-perceived-largest-donor", "european-union", "2020-03", 17.6),
        ("indicator-perceived-largest-donor", "european-union", "2020", 28.0),
        ("indicator-perceived-largest-donor", "russia", "2020", 27.0),
        ("indicator-perceived-largest-donor", "china", "2020", 20.0),
    }
    assert expected <= values, expected - values
    china_2018 = next(r for r in rows if r["date"] == "2018" and local(r["about"]) == "china"
                      and local(r["measure"]) == "value")
    assert local(china_2018["pollster"]) == "national-democratic-institute"
    assert "56 percent of Serbians polled" in china_2018["quote"]
    support = [r for r in rows if local(r["indicator"]) == "indicator-eu-membership-support"]
    assert {local(r["result"]) for r in support if local(r["measure"]) == "trend"} == {"Decreasing"}


def test_statistics_about_serbia_alignment_and_debt(run):
    rows = [r for r in run("statistics", about="id:serbia") if r["report"] == CSIS]
    by_label = {(r["statisticLabel"], local(r["measure"])): r for r in rows}
    assert float(by_label[("Serbia's alignment with EU foreign-policy declarations (2012)", "value")]["result"]) == 99
    assert float(by_label[("Serbia's alignment with EU foreign-policy declarations (2016)", "value")]["result"]) == 59
    debt_2020 = by_label[("Serbia's public debt to GDP expected for 2020", "value")]
    assert float(debt_2020["result"]) == 62 and local(debt_2020["certainty"]) == "Hedged"
    assert float(by_label[("Serbia's public debt to GDP before the 2020 increase", "value")]["result"]) == 52
    assert float(by_label[("Public-debt ceiling agreed between Serbia and the IMF", "value")]["result"]) == 60


def test_statistics_about_china_aid_figures(run):
    rows = [r for r in run("statistics", about="id:china") if r["report"] == CSIS]
    amounts = {(r["statisticLabel"], r["currency"], float(r["amountValue"])) for r in rows if r["amountValue"]}
    assert ("Aid China pledged to Serbia since 2009", "EUR", 56e6) in amounts
    assert ("Aid China delivered to Serbia since 2009", "EUR", 6.6e6) in amounts
    rate = next(r for r in rows if r["statisticLabel"].startswith("Share of its pledged aid") and local(r["measure"]) == "value")
    assert float(rate["result"]) == 12 and local(rate["certainty"]) == "Hedged"
    rank = next(r for r in rows if r["statisticLabel"] == "China's rank among donors of aid to Serbia")
    assert float(rank["result"]) == 5 and "fifth place" in rank["quote"]


def test_questioned_statements_of_the_report(run):
    rows = run("questioned-statements", report="report:csis-2020-chinese-client-state")
    assert rows and all(r["report"] == CSIS for r in rows)
    subjects = {local(r["subject"]) for r in rows}
    assert "stat-huawei-serbia-telecom-users-2015" in subjects          # "that statistic is questionable"
    assert "stat-safe-city-belgrade-crime-rate" in subjects             # "impossible to verify"
    assert "joint-police-patrols-serbia" in subjects                    # "were also claimed"
    denial = next(r for r in rows if local(r["subject"]) == "safe-city-belgrade" and local(r["predicate"]) == "operatedBy")
    assert local(denial["stance"]) == "Denied" and "downplayed" in denial["quote"]
    huawei = next(r for r in rows if local(r["subject"]) == "stat-huawei-serbia-telecom-users-2015")
    assert "questionable" in huawei["hedge"] and huawei["note"] == "91"


def test_hedged_statements_of_the_report(run):
    rows = run("questioned-statements", certainty="dsr:Hedged", report="report:csis-2020-chinese-client-state")
    hedges = {r["hedge"] for r in rows}
    assert {"reportedly", "allegedly", "is expected to", "According to estimates"} <= hedges
    leak = next(r for r in rows if local(r["subject"]) == "safe-city-protester-images-leak")
    assert leak["hedge"] == "allegedly" and "allegedly leaked" in leak["quote"]


def test_hedged_and_questioned_claims_are_not_plain_facts(store):
    # Huawei's 80 percent claim and the 2020 debt projection live only as claims.
    ask = """ASK { GRAPH <https://w3id.org/dsr-balkans/graph/csis-2020-chinese-client-state> {
               id:stat-huawei-serbia-telecom-users-2015 dsr:value ?v } }"""
    assert not bool(store.query(ask))
    ask = ask.replace("stat-huawei-serbia-telecom-users-2015", "stat-serbia-public-debt-to-gdp-2020")
    assert not bool(store.query(ask))
    ask = ask.replace("stat-serbia-public-debt-to-gdp-2020", "stat-serbia-public-debt-to-gdp-before-2020")
    assert bool(store.query(ask))


def test_digital_projects_in_serbia_with_chinese_company_and_year(run):
    rows = run("digital-projects", country="id:serbia")
    found = {(local(r["project"]), local(r["company"]), r["year"]) for r in rows if r["report"] == CSIS}
    assert ("state-data-center-kragujevac", "huawei", "2020") in found
    assert ("state-data-center-kragujevac", "china", "2020") in found
    assert ("netdragon-ai-training-center-belgrade", "netdragon", "2020") in found
    assert ("alibaba-serbia-tourism-contract-2019", "alibaba", "2019") in found
    assert ("tencent-data-center-serbia", "tencent", "2019") in found
    assert any(p == "safe-city-belgrade" and c == "huawei" for p, c, _ in found)
    assert any(p == "nis-smart-city" and c == "huawei" for p, c, _ in found)
    assert any(p == "netdragon-remote-learning-platforms" and c == "netdragon" for p, c, _ in found)
    tourism = next(r for r in rows if local(r["project"]) == "alibaba-serbia-tourism-contract-2019")
    assert local(tourism["type"]) == "Contract" and "WeChat, Weibo, and Fliggi" in tourism["quote"]


def test_recommendations_to_the_united_states(run):
    rows = run("recommendations", addressee="id:united-states", report="report:csis-2020-chinese-client-state")
    assert len(rows) >= 10
    assert all("United States" in r["addressees"] for r in rows)
    assert any("public education campaign" in r["quote"] for r in rows)
    banks = run("recommendations", addressee="id:japan-bank-for-international-cooperation")
    assert any("investment working group" in r["quote"] for r in banks)


def test_recommendations_and_assessments_are_never_plain_facts(store):
    ask = """ASK { ?c a dsr:Recommendation ; dsr:source report:csis-2020-chinese-client-state ;
                   rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                   GRAPH <https://w3id.org/dsr-balkans/graph/csis-2020-chinese-client-state> { ?s ?p ?o } }"""
    assert not bool(store.query(ask))
    count = """SELECT (COUNT(?c) AS ?n) WHERE { ?c a dsr:Assessment ; dsr:source report:csis-2020-chinese-client-state }"""
    assert int(next(iter(store.query(count)))["n"].value) >= 40


def test_contested_facts_list_the_reports_own_contradiction(run):
    rows = run("contested-facts")
    pair = [r for r in rows if local(r["subject"]) == "safe-city-belgrade" and local(r["predicate"]) == "operatedBy"
            and r["kind"] == "marked as contradicting"]
    assert pair, "Huawei's denial that it operates Safe City and the report's rebuttal should be listed"
    assert {pair[0]["reportA"], pair[0]["reportB"]} == {CSIS}
    assert {"downplayed" in pair[0]["quoteA"], "downplayed" in pair[0]["quoteB"]} == {True, False}


def test_contested_facts_list_the_camera_count_disagreement(run):
    """"Hundreds of cameras" (report 004) against the 1,000 cameras other reports give."""
    rows = run("contested-facts")
    pairs = [r for r in rows if r["kind"] == "marked as contradicting" and CSIS in (r["reportA"], r["reportB"])
             and "hundreds of cameras" in (r["quoteA"] + r["quoteB"])]
    others = {r["reportA"] if r["reportB"] == CSIS else r["reportB"] for r in pairs}
    assert len(others) >= 2, pairs
    assert all(("1,000" in r["quoteA"] + r["quoteB"]) or ("1000" in r["quoteA"] + r["quoteB"]) for r in pairs)
