"""The HTML side of Linked Data over real HTTP: every entity page renders, report,
claim, ontology and term pages show what issue 8 asks for, and every link on a sample
of pages resolves (a link checker that also checks #fragments against element ids)."""

from __future__ import annotations

import html
import re
import urllib.parse
from html.parser import HTMLParser

import pyoxigraph as ox

from tests.ld_client import fetch, path_of, sample


class Links(HTMLParser):
    """Collects link targets and element ids of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(attrs[name])


def parse(text: str) -> Links:
    p = Links()
    p.feed(text)
    return p


def page(url: str, path: str) -> str:
    answer = fetch(url + path, accept="text/html", follow=True)
    assert answer.status == 200, f"{path} answered {answer.status}: {answer.body[:500]!r}"
    assert answer.header("Content-Type").startswith("text/html")
    return answer.text


def label_of(store, iri: str) -> str | None:
    for q in store.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(
            "http://www.w3.org/2004/02/skos/core#prefLabel"), None, None):
        return q.object.value
    return None


def test_every_entity_page_renders(url, kinds, base, store):
    for iri in kinds["id"]:
        text = html.unescape(page(url, path_of(iri, base) + ".html"))
        label = label_of(store, iri)
        if label:
            assert label in text, f"{iri}: label {label!r} not on its page"
        assert iri in text


def test_every_report_graph_and_term_page_renders(url, kinds, base):
    for kind in ("report", "graph"):
        for iri in kinds[kind]:
            page(url, path_of(iri, base) + ".html")
    terms = [i.split("#", 1)[1] for i in kinds["ontology"] if "#" in i and not i.endswith("#")]
    for local in terms:
        page(url, f"/ontology/{local}.html")
    for iri in sample(kinds["claim"], 40):
        page(url, path_of(iri, base) + ".html")


def test_entity_page_shows_facts_with_sources_and_types(url, store, base):
    """The entity with the most claims: every claim's quote and report are on its page,
    asserted and inferred types are told apart, reports that mention it are listed."""
    rows = list(store.store.query(
        "SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c <%sontology#source> ?r ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s . FILTER(STRSTARTS(STR(?s), '%sid/')) } "
        "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1" % (base, base), use_default_graph_as_union=True))
    entity = rows[0]["s"].value
    text = html.unescape(page(url, path_of(entity, base) + ".html"))
    claims = store.store.query(
        "SELECT ?c ?q ?r WHERE { ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <%s> ; "
        "<%sontology#quote> ?q ; <%sontology#source> ?r }" % (entity, base, base), use_default_graph_as_union=True)
    for row in claims:
        assert row["q"].value in text, row["c"]
        assert f'href="{path_of(row["r"].value, base)}"' in text
        assert f'href="{path_of(row["c"].value, base)}"' in text
    assert 'id="types"' in text and "asserted" in text
    assert 'id="reports"' in text and 'id="incoming"' in text


def test_serbia_page(url):
    text = page(url, "/id/serbia")
    assert "<h1>Serbia</h1>" in text
    assert 'href="http://www.wikidata.org/entity/Q403"' in text
    assert "inferred" in text
    for f, suffix in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf")):
        assert f'href="/id/serbia.{suffix}"' in text, f


def test_contested_facts_are_flagged_on_entity_pages(url, store, base):
    """Every subject of queries/contested-facts.rq shows a 'contested' flag."""
    from kg.config import load_settings
    from kg.queries import load_queries
    query = load_queries(load_settings().queries_dir)["contested-facts"].text
    rows = list(store.query(query))
    subjects = sorted({r["subject"].value for r in rows if r["subject"] is not None
                       and r["subject"].value.startswith(base + "id/")})
    for subject in subjects[:10]:
        assert "contested" in page(url, path_of(subject, base) + ".html"), subject


def test_claim_page_shows_the_quote_in_context(url, kinds, base, store):
    claim = sample(kinds["claim"], 1)[0].split("#", 1)[0]
    text = page(url, path_of(claim, base) + ".html")
    quote = next(iter(store.store.quads_for_pattern(
        ox.NamedNode(claim), ox.NamedNode(base + "ontology#quote"), None, None))).object.value
    mark = re.search(r'<mark id="quote">(.*?)</mark>', text, re.S)
    assert mark, "the quote is not highlighted in its context"
    shown = " ".join(html.unescape(mark.group(1)).split())
    assert shown.replace("-", "") == " ".join(quote.split()).replace("-", "")
    context = re.search(r'<blockquote class="ld-context"[^>]*>(.*?)</blockquote>', text, re.S).group(1)
    assert len(html.unescape(context)) > len(html.unescape(mark.group(1))), "no text around the quote"


def test_report_page_lists_every_claim_with_its_quote(url, store, base):
    report = base + "report/surveying-dsr-western-balkans"
    text = html.unescape(page(url, "/report/surveying-dsr-western-balkans"))
    rows = store.store.query("SELECT ?c ?q WHERE { ?c <%sontology#source> <%s> ; <%sontology#quote> ?q }"
                             % (base, report, base), use_default_graph_as_union=True)
    n = 0
    for row in rows:
        n += 1
        assert f'href="{path_of(row["c"].value, base)}"' in text
        assert row["q"].value in text
    assert n > 0
    for section in ('id="metadata"', 'id="claims"', 'id="shared"', 'id="contradicts"'):
        assert section in text


def test_ontology_page_documents_every_term_with_an_anchor(url, kinds, base):
    text = page(url, "/ontology")
    ids = parse(text).ids
    terms = [i.split("#", 1)[1] for i in kinds["ontology"] if "#" in i and not i.endswith("#")]
    missing = [t for t in terms if t not in ids]
    assert not missing, f"ontology terms without a section on /ontology: {missing[:10]}"
    country = page(url, "/ontology/Country")
    assert 'href="/id/serbia"' in country, "the class page lists its instances"
    claim_kind = page(url, "/ontology/source")
    assert "/claim/" in claim_kind, "a property page lists the claims that use it"


def test_links_on_pages_resolve(url, kinds, base):
    """A link checker over a sample of pages (each kind): every link answers 200, or a
    303 whose document answers 200; every #fragment names an element of its target.
    Redirects to pages of IRIs are followed for every link with a fragment and for a
    random 300 of the others (rendering each is covered by the tests above)."""
    starts = ["/", "/dataset", "/ontology", "/shapes", "/dumps/", "/report/", "/graph/",
              "/id/serbia", "/id/huawei", "/report/surveying-dsr-western-balkans", "/ontology/Claim",
              "/id/does-not-exist"]
    for kind in ("id", "claim", "graph"):
        starts += [path_of(i, base) for i in sample(kinds[kind], 2, seed=3)]
    terms = [i.split("#", 1)[1] for i in kinds["ontology"] if "#" in i and not i.endswith("#")]
    starts += [f"/ontology/{t}" for t in sample(terms, 2, seed=3)]
    pages: dict[str, Links] = {}
    links: dict[str, str] = {}          # absolute target -> the page it was found on
    for start in starts:
        answer = fetch(url + start, accept="text/html", follow=True)
        assert answer.status in (200, 404), (start, answer.status)
        here = parse(answer.text)
        pages[answer.url.split("#", 1)[0]] = here
        for link in here.links:
            target = urllib.parse.urljoin(answer.url, html.unescape(link))
            parts = urllib.parse.urlsplit(target)
            if parts.scheme not in ("http", "https"):
                continue
            if not target.startswith(url):
                assert parts.netloc, f"{start}: malformed external link {link!r}"
                continue
            links.setdefault(target, start)
    broken, redirected = [], {}
    statuses: dict[str, int] = {doc: 200 for doc in pages}     # fetched and parsed above
    for target, start in sorted(links.items()):
        doc = target.split("#", 1)[0]
        if doc not in statuses:
            got = fetch(doc, accept="text/html")
            statuses[doc] = got.status
            if got.status in (301, 303):
                redirected[doc] = urllib.parse.urljoin(doc, got.header("Location"))
            elif got.status == 200 and got.header("Content-Type").startswith("text/html"):
                pages.setdefault(doc, parse(got.text))
        if statuses[doc] not in (200, 301, 303):
            broken.append(f"{start} -> {target} ({statuses[doc]})")
    followed = {d for t in links for d in [t.split("#", 1)[0]] if "#" in t and d in redirected}
    followed |= set(sample(sorted(set(redirected) - followed), 300, seed=5))
    for doc in sorted(followed):
        got = fetch(redirected[doc], accept="text/html", follow=True)
        if got.status != 200:
            broken.append(f"{doc} -> {redirected[doc]} ({got.status})")
        elif got.header("Content-Type").startswith("text/html"):
            pages[doc] = parse(got.text)
    for target, start in links.items():
        doc, _, fragment = target.partition("#")
        if fragment and doc in pages and fragment not in pages[doc].ids:
            broken.append(f"{start} -> {target} (no element id={fragment!r})")
    assert not broken, "broken links:\n" + "\n".join(sorted(set(broken))[:40])
    assert len(statuses) > 40


def test_fragment_iris_land_on_their_section(url, kinds, base):
    """Hash IRIs (ontology terms, shapes, claim selectors) open the page section that
    documents them: the 303 keeps the fragment and the page has that element id."""
    for kind in ("ontology", "shapes", "claim"):
        hashed = [i for i in kinds.get(kind, []) if "#" in i and not i.endswith("#")]
        for iri in sample(hashed, 5):
            doc, fragment = iri[len(base):].split("#", 1)
            if kind == "ontology":
                doc = "ontology"
            ids = parse(page(url, "/" + doc)).ids
            assert fragment in ids, f"{iri}: no element id={fragment!r} on /{doc}"


CONTESTED = """
claim:t001 a dsr:Claim ;
    rdf:subject id:serbia ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ; dsr:section "The Digital Silk Road Runs It" ;
    dsr:quote "Several countries in the Western Balkans have signed onto America’s Clean Network" .
claim:t002 a dsr:Claim ;
    rdf:subject id:serbia ; rdf:predicate dsr:memberOf ; rdf:object id:clean-network ;
    dsr:stance dsr:Denied ; dsr:certainty dsr:Stated ;
    dsr:source report:dsr-enters-western-balkans-2021 ; dsr:note "6"^^xsd:positiveInteger ;
    dsr:quote "Serbia, though pressured to limit the participation of Chinese companies in the 5G network rollout, has not joined the ‘Clean Network’ initiative" .
"""


def test_a_contested_fact_is_flagged_with_both_sides(mini_project):
    """One report affirms what another denies: the entity page flags the fact and shows
    both quotes and reports; both report pages list the disagreement."""
    from kg.build import build
    from tests.ld_client import start_server
    settings = mini_project({"test/claims.ttl": CONTESTED})
    build(settings, quiet=True, force=True)
    server, url = start_server(settings)
    try:
        text = page(url, "/id/serbia")
        fact = re.search(r'<li class="ld-fact is-contested">(.*?)</ul>\s*</li>', text, re.S)
        assert fact, "the contested fact is not flagged"
        block = fact.group(1)
        assert "affirmed by one report, denied by another" in block
        assert 'href="/id/clean-network"' in block
        assert 'href="/report/surveying-dsr-western-balkans"' in block
        assert 'href="/report/dsr-enters-western-balkans-2021"' in block
        assert "supports" in block and "denies" in block and "note 6" in block
        assert "Reports disagree on 1 fact" in text
        for report in ("surveying-dsr-western-balkans", "dsr-enters-western-balkans-2021"):
            rtext = page(url, f"/report/{report}")
            section = rtext.split('id="contradicts"', 1)[1].split("</section>", 1)[0]
            assert 'href="/claim/t001"' in section and 'href="/claim/t002"' in section, report
        claim = page(url, "/claim/t002")
        assert 'href="/claim/t001"' in claim and "affirmed" in claim
    finally:
        server.shutdown()
