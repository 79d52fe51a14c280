"""Linked Data over real HTTP: every kind of IRI dereferences by content negotiation
(303 to a format-specific document, ``Vary: Accept``), each format parses with rdflib
and with a second, independent parser (rapper; pyld for JSON-LD), all formats hold the
same graph, descriptions hold what issue 8 asks for, and the dataset description,
dumps, context and sitemap are served and consistent with the build."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from tests.ld_client import (RAPPER_PARSERS, fetch, path_of, pyld_graph, rapper_count,
                             rdflib_parse, same_graph, sample)

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ACCEPTS = {"html": "text/html", "ttl": "text/turtle", "jsonld": "application/ld+json",
           "nt": "application/n-triples", "rdf": "application/rdf+xml"}


@pytest.fixture(scope="module")
def sampled_paths(kinds, base) -> list[str]:
    """IRIs of every kind, as server paths: the stable anchors, the fixed documents and
    a few drawn at random (two of the large kinds, reports and named graphs)."""
    paths = []
    for kind, n in (("id", 4), ("report", 1), ("claim", 4), ("graph", 2)):
        assert kinds.get(kind), f"the built graph has no {kind} IRIs"
        paths += [path_of(i, base) for i in sample(kinds[kind], n)]
    terms = [i for i in kinds["ontology"] if "#" in i and not i.endswith("#")]
    paths += ["/ontology/" + i.split("#", 1)[1] for i in sample(terms, 4)]
    paths += ["/id/serbia", "/id/huawei", "/report/surveying-dsr-western-balkans", "/ontology/Claim",
              "/ontology", "/shapes", "/dataset"]
    return sorted(set(paths))


@pytest.fixture(scope="module")
def one_of_each(kinds, base) -> list[str]:
    """One IRI of every kind (for the negotiation itself; contents are checked above)."""
    return ["/id/serbia", "/report/surveying-dsr-western-balkans", path_of(kinds["claim"][0], base),
            path_of(base + "graph/entities", base), "/ontology/Claim", "/ontology", "/shapes", "/dataset"]


def strip_document(graph: Graph, doc_prefix: str) -> Graph:
    """The description without the triples about the served document itself (its IRI
    differs per format by design)."""
    out = Graph()
    for s, p, o in graph:
        if not str(s).startswith(doc_prefix + "."):
            out.add((s, p, o))
    return out


# ---------------------------------------------------------------------------
# Dereferencing
# ---------------------------------------------------------------------------

def test_every_iri_in_the_graph_dereferences(url, kinds, base):
    """Each IRI under the base (entities, reports, claims and their selectors, graphs,
    ontology terms, shapes) answers 303 to a document, never 404."""
    checked = set()
    for kind, iris in kinds.items():
        for iri in iris:
            path = path_of(iri, base)
            if kind == "ontology" and "#" in iri and not iri.endswith("#"):
                path = "/ontology/" + iri.split("#", 1)[1]
            if path in checked:
                continue
            checked.add(path)
            answer = fetch(url + path, accept="text/turtle")
            assert answer.status == 303, f"{iri} -> {path} answered {answer.status}: {answer.body[:300]!r}"
    assert len(checked) > 50


@pytest.mark.parametrize("suffix", list(ACCEPTS))
def test_content_negotiation_redirects_to_the_format_document(url, one_of_each, suffix):
    for path in one_of_each:
        answer = fetch(url + path, accept=ACCEPTS[suffix])
        assert answer.status == 303, (path, answer.status)
        assert answer.header("Vary") == "Accept"
        assert answer.header("Location").endswith(f"{path}.{suffix}"), (path, answer.header("Location"))
        document = fetch(url + answer.header("Location") if answer.header("Location").startswith("/")
                         else answer.header("Location"))
        assert document.status == 200, (path, suffix, document.status)
        assert document.header("Content-Type").split(";")[0] == ACCEPTS[suffix]
        assert document.header("Access-Control-Allow-Origin") == "*"


def test_negotiation_follows_quality_values_and_defaults_to_html(url):
    assert fetch(url + "/id/serbia", accept="text/html;q=0.5, text/turtle").header("Location").endswith(".ttl")
    assert fetch(url + "/id/serbia", accept="application/rdf+xml;q=0.9, */*;q=0.1").header("Location").endswith(".rdf")
    assert fetch(url + "/id/serbia", accept="*/*").header("Location").endswith(".html")
    assert fetch(url + "/id/serbia").header("Location").endswith(".html")   # no Accept header at all
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert fetch(url + "/id/serbia", accept=browser).header("Location").endswith(".html")


def test_format_parameter_answers_directly(url):
    answer = fetch(url + "/id/serbia?format=ttl")
    assert answer.status == 200
    assert answer.header("Content-Type").startswith("text/turtle")
    assert answer.header("Content-Location").endswith("/id/serbia.ttl")
    assert fetch(url + "/id/serbia?format=application/ld+json").header("Content-Type") == "application/ld+json"


def test_bad_requests_are_explained(url):
    unknown = fetch(url + "/id/serbia?format=png", accept="text/plain")
    assert unknown.status == 400 and "ttl" in unknown.text and "png" in unknown.text
    clash = fetch(url + "/id/serbia.ttl?format=nt", accept="text/plain")
    assert clash.status == 400 and "Turtle" in clash.text and "N-Triples" in clash.text
    refused = fetch(url + "/id/serbia", accept="image/png")
    assert refused.status == 406 and "text/turtle" in refused.text


def test_unknown_iri_is_404_with_the_closest_slug(url):
    for wrong, right in (("/id/serbija", "/id/serbia"), ("/id/huawai", "/id/huawei"),
                         ("/report/surveying-dsr-western-balkan", "/report/surveying-dsr-western-balkans"),
                         ("/ontology/Clam", "/ontology/Claim")):
        page = fetch(url + wrong, accept="text/html")
        assert page.status == 404, wrong
        assert f'href="{right}"' in page.text, (wrong, page.text[:2000])
        plain = fetch(url + wrong, accept="text/turtle")
        assert plain.status == 404 and right in plain.text


def test_conditional_get_and_head(url):
    first = fetch(url + "/id/serbia.ttl")
    etag = first.header("ETag")
    assert etag
    again = fetch(url + "/id/serbia.ttl", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    head = fetch(url + "/id/serbia.ttl", method="HEAD")
    assert head.status == 200 and head.body == b""


def test_paths_map_onto_the_base_whatever_the_host(url, base):
    """Another Host header changes links and the JSON-LD context location, never IRIs."""
    answer = fetch(url + "/id/serbia", accept="text/turtle", headers={"Host": "kg.example.net:8443"})
    assert answer.header("Location") in ("/id/serbia.ttl", "http://kg.example.net:8443/id/serbia.ttl")
    doc = fetch(url + "/id/serbia.jsonld", headers={"Host": "kg.example.net:8443"})
    data = json.loads(doc.body)
    assert data["@context"] == "http://kg.example.net:8443/context.jsonld"
    turtle = fetch(url + "/id/serbia.ttl", headers={"Host": "kg.example.net:8443"}).text
    assert f"<{base}id/serbia>" in turtle or "id:serbia" in turtle
    assert "kg.example.net" not in turtle


# ---------------------------------------------------------------------------
# Formats: two parsers each, same graph in every format
# ---------------------------------------------------------------------------

def test_every_format_parses_with_rdflib_and_an_independent_parser(url, sampled_paths, base):
    for path in sampled_paths:
        graphs = {}
        for suffix in ("ttl", "nt", "rdf", "jsonld"):
            doc = fetch(f"{url}{path}.{suffix}")
            assert doc.status == 200, (path, suffix)
            graph = rdflib_parse(doc.body, suffix, f"{url}{path}.{suffix}")
            assert len(graph) > 0, (path, suffix)
            if suffix in RAPPER_PARSERS:
                assert rapper_count(f"{url}{path}.{suffix}", RAPPER_PARSERS[suffix], data=doc.body) == len(graph), \
                    (path, suffix)
            else:
                second = pyld_graph(doc.body, allowed_prefix=url + "/")
                assert same_graph(second, graph), f"pyld and rdflib read {path}.jsonld differently"
            graphs[suffix] = strip_document(graph, base + path.lstrip("/"))
        for suffix, graph in graphs.items():
            assert same_graph(graph, graphs["ttl"]), f"{path}.{suffix} holds another graph than {path}.ttl"


@pytest.mark.parametrize("parser", sorted(set(RAPPER_PARSERS.values())))
def test_rapper_dereferences_the_iris_itself(url, parser):
    """rapper sends its own Accept header and follows the 303 on its own."""
    for path in ("/id/serbia", "/report/surveying-dsr-western-balkans", "/ontology", "/dataset"):
        assert rapper_count(url + path, parser) > 5


def test_jsonld_uses_our_own_context(url):
    doc = json.loads(fetch(url + "/id/huawei.jsonld").body)
    assert doc["@context"] == url + "/context.jsonld"
    context = fetch(url + "/context.jsonld")
    assert context.status == 200
    assert context.header("Content-Type") == "application/ld+json"
    assert context.header("Access-Control-Allow-Origin") == "*"
    terms = json.loads(context.body)["@context"]
    assert terms["memberOf"] == {"@id": "dsr:memberOf", "@type": "@id"}
    assert "http" not in json.dumps(doc["@context"]).replace(url, "")


# ---------------------------------------------------------------------------
# What a description holds
# ---------------------------------------------------------------------------

def _entity_with_claims(store, base) -> str:
    rows = list(store.store.query(
        "SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c <%sontology#source> ?r ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s . FILTER(STRSTARTS(STR(?s), '%sid/')) } "
        "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1" % (base, base), use_default_graph_as_union=True))
    assert rows, "no claim about an entity in the built graph"
    return rows[0]["s"].value


def test_entity_description_has_facts_claims_quotes_links_and_types(url, store, base):
    entity = _entity_with_claims(store, base)
    path = path_of(entity, base)
    g = Graph().parse(data=fetch(f"{url}{path}.ttl").body, format="turtle")
    me = URIRef(entity)
    dsr = Namespace(base + "ontology#")
    oa = Namespace("http://www.w3.org/ns/oa#")
    inferred_graph = URIRef(base + "graph/inferred")
    node = ox.NamedNode(entity)
    # Every asserted triple about the entity, from every graph but the inferred one.
    for q in store.store.quads_for_pattern(node, None, None, None):
        triple = (me, URIRef(q.predicate.value), _term(q.object))
        assert triple in g, f"{path}: missing {triple} from {q.graph_name}"
        flagged = _flagged_inferred(g, triple, inferred_graph)
        if q.graph_name.value == str(inferred_graph):
            asserted = any(x.graph_name.value != str(inferred_graph)
                           for x in store.store.quads_for_pattern(q.subject, q.predicate, q.object, None))
            assert flagged != asserted, f"{triple}: inferred-only triples (and only they) carry an rdf:Statement"
        else:
            assert not flagged, f"{triple} is asserted but marked as inferred"
    # Incoming links.
    for q in store.store.quads_for_pattern(None, None, node, None):
        if q.predicate.value.startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#"):
            continue
        if isinstance(q.subject, ox.NamedNode):
            assert (URIRef(q.subject.value), URIRef(q.predicate.value), me) in g
    # Claims with report, quote and location.
    claims = set(g.subjects(RDF.subject, me)) | set(g.subjects(RDF.object, me))
    claims = {c for c in claims if (c, dsr.source, None) in g}
    assert claims
    for c in claims:
        report = g.value(c, dsr.source)
        assert g.value(c, dsr.quote) is not None and g.value(c, dsr.stance) is not None
        assert (report, SKOS.prefLabel, None) in g or (report, DCTERMS.title, None) in g
        position = URIRef(str(c) + "#position")
        assert (c, oa.hasTarget, URIRef(str(c) + "#target")) in g
        assert g.value(position, oa.start) is not None and g.value(position, oa.end) is not None
    # The document says what it is about.
    doc = URIRef(f"{base}{path.lstrip('/')}.ttl")
    assert (doc, FOAF.primaryTopic, me) in g
    assert (doc, DCTERMS.license, None) in g


def _term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    return None


def _flagged_inferred(g: Graph, triple, inferred_graph) -> bool:
    s, p, o = triple
    for st in g.subjects(RDF.subject, s):
        if (st, RDF.predicate, p) in g and (st, RDF.object, o) in g and (st, DCTERMS.isPartOf, inferred_graph) in g:
            return True
    return False


def test_serbia_has_types_with_inferred_marked_and_its_wikidata_link(url, base):
    g = Graph().parse(data=fetch(url + "/id/serbia.ttl").body, format="turtle")
    serbia = URIRef(base + "id/serbia")
    dsr = Namespace(base + "ontology#")
    assert (serbia, RDF.type, dsr.Country) in g
    assert not _flagged_inferred(g, (serbia, RDF.type, dsr.Country), URIRef(base + "graph/inferred"))
    assert _flagged_inferred(g, (serbia, RDF.type, dsr.Actor), URIRef(base + "graph/inferred"))
    assert (serbia, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q403")) in g


def test_claim_and_report_descriptions(url, base):
    report = Graph().parse(data=fetch(url + "/report/surveying-dsr-western-balkans.ttl").body, format="turtle")
    r = URIRef(base + "report/surveying-dsr-western-balkans")
    dsr = Namespace(base + "ontology#")
    assert (r, DCTERMS.title, None) in report
    claims = set(report.subjects(dsr.source, r))
    assert claims
    some = sorted(claims)[0]
    claim = Graph().parse(data=fetch(url + path_of(str(some), base) + ".ttl").body, format="turtle")
    assert (some, dsr.source, r) in claim and (some, dsr.quote, None) in claim


def test_ontology_iri_serves_the_ontology(url, store, base):
    g = Graph().parse(data=fetch(url + "/ontology", accept="text/turtle", follow=True).body, format="turtle")
    assert (URIRef(base + "ontology"), RDF.type, OWL.Ontology) in g
    stored = sum(1 for _ in store.store.quads_for_pattern(None, None, None, ox.NamedNode(base + "graph/ontology")))
    assert len(g) == stored
    version = g.value(URIRef(base + "ontology"), OWL.versionIRI)
    if version is not None:
        assert fetch(url + path_of(str(version), base), accept="text/turtle").header("Location").endswith("/ontology.ttl")


# ---------------------------------------------------------------------------
# Dataset description, dumps, sitemap
# ---------------------------------------------------------------------------

def test_void_and_dcat_describe_the_build(url, built, base):
    answer = fetch(url + "/.well-known/void", accept="text/turtle")
    assert answer.status == 303 and answer.header("Location").endswith("/dataset.ttl")
    body = fetch(url + "/dataset.ttl").body
    g = Graph().parse(data=body, format="turtle")
    assert rapper_count(url + "/dataset.ttl", "turtle", data=body) == len(g)
    ds = URIRef(base + "dataset")
    stats = json.loads((built.dist / "stats.json").read_text())
    info = json.loads((built.dist / "build-info.json").read_text())
    assert (ds, RDF.type, VOID.Dataset) in g and (ds, RDF.type, DCAT.Dataset) in g
    assert int(g.value(ds, VOID.triples)) == stats["triples"]
    assert int(g.value(ds, VOID.entities)) == stats["entities"]
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(base + "sparql")
    assert str(g.value(ds, DCAT.version)).startswith(info["version"])
    assert g.value(ds, DCTERMS.modified) is not None
    assert set(g.objects(ds, VOID.subset)) == {URIRef(i) for i in info["graphs"]}
    assert len(set(g.objects(ds, DCTERMS.source))) == len(stats["reports"])
    dumps = set(g.objects(ds, VOID.dataDump))
    assert {str(d).rsplit("/", 1)[1] for d in dumps} >= {"dataset.nq", "dataset.trig", "dataset.jsonld"}
    for dump in dumps:
        download = fetch(url + path_of(str(g.value(dump, DCAT.downloadURL)), base))
        assert download.status == 200
        checksum = g.value(dump, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(download.body).hexdigest()
        assert int(g.value(dump, DCAT.byteSize)) == len(download.body)


def test_dumps_are_complete_and_checksummed(url, built):
    sums = dict(reversed(line.split("  ")) for line in fetch(url + "/dumps/SHA256SUMS").text.splitlines())
    info = json.loads((built.dist / "build-info.json").read_text())
    stats = json.loads((built.dist / "stats.json").read_text())
    for name, fmt in (("dataset.nq", "nquads"), ("dataset.trig", "trig"), ("dataset.jsonld", "json-ld")):
        answer = fetch(f"{url}/dumps/{name}")
        assert answer.status == 200, name
        digest = hashlib.sha256(answer.body).hexdigest()
        assert sums[name] == digest == info["files"][name]
        quads = ox.parse(answer.body, format={"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                                               "json-ld": ox.RdfFormat.JSON_LD}[fmt])
        assert sum(1 for _ in quads) == stats["triples"], name
    nquads = fetch(url + "/dumps/dataset.nq").body
    assert rapper_count(url + "/dumps/dataset.nq", "nquads", data=nquads) == stats["triples"]
    assert fetch(url + "/dumps/nothing.zip", accept="text/plain").status == 404


def test_sitemap_lists_every_entity_page(url, kinds, base):
    answer = fetch(url + "/sitemap.xml")
    assert answer.status == 200
    root = ET.fromstring(answer.body)
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for iri in kinds["id"]:
        assert f"{url}{path_of(iri, base)}.html" in locs, iri
    for loc in sample(sorted(locs), 12):
        assert fetch(loc).status == 200, loc
    assert f"Sitemap: {url}/sitemap.xml" in fetch(url + "/robots.txt").text
