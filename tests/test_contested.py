"""The contested-facts query finds every kind of disagreement between reports."""

from __future__ import annotations

from kg.build import build
from kg.queries import load_queries
from kg.store import GraphStore

SOURCES = {
    "900_0000000000000000.txt": "Report A. Testland joined the Clean Network in 2020. "
                                "The test highway loan was worth EUR 100 million.\n",
    "901_0000000000000001.txt": "Report B. Testland has not joined the Clean Network. "
                                "The test highway loan amounted to USD 120 million.\n",
}

TRIPLES = {
    "t/reports.ttl": """
report:test-a a dsr:Report ; dcterms:title "Report A"@en ; skos:prefLabel "A"@en ; dsr:sourceFile "900_0000000000000000.txt" .
report:test-b a dsr:Report ; dcterms:title "Report B"@en ; skos:prefLabel "B"@en ; dsr:sourceFile "901_0000000000000001.txt" .
id:testland a dsr:Country ; skos:prefLabel "Testland"@en .
id:test-loan a dsr:Loan ; skos:prefLabel "Test highway loan"@en .
id:amount-eur-100m a schema:MonetaryAmount ; schema:currency "EUR" ; schema:value 100000000.0 .
id:amount-usd-120m a schema:MonetaryAmount ; schema:currency "USD" ; schema:value 120000000.0 .
""",
    "t/claims.ttl": """
claim:r900-001 a dsr:Claim ; rdf:subject id:testland ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-a ; dsr:section "A" ;
    dsr:quote "Testland joined the Clean Network in 2020." .
claim:r901-001 a dsr:Claim ; rdf:subject id:testland ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Denied ; dsr:certainty dsr:Stated ; dsr:source report:test-b ; dsr:section "B" ;
    dsr:quote "Testland has not joined the Clean Network." .
claim:r900-002 a dsr:Claim ; rdf:subject id:test-loan ; rdf:predicate dsr:amount ; rdf:object id:amount-eur-100m ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-a ; dsr:section "A" ;
    dsr:quote "The test highway loan was worth EUR 100 million." .
claim:r901-002 a dsr:Claim ; rdf:subject id:test-loan ; rdf:predicate dsr:amount ; rdf:object id:amount-usd-120m ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-b ; dsr:section "B" ;
    dsr:quote "The test highway loan amounted to USD 120 million." .
claim:r900-003 a dsr:Claim ; rdf:subject id:test-loan ; rdf:predicate dsr:date ; rdf:object "2020"^^xsd:gYear ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-a ; dsr:section "A" ;
    dsr:quote "Testland joined the Clean Network in 2020." .
claim:r901-003 a dsr:Claim ; rdf:subject id:test-loan ; rdf:predicate dsr:date ; rdf:object "2020-05"^^xsd:gYearMonth ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ; dsr:source report:test-b ; dsr:section "B" ;
    dsr:quote "The test highway loan amounted to USD 120 million." .
""",
}


def test_contested_query_lists_both_sides_of_each_disagreement(mini_project):
    settings = mini_project(TRIPLES, SOURCES)
    build(settings, quiet=True, force=True)
    store = GraphStore(settings)
    query = load_queries(settings.queries_dir)["contested-facts"]
    rows = [{k: (s[k].value if s[k] is not None else None) for k in
             ("kind", "subject", "predicate", "reportA", "reportB", "quoteA", "quoteB")}
            for s in store.query(query.text)]
    mine = [r for r in rows if r["subject"] and ("testland" in r["subject"] or "test-loan" in r["subject"])]
    kinds = {(r["subject"].rsplit("/", 1)[-1], r["predicate"].rsplit("#", 1)[-1], r["kind"]) for r in mine}
    assert ("testland", "memberOf", "affirmed by one report, denied by another") in kinds
    assert ("test-loan", "amount", "different values of a single-valued property") in kinds
    # 2020 and 2020-05 are compatible precisions, not a contradiction
    assert not any(p == "date" for _, p, _ in kinds), kinds
    denial = next(r for r in mine if r["predicate"].endswith("memberOf"))
    assert denial["reportA"].endswith("test-a") and denial["reportB"].endswith("test-b")
    assert denial["quoteB"] == "Testland has not joined the Clean Network."


def test_denied_claim_is_not_a_plain_fact(mini_project):
    settings = mini_project(TRIPLES, SOURCES)
    build(settings, quiet=True, force=True)
    store = GraphStore(settings)
    graph_a = f"<{settings.graph_iri('test-a')}>"
    graph_b = f"<{settings.graph_iri('test-b')}>"
    assert bool(store.query(f"ASK {{ GRAPH {graph_a} {{ id:testland dsr:memberOf id:clean-network }} }}"))
    assert not bool(store.query(f"ASK {{ GRAPH {graph_b} {{ id:testland dsr:memberOf id:clean-network }} }}"))
