"""The web front without a browser: search (accent-insensitive, ranked, JSON and HTML),
home page numbers, gallery, views, self-containment of the pages, and the three
view queries (timeline, country matrix, neighbourhood) on a miniature project whose
answers are known."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.queries import load_queries
from kg.stats import read_stats
from web.label_index import LabelIndex, normalise

from .conftest import ROOT, make_project

BASE = "https://w3id.org/dsr-balkans/"


# --- search index ------------------------------------------------------------------

def test_normalise_folds_case_accents_and_punctuation():
    assert normalise("Aleksandar Vučić") == normalise("ALEKSANDAR VUCIC") == "aleksandar vucic"
    assert normalise("Niš") == "nis"
    assert normalise("U.S. Department of State") == "us department of state"
    assert normalise("Serbia–China  partnership") == "serbia china partnership"
    assert normalise("17+1") == "17+1"
    assert normalise("   ") == ""


def _row(item, label, pref, type_=None, type_label=None):
    return {"item": ox.NamedNode(BASE + "id/" + item), "label": ox.Literal(label, language="en"),
            "pref": ox.Literal("true" if pref else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
            "type": ox.NamedNode(BASE + "ontology#" + type_) if type_ else None,
            "typeLabel": ox.Literal(type_label) if type_label else None}


@pytest.fixture(scope="module")
def index():
    return LabelIndex.from_rows([
        _row("aleksandar-vucic", "Aleksandar Vučić", True, "Person", "Person"),
        _row("aleksandar-vucic", "Vucic", False, "Person", "Person"),
        _row("serbia", "Serbia", True, "Country", "Country"),
        _row("government-of-serbia", "Government of Serbia", True, "GovernmentBody", "Government body"),
        _row("government-of-serbia", "Serbian government", False),
        _row("novak-djokovic", "Novak Đoković", True, "Person", "Person"),
        _row("russia", "Russia", True, "Country", "Country"),
        _row("united-states", "United States", True, "Country", "Country"),
        _row("united-states", "U.S.", False),
    ])


def _ids(hits):
    return [h.item.iri.rsplit("/", 1)[1] for h in hits]


def test_accent_and_case_insensitive(index):
    for text in ("Vucic", "vučić", "VUČIĆ", "aleksandar vu", "vucic aleksandar"):
        assert _ids(index.search(text))[:1] == ["aleksandar-vucic"], text


def test_dj_is_found_both_ways(index):
    for text in ("Djokovic", "Dokovic", "Đoković"):
        assert _ids(index.search(text)) == ["novak-djokovic"], text


def test_ranking_exact_then_prefix_then_word_then_substring(index):
    # "serbia": exact label first, then the word-prefix match, then the alias match
    assert _ids(index.search("serbia")) == ["serbia", "government-of-serbia"]
    # "us": the alias "U.S." exactly, before "Russia" (substring)
    assert _ids(index.search("us")) == ["united-states", "russia"]
    hit = index.search("us")[0]
    assert hit.matched == "U.S." and hit.item.label == "United States"


def test_no_match_and_empty_query(index):
    assert index.search("zzzz") == []
    assert index.search("  ...  ") == []
    assert len(index.search("a", limit=2)) == 2


# --- pages through the Flask test client ---------------------------------------------

@pytest.fixture(scope="module")
def client(built):
    from web.app import create_app
    app = create_app(settings=built)
    app.config.update(TESTING=True)
    return app.test_client()


def test_search_json_finds_vucic_without_accents(client):
    response = client.get("/search?q=Vucic", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    first = response.get_json()["results"][0]
    assert first["id"] == "id:aleksandar-vucic"
    assert first["label"] == "Aleksandar Vučić"
    assert first["url"] == "/id/aleksandar-vucic"
    assert "Person" in first["types"]
    assert "Accept" in response.headers["Vary"]


def test_search_html_links_to_entity_pages(client):
    response = client.get("/search?q=HUAWEI")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.count('href="/id/') >= 2
    assert html.index('href="/id/huawei"') == html.index('href="/id/')    # the best match first
    assert client.get("/search?q=huawei&format=json").get_json()["results"][0]["id"] == "id:huawei"


def test_search_finds_reports_by_title(client):
    ids = [r["id"] for r in client.get("/search?q=client state&format=json").get_json()["results"]]
    assert "report:csis-2020-chinese-client-state" in ids


@pytest.mark.parametrize("query, message", [
    ("q=x&limit=0", "limit must be a whole number from 1 to 100"),
    ("q=x&limit=abc", "limit must be a whole number"),
    ("q=" + "x" * 201, "at most 200"),
    ("q=x&format=xml", "format must be 'json' or 'html'"),
])
def test_search_rejects_bad_input_with_a_clear_400(client, query, message):
    response = client.get("/search?" + query, headers={"Accept": "application/json"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text


def test_home_shows_the_reports_and_the_numbers_of_the_build(client, built):
    html = client.get("/").get_data(as_text=True)
    stats = read_stats(built.dist)
    assert len(stats["reports"]) == 5
    for report in stats["reports"]:
        assert 'href="/report/' + report["report"].rsplit("/", 1)[1] + '"' in html
    assert f'data-stat="entities">{stats["entities"]:,}<' in html
    assert f'data-stat="claims">{stats["claims"]:,}<' in html
    assert f'data-stat="contested">{stats["contestedFacts"]:,}<' in html
    for entry in ('action="/search"', 'href="/query"', 'href="/gallery"', 'href="/views/timeline"',
                  'href="/views/matrix"', 'href="/views/graph"', 'href="/sparql"'):
        assert entry in html


def test_gallery_lists_every_canned_query_with_a_form(client, built):
    queries = load_queries(built.queries_dir)
    html = client.get("/gallery").get_data(as_text=True)
    for name, query in queries.items():
        assert f'href="/gallery/{name}"' in html
    page = client.get("/gallery/actor-involvement").get_data(as_text=True)
    assert 'name="actor"' in page and 'value="id:huawei"' in page
    assert '<label for="param-actor">' in page
    assert "queries/actor-involvement.rq" in page
    # a parameter given in the address pre-fills the form
    assert 'value="id:serbia"' in client.get("/gallery/actor-involvement?actor=id:serbia").get_data(as_text=True)


def test_unknown_gallery_query_is_a_404_with_suggestions(client):
    response = client.get("/gallery/clean")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "no canned query named" in html.lower() and 'href="/gallery/clean-network"' in html


def test_views_show_their_query(client):
    for path, name in (("/views/timeline", "timeline"), ("/views/matrix", "country-matrix"),
                       ("/views/graph?entity=id:serbia", "neighbourhood")):
        html = client.get(path).get_data(as_text=True)
        assert f"queries/{name}.rq" in html and "Show the SPARQL query" in html, path
        assert 'class="sparql"' in html


def test_graph_view_entity_errors(client):
    assert client.get("/views/graph?entity=serbia").status_code == 200     # a bare slug is fine
    missing = client.get("/views/graph?entity=id:serbiaa")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "No entity id:serbiaa" in html
    assert re.search(r'href="/views/graph\?entity=id(:|%3A)serbia">Serbia</a>', html)
    assert client.get("/views/graph?entity=id:has%20space").status_code == 400


def test_vocabulary_for_completion(client):
    data = client.get("/query/vocabulary.json").get_json()
    assert data["prefixes"]["dsr"] == BASE + "ontology#"
    names = {t["name"]: t for t in data["terms"]}
    assert names["dsr:memberOf"]["kind"] == "property"
    assert names["dsr:Country"]["kind"] == "class"
    assert names["id:serbia"]["kind"] == "entity" and names["id:serbia"]["label"] == "Serbia"


def test_query_page_keeps_the_query_of_the_address(client):
    html = client.get("/query?query=ASK%20%7B%7D").get_data(as_text=True)
    assert "<textarea" in html and "ASK {}</textarea>" in html
    assert '"autorun": true' in html


class _Assets(HTMLParser):
    """Every URL a page makes the browser load by itself (not links a reader follows)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])
        if "style" in a and "url(" in a["style"]:
            self.urls.append(a["style"])


PAGES = ["/", "/search?q=serbia", "/query", "/gallery", "/gallery/clean-network", "/views",
         "/views/timeline", "/views/matrix", "/views/graph?entity=id:huawei"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    parser = _Assets()
    parser.feed(response.get_data(as_text=True))
    assert parser.urls, path
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), (path, url)


def test_static_scripts_and_styles_name_no_other_host(client):
    from pathlib import Path
    static = Path(__file__).resolve().parent.parent / "web" / "static"
    for path in [static / "style.css", *sorted((static / "js").glob("*.js"))]:
        text = path.read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([^/\"'\s)]+)", text)) - {"www.w3.org"}   # SVG namespace only
        assert not hosts, (path.name, hosts)


# --- the view queries on a miniature project -------------------------------------------

Q = "Several countries in the Western Balkans have signed onto America’s Clean Network, including Albania, North Macedonia, and Kosovo."
Q_DENY = "Those who have not joined the initiative have been under pressure to limit China’s digital presence in the region."
Q_5G = "China’s digital giant was also seen as a leading contender for the 5G launch in Serbia"
Q_MOU = "The capital city, Sarajevo, signed a Smart City memorandum of understanding with Huawei."
Q_LOAN = "In 2014, the country signed a loan agreement with the Chinese Exim Bank for the construction of a highway section"
Q_CONTRACT = ("In 2016, a general director of Telekom Srbija announced that the company had signed a "
              "$150 million contract with Huawei for the development of optical networks and fast internet.")
Q_TELEKOM = "is a longstanding partner of the state-owned telecommunications company, Telekom Srbija."
Q_TREATY = "Serbian President Aleksandar Vučić signed a “Washington agreement” in September 2020"
Q_CHINA = "Over the past decade, China has made significant inroads among Serbia’s political and business elites."

MINI = {
    "r000/entities.ttl": """
id:ft-network a dsr:TelecomNetwork ; skos:prefLabel "Front test 5G network"@en .
id:ft-mou a dsr:MemorandumOfUnderstanding ; skos:prefLabel "Front test smart city memorandum"@en .
id:ft-loan a dsr:Loan ; skos:prefLabel "Front test highway loan"@en .
id:ft-contract a dsr:Contract ; skos:prefLabel "Front test optical contract"@en .
id:ft-treaty a dsr:Treaty ; skos:prefLabel "Front test treaty"@en .
""",
    "r000/claims.ttl": "".join(
        f"""
claim:r000-{n:03d} a dsr:Claim ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
    dsr:stance dsr:{stance} ; dsr:certainty dsr:{certainty} ; {hedge}
    dsr:source report:surveying-dsr-western-balkans ; dsr:quote "{q}" .
""" for n, (s, p, o, stance, certainty, q) in enumerate([
            ("id:albania", "dsr:memberOf", "id:clean-network", "Affirmed", "Stated", Q),
            ("id:serbia", "dsr:memberOf", "id:clean-network", "Denied", "Stated", Q_DENY),
            ("id:ft-network", "dsr:locatedIn", "id:serbia", "Affirmed", "Stated", Q_5G),
            ("id:ft-network", "dsr:suppliedBy", "id:huawei", "Affirmed", "Hedged", Q_5G),
            ("id:ft-mou", "dsr:party", "id:sarajevo", "Affirmed", "Stated", Q_MOU),
            ("id:ft-mou", "dsr:party", "id:huawei", "Affirmed", "Stated", Q_MOU),
            ("id:sarajevo", "dsr:partOf", "id:bosnia-and-herzegovina", "Affirmed", "Stated", Q_MOU),
            ("id:ft-loan", "dsr:borrower", "id:montenegro", "Affirmed", "Stated", Q_LOAN),
            ("id:ft-loan", "dsr:lender", "id:exim-bank-of-china", "Affirmed", "Stated", Q_LOAN),
            ("id:ft-loan", "dsr:date", '"2014"^^xsd:gYear', "Affirmed", "Stated", Q_LOAN),
            ("id:ft-contract", "dsr:party", "id:telekom-srbija", "Affirmed", "Stated", Q_CONTRACT),
            ("id:ft-contract", "dsr:party", "id:huawei", "Affirmed", "Stated", Q_CONTRACT),
            ("id:ft-contract", "dsr:date", '"2016"^^xsd:gYear', "Affirmed", "Stated", Q_CONTRACT),
            ("id:telekom-srbija", "dsr:basedIn", "id:serbia", "Affirmed", "Stated", Q_TELEKOM),
            ("id:ft-treaty", "dsr:party", "id:serbia", "Affirmed", "Stated", Q_TREATY),
            ("id:ft-treaty", "dsr:signatory", "id:aleksandar-vucic", "Affirmed", "Stated", Q_TREATY),
            ("id:ft-treaty", "dsr:date", '"2020-09"^^xsd:gYearMonth', "Affirmed", "Stated", Q_TREATY),
            ("id:huawei", "dsr:basedIn", "id:china", "Affirmed", "Stated", Q_5G),
            ("id:china", "dsr:relatedTo", "id:serbia", "Affirmed", "Stated", Q_CHINA),
            ("id:ft-network", "dsr:technology", "dsr:tech-5g", "Affirmed", "Stated", Q_5G),
        ], start=900) for hedge in ['dsr:hedge "seen as a leading contender" ;' if certainty == "Hedged" else ""]),
}


def _core_actors() -> str:
    """The project's core entities that are actors (countries, companies, people,
    initiatives...): anchors that need no claims of their own, unlike the agreements,
    statistics and other n-ary things curators add to the same file."""
    from rdflib import RDF, RDFS, Graph, URIRef
    ontology = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        ontology.parse(path)
    actor_classes = set(ontology.transitive_subjects(RDFS.subClassOf, URIRef(BASE + "ontology#Actor")))
    core = Graph().parse(ROOT / "triples" / "core" / "entities.ttl")
    keep = Graph()
    for subject in set(core.subjects(RDF.type, None)):
        if set(core.objects(subject, RDF.type)) <= actor_classes:
            for triple in core.triples((subject, None, None)):
                keep.add(triple)
    return keep.serialize(format="nt")


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    from kg.backend import EmbeddedBackend
    settings = make_project(tmp_path_factory.mktemp("front") / "project",
                            {"core/entities.ttl": _core_actors(), **MINI})
    build(settings, quiet=True, force=True)
    backend = EmbeddedBackend(settings)
    queries = load_queries(settings.queries_dir)

    def run(name, **params):
        query = queries[name]
        rows = backend.query(query.render(query.bindings(params, settings.base)))
        return [{v: (row[v].value.replace(BASE, "") if row[v] is not None else None)
                 for v in (str(var)[1:] for var in rows.variables)} for row in rows]
    return run


def test_matrix_direct_and_through_things(mini):
    links = {(r["country"], r["partner"], r["relation"].split("#")[1], r["via"], r["stance"].split("#")[1],
              r["certainty"].split("#")[1]) for r in mini("country-matrix")}
    assert ("id/albania", "id/clean-network", "memberOf", None, "Affirmed", "Stated") in links
    assert ("id/serbia", "id/clean-network", "memberOf", None, "Denied", "Stated") in links
    assert ("id/serbia", "id/huawei", "suppliedBy", "id/ft-network", "Affirmed", "Hedged") in links
    # a memorandum of Sarajevo is a link of Bosnia and Herzegovina (Sarajevo is part of it)
    assert ("id/bosnia-and-herzegovina", "id/huawei", "party", "id/ft-mou", "Affirmed", "Stated") in links
    # a contract of Telekom Srbija (based in Serbia) is a link of Serbia
    assert ("id/serbia", "id/huawei", "party", "id/ft-contract", "Affirmed", "Stated") in links
    # ... but Huawei's own home country does not inherit everything Huawei takes part in
    assert not any(c == "id/china" and via for c, _, _, via, _, _ in links)
    assert ("id/china", "id/huawei", "basedIn", None, "Affirmed", "Stated") in links
    for row in mini("country-matrix"):
        assert row["report"] and row["quote"] and row["claim"].startswith("claim/")
    # who uses which vendor for 5G: only links through 5G things
    five_g = {(r["country"], r["partner"], r["via"]) for r in mini("country-matrix", technology="dsr:tech-5g")}
    assert five_g == {("id/serbia", "id/huawei", "id/ft-network")}
    flags = {r["country"]: r["westernBalkans"] for r in mini("country-matrix")}
    assert flags["id/china"] == "false"


def test_timeline_in_date_order_with_filters(mini):
    def things(**params):
        seen = []
        for r in mini("timeline", **params):
            if r["thing"] not in seen:
                seen.append(r["thing"])
        return seen
    assert things() == ["id/ft-loan", "id/ft-contract", "id/ft-treaty"]
    assert things(country="id:serbia") == ["id/ft-contract", "id/ft-treaty"]   # via Telekom Srbija
    assert things(country="id:montenegro") == ["id/ft-loan"]
    assert things(actor="id:exim-bank-of-china") == ["id/ft-loan"]
    assert things(actor="id:huawei", country="id:serbia") == ["id/ft-contract"]
    roles = {(r["participant"], r["role"].split("#")[1]) for r in mini("timeline", actor="id:exim-bank-of-china")}
    assert roles == {("id/montenegro", "borrower"), ("id/exim-bank-of-china", "lender")}
    treaty = [r for r in mini("timeline") if r["thing"] == "id/ft-treaty"]
    assert {r["date"] for r in treaty} == {"2020-09"} and all(r["quote"] == Q_TREATY for r in treaty)


def test_neighbourhood_expands_through_things_but_not_through_actors(mini):
    edges = {(r["subject"], r["predicate"].split("#")[1], r["object"]) for r in mini("neighbourhood", entity="id:huawei")}
    assert ("id/ft-network", "suppliedBy", "id/huawei") in edges
    assert ("id/ft-network", "locatedIn", "id/serbia") in edges            # two steps, through a network
    assert ("id/ft-mou", "party", "id/sarajevo") in edges                  # two steps, through a memorandum
    assert ("id/huawei", "basedIn", "id/china") in edges
    assert ("id/china", "relatedTo", "id/serbia") not in edges             # China is an actor: not expanded
    assert ("id/albania", "memberOf", "id/clean-network") not in edges
    stances = {r["stance"].split("#")[1] for r in mini("neighbourhood", entity="id:serbia")}
    assert stances == {"Affirmed", "Denied"}
