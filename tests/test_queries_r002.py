"""Canned queries for the questions report 002 (China Observers 2021, "China's 'Digital Silk
Road' Enters the Western Balkans") answers, run against the real build: the Belgrade Safe City
timeline, the Washington Agreement and its 5G article, each country's Clean Network step, and
Huawei's projects in Serbia by sector. Every answer comes with its report and verbatim quote."""

from __future__ import annotations

import pytest


R002 = "https://w3id.org/dsr-balkans/report/dsr-enters-western-balkans-2021"
QUERIES = ("surveillance-system-timeline", "agreement-parties-and-articles",
           "clean-network-steps", "vendor-projects-by-sector")


def local(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


def mine(rows):
    return [r for r in rows if r["report"] == R002]


@pytest.mark.parametrize("name", QUERIES)
def test_every_row_carries_report_and_quote(run, name):
    rows = run(name)
    assert mine(rows), f"{name} returns nothing from report 002"
    assert all(r["report"] and r["quote"] and r["claim"] for r in rows), name


# --- Safe City Belgrade -----------------------------------------------------------

def test_safe_city_timeline_phases_years_and_counts(run):
    rows = mine(run("surveillance-system-timeline", system="id:safe-city-belgrade"))
    dated = {(local(r["item"]), r["date"]) for r in rows if r["date"]}
    assert ("interior-ministry-huawei-safe-society-negotiations", "2011") in dated
    assert ("interior-ministry-huawei-safe-society-mou", "2014") in dated
    assert ("interior-ministry-huawei-safe-city-strategic-partnership", "2017") in dated
    assert ("safe-city-belgrade-phase-1", "2017") in dated
    assert ("safe-city-belgrade-phase-2", "2019") in dated
    assert ("safe-city-belgrade-announcement-2019", "2019-01") in dated
    phase1 = next(r for r in rows if local(r["item"]) == "safe-city-belgrade-phase-1" and r["date"] == "2017"
                  and r["cameras"])
    assert (phase1["cameras"], phase1["locations"]) == ("100", "61")
    assert "in 2017. This was the beginning of the phase one" in phase1["quote"]
    count = next(r for r in rows if local(r["item"]) == "safe-city-belgrade-phase-1" and r["figure"] == "100"
                 and not r["countedBy"])
    assert "replacement of 100 existing surveillance cameras in 61 locations" in count["quote"]
    phase2 = next(r for r in rows if local(r["item"]) == "safe-city-belgrade-phase-2" and r["date"] == "2019"
                  and r["cameras"])
    assert (phase2["cameras"], phase2["locations"]) == ("1000", "800")
    # in date order, undated figures last
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates)


def test_safe_city_counts_name_who_counted_them(run):
    rows = mine(run("surveillance-system-timeline", system="id:safe-city-belgrade"))
    counted = {(local(r["item"]), float(r["figure"]), local(r["countedBy"]))
               for r in rows if r["countedBy"]}
    assert ("statistic-safe-city-mapped-cameras", 1001.0, "hiljade-kamera") in counted
    assert ("statistic-safe-city-mapped-locations", 447.0, "hiljade-kamera") in counted
    assert ("statistic-safe-city-published-locations", 290.0, "ministry-of-interior-serbia") in counted
    assert ("statistic-safe-city-phase-1-cameras", 100.0, "ministry-of-interior-serbia") in counted
    assert ("statistic-safe-city-phase-2-cameras", 1000.0, "ministry-of-interior-serbia") in counted
    mapped = next(r for r in rows if local(r["item"]) == "statistic-safe-city-mapped-cameras")
    assert "map 1001 cameras in 447 locations" in mapped["quote"]
    # the whole system's announced size, stated directly on it
    direct = {(r["cameras"], r["locations"]) for r in rows if local(r["item"]) == "safe-city-belgrade"}
    assert ("1000", None) in direct and (None, "800") in direct


def test_timeline_of_another_system_is_empty_of_safe_city_rows(run):
    rows = run("surveillance-system-timeline", system="id:huawei-safe-city-solution")
    assert not any(local(r["item"]).startswith("safe-city-belgrade") for r in rows)
    assert {float(r["figure"]) for r in mine(rows) if r["figure"]} >= {700.0, 100.0}


# --- Washington Agreement --------------------------------------------------------------

def test_washington_agreement_parties_date_and_signatories(run):
    rows = mine(run("agreement-parties-and-articles", agreement="id:washington-agreement-2020"))
    facts = {(local(r["aspect"]), local(r["value"]) if r["value"].startswith("http") else r["value"])
             for r in rows if r["part"] == r["agreement"]}
    assert {("party", "serbia"), ("party", "kosovo"), ("party", "united-states")} <= facts
    assert {("signatory", "aleksandar-vucic"), ("signatory", "avdullah-hoti")} <= facts
    assert ("brokeredBy", "donald-trump") in facts
    assert ("date", "2020-09-04") in facts
    assert ("locatedIn", "washington-dc") in facts


def test_washington_agreement_5g_article_text_is_quoted(run):
    rows = mine(run("agreement-parties-and-articles", agreement="id:washington-agreement-2020"))
    article = [r for r in rows if local(r["part"]) == "washington-agreement-2020-5g-article"]
    text = next(r for r in article if local(r["aspect"]) == "articleText")
    assert text["value"].startswith("both parties will prohibit the use of 5G equipment supplied by 'untrusted vendors'")
    assert text["value"].endswith("both parties commit to removal and other mediation efforts in a timely fashion.")
    assert text["value"] in " ".join(text["quote"].split())
    assert any(local(r["aspect"]) == "partOf" for r in article)


# --- Clean Network ------------------------------------------------------------------------

def test_clean_network_steps_joined_when_and_signed_by_whom(run):
    rows = mine(run("clean-network-steps"))
    steps = {(local(r["country"]), r["step"], local(r["value"]) if r["value"] and r["value"].startswith("http")
              else r["value"], local(r["stance"])) for r in rows}
    assert ("kosovo", "member", None, "Affirmed") in steps
    assert ("kosovo", "joined on", "2020-10", "Affirmed") in steps
    assert ("kosovo", "membership signatory", "avdullah-hoti", "Affirmed") in steps
    assert ("kosovo", "instrument date", "2020-10", "Affirmed") in steps
    assert ("kosovo", "instrument party", "united-states", "Affirmed") in steps
    assert ("albania", "joined on", "2020-08", "Affirmed") in steps
    assert ("north-macedonia", "membership signatory", "zoran-zaev", "Affirmed") in steps
    for country in ("serbia", "montenegro", "bosnia-and-herzegovina"):
        assert (country, "member", None, "Denied") in steps, country
    assert ("serbia", "restricts", "huawei", "Denied") in steps


def test_clean_network_steps_can_be_narrowed_to_one_country(run):
    rows = run("clean-network-steps", country="id:serbia")
    assert rows and {local(r["country"]) for r in rows} == {"serbia"}
    denied = [r for r in mine(rows) if r["step"] == "member"]
    assert denied and all(local(r["stance"]) == "Denied" for r in denied)
    assert any("has not joined the ‘Clean Network’ initiative" in r["quote"] for r in denied)


# --- Huawei in Serbia by sector -----------------------------------------------------------

def test_huawei_projects_in_serbia_by_sector(run):
    rows = mine(run("vendor-projects-by-sector", actor="id:huawei", country="id:serbia"))
    by_sector = {}
    for r in rows:
        by_sector.setdefault(r["sector"], set()).add(local(r["project"]))
    assert {"telekom-srbija-all-ip-project", "telenor-serbia-5g-test-base-station"} <= by_sector["telecommunications"]
    assert "safe-city-belgrade" in by_sector["security and surveillance"]
    assert {"state-data-center-kragujevac", "kragujevac-city-data-center", "serbia-ai-platform"} \
        <= by_sector["data centres, cloud and AI"]
    assert {"nis-smart-city", "belgrade-smart-city", "novi-sad-smart-city"} \
        <= by_sector["smart cities and local governance"]
    assert {"huawei-innovation-center-belgrade", "seeds-for-the-future"} \
        <= by_sector["innovation, training and education"]
    # projects elsewhere stay out
    assert "albania-4g-network" not in by_sector["telecommunications"]
    via = next(r for r in rows if local(r["project"]) == "nis-smart-city")
    assert local(via["via"]) == "serbia-huawei-smart-city-mou-2019" and local(via["role"]) == "party"


def test_hedged_roles_are_marked(run):
    rows = mine(run("vendor-projects-by-sector", actor="id:huawei", country="id:serbia"))
    hedged = [r for r in rows if local(r["project"]) == "serbia-broadband-network-modernization"]
    assert hedged and all(local(r["certainty"]) == "Hedged" for r in hedged)
    assert {local(r["role"]) for r in hedged} == {"financedBy", "ownedBy"}
