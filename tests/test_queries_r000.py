"""Canned queries answer the questions report 000 (Vladisavljev, "Surveying China's Digital
Silk Road in the Western Balkans") raises, run against the real build: who joined the Clean
Network, Serbia's 2016 Telekom Srbija–Huawei contract, what Huawei is involved in, the
report's denials and hedges, and where it disagrees with other reports. Every answer carries
report 000 and its verbatim quote."""

from __future__ import annotations

import pytest

from kg.namespaces import DSR

R000 = "https://w3id.org/dsr-balkans/report/surveying-dsr-western-balkans"
CLOSEST_FRIEND = "China’s Closest Friend in the Western Balkans"
REST = "China and the Rest of the Western Balkans"
RUNS_IT = "The Digital Silk Road Runs It"
CONTRACT_QUOTE = ("In 2016, a general director of Telekom Srbija announced that the company had signed a "
                  "$150 million contract with Huawei for the development of optical networks and fast internet.")


def local(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


def mine(rows, key: str = "report"):
    return [r for r in rows if r[key] == R000]


# --- Clean Network ------------------------------------------------------------------

def test_clean_network_members_according_to_report_000(run):
    rows = mine(run("clean-network"))
    joined = {local(r["actor"]): r for r in rows if local(r["stance"]) == "Affirmed"}
    assert {"albania", "north-macedonia", "kosovo"} <= set(joined)
    assert joined["albania"]["quote"] == ("Several countries in the Western Balkans have signed onto "
                                          "America’s Clean Network, including Albania, North Macedonia, and Kosovo.")
    # report 000 never says Serbia, Montenegro or Bosnia and Herzegovina joined
    assert not {"serbia", "montenegro", "bosnia-and-herzegovina"} & set(joined)
    dates = {(local(r["actor"]), r["date"]) for r in rows}
    assert ("north-macedonia", "2020") in dates and ("albania", "2020") in dates
    kosovo = [r["quote"] for r in rows if local(r["actor"]) == "kosovo"]
    assert "Kosovo is enthusiastically aligned with America’s Clean Network initiative." in kosovo


# --- Agreements ---------------------------------------------------------------------

def test_telekom_srbija_huawei_contract_2016_with_amount_and_source(run):
    rows = [r for r in mine(run("agreements")) if local(r["agreement"]) == "telekom-srbija-huawei-contract-2016"]
    assert rows, "report 000 states the 2016 Telekom Srbija–Huawei contract"
    assert {r["quote"] for r in rows} == {CONTRACT_QUOTE}
    assert {r["partyLabel"] for r in rows if r["partyLabel"]} == {"Telekom Srbija", "Huawei"}
    assert "2016" in {r["date"] for r in rows}
    money = [(float(r["value"]), r["currency"]) for r in rows if r["value"]]
    assert money == [(150_000_000.0, "USD")]


def test_montenegro_loan_and_serbia_china_partnership(run):
    rows = mine(run("agreements"))
    loan = [r for r in rows if local(r["agreement"]) == "bar-boljare-highway-chinese-loan"]
    assert "2014" in {r["date"] for r in loan}
    assert {"Export-Import Bank of China", "Montenegro"} <= {r["partyLabel"] for r in loan}
    partnership = [r for r in rows if local(r["agreement"]) == "serbia-china-comprehensive-strategic-partnership"]
    assert {r["date"] for r in partnership if r["date"]} == {"2016"}
    assert {r["partyLabel"] for r in partnership if r["partyLabel"]} == {"Serbia", "China"}


def test_washington_agreement_signed_by_vucic_in_september_2020(run):
    rows = mine(run("neighbourhood", entity="id:washington-agreement-2020"))
    edges = {(local(r["subject"]), local(r["predicate"]), local(r["object"])) for r in rows}
    assert ("washington-agreement-2020", "signatory", "aleksandar-vucic") in edges
    assert ("washington-agreement-2020-5g-article", "partOf", "washington-agreement-2020") in edges
    timeline = mine(run("timeline", actor="id:aleksandar-vucic"))
    assert {(local(r["thing"]), r["date"]) for r in timeline} >= {("washington-agreement-2020", "2020-09")}


# --- Facts with sources -------------------------------------------------------------

def test_facts_about_kosovo_keep_stance_section_and_quote(run):
    rows = mine(run("facts-with-sources", entity="id:kosovo"))
    facts = {(local(r["subject"]), local(r["predicate"]), local(r["object"]), local(r["stance"])): r
             for r in rows}
    dsr = facts[("kosovo", "memberOf", "digital-silk-road", "Denied")]
    assert dsr["section"] == REST
    assert "there will be no development of cooperation within the Digital Silk Road" in dsr["quote"]
    relations = facts[("china", "diplomaticRelationsWith", "kosovo", "Denied")]
    assert relations["quote"] == "Beijing has not established any formal diplomatic relations with Kosovo"
    # the introduction stands before the first heading: no section
    assert facts[("kosovo", "cooperatesWith", "china", "Denied")]["section"] is None
    assert ("kosovo", "memberOf", "clean-network", "Affirmed") in facts


def test_facts_about_the_contract_name_report_000(run):
    rows = mine(run("facts-with-sources", entity="id:telekom-srbija-huawei-contract-2016"))
    triples = {(local(r["predicate"]), r["object"].rsplit("/", 1)[-1]) for r in rows}
    assert {("party", "telekom-srbija"), ("party", "huawei"), ("date", "2016"),
            ("amount", "amount-usd-150m")} <= triples
    assert all(r["quote"] == CONTRACT_QUOTE for r in rows)


# --- Actors -------------------------------------------------------------------------

def test_huawei_involvement_in_serbia_and_bosnia(run):
    rows = [r for r in run("actor-involvement", actor="id:huawei") if r["report"] == R000]
    roles = {(local(r["thing"]), local(r["role"])) for r in rows}
    assert {("safe-city-belgrade", "builtBy"), ("safe-city-belgrade", "suppliedBy"),
            ("state-data-center-kragujevac", "operatedBy"), ("serbia-ai-platform", "financedBy"),
            ("huawei-regional-headquarters-belgrade", "builtBy"), ("smart-city-sarajevo-mou", "party"),
            ("telekom-srbija-huawei-contract-2016", "party"), ("seeds-for-the-future", "initiatedBy")} <= roles
    sdc = next(r for r in rows if local(r["thing"]) == "state-data-center-kragujevac")
    assert sdc["quote"] == "has become the commercial user of the National Data Center in Kragujevac"


def test_country_matrix_links_from_report_000(run):
    rows = mine(run("country-matrix"))
    links = {(local(r["country"]), local(r["partner"]), local(r["relation"]), local(r["via"]), local(r["stance"]))
             for r in rows}
    assert ("albania", "clean-network", "memberOf", None, "Affirmed") in links
    assert ("kosovo", "digital-silk-road", "memberOf", None, "Denied") in links
    assert ("bosnia-and-herzegovina", "seeds-for-the-future", "memberOf", None, "Affirmed") in links
    # Belgrade's Safe City is in Serbia by the part-of chain
    assert ("serbia", "huawei", "builtBy", "safe-city-belgrade", "Affirmed") in links


def test_timeline_of_montenegro_from_report_000(run):
    rows = mine(run("timeline", country="id:montenegro"))
    dated = {(local(r["thing"]), r["date"]) for r in rows}
    assert ("bar-boljare-highway-chinese-loan", "2014") in dated
    loan = [r for r in rows if local(r["thing"]) == "bar-boljare-highway-chinese-loan"]
    assert {(local(r["participant"]), local(r["role"])) for r in loan} >= {
        ("exim-bank-of-china", "lender"), ("montenegro", "borrower")}


# --- Denied, hedged and questioned ----------------------------------------------------

def test_denials_and_hedges_are_recorded_as_such(run):
    rows = mine(run("hedged-and-denied"))
    found = {(local(r["subject"]), local(r["predicate"]), local(r["object"])):
             (local(r["stance"]), local(r["certainty"]), r["hedge"]) for r in rows}
    assert found[("bosnia-and-herzegovina", "restricts", "china")] == ("Denied", "Stated", None)
    assert found[("china", "diplomaticRelationsWith", "kosovo")] == ("Denied", "Stated", None)
    assert found[("china", "recognizes", "kosovo")] == ("Denied", "Hedged", "will be unlikely to")
    assert found[("serbia-5g-network", "suppliedBy", "huawei")] == ("Affirmed", "Hedged", "seen as a leading contender")
    assert found[("us-executive-orders-data-flows-technology-supplies", "status", "Cancelled")][0] == "Denied"
    assert found[("serbia", "memberOf", "nato")][0] == "Denied"
    assert found[("montenegro", "restricts", "china")][0] == "Denied"
    assert found[("serbia-5g-launch-delay", "reason", "economic reasons caused by the Covid-19 pandemic")] == (
        "Affirmed", "Questioned", "justified the delay with")


def test_denied_hedged_and_judged_claims_are_not_plain_facts(store, built):
    graph = f"<{built.graph_iri('surveying-dsr-western-balkans')}>"
    for triple in ("id:china dsr:diplomaticRelationsWith id:kosovo", "id:china dsr:recognizes id:kosovo",
                   "id:bosnia-and-herzegovina dsr:restricts id:china", "id:serbia dsr:memberOf id:nato",
                   "id:serbia-5g-network dsr:suppliedBy id:huawei",
                   "id:serbia dsr:engagementCategory dsr:engagement-receptive"):
        assert not bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}")), triple
    for triple in ("id:north-macedonia dsr:restricts id:china", "id:kosovo dsr:memberOf id:clean-network",
                   "id:safe-city-belgrade dsr:cameraCount 1000"):
        assert bool(store.query(f"ASK {{ GRAPH {graph} {{ {triple} }} }}")), triple


# --- Contested facts and coverage -------------------------------------------------------

def test_contract_amount_is_contested_with_report_000s_quote(run):
    rows = [r for r in run("contested-facts")
            if local(r["subject"]) == "telekom-srbija-huawei-contract-2016" and local(r["predicate"]) == "amount"]
    assert rows, "report 000's USD 150 million meets another report's different amount"
    sides = [(r["reportA"], r["valueA"], r["quoteA"]) for r in rows] + \
            [(r["reportB"], r["valueB"], r["quoteB"]) for r in rows]
    ours = {(local(v), q) for rep, v, q in sides if rep == R000}
    assert ours == {("amount-usd-150m", CONTRACT_QUOTE)}
    assert any(rep != R000 and local(v) != "amount-usd-150m" for rep, v, _ in sides)
    assert {r["kind"] for r in rows} == {"different values of a single-valued property"}


def test_coverage_counts_every_report_000_claim(run, inputs):
    expected = len({c for c, r in inputs.triples.subject_objects(DSR.source) if str(r) == R000})
    row = next(r for r in run("coverage") if r["report"] == R000)
    assert int(row["claims"]) == expected >= 60
    assert int(row["facts"]) > 60 and int(row["entities"]) >= 50
    assert int(row["sharedFacts"]) > 0
