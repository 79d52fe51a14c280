"""kg.loading.parse_file parses with Oxigraph but must give the graph rdflib's parser
gave: same IRIs, same literal forms (plain strings, numeric shorthand, language tags as
written, canonical decimals), stable blank node labels, syntax errors with file and line."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg.gc_pause
import kg.loading
from kg.errors import SyntaxProblem
from kg.loading import FORMATS, _canonical_decimal, parse_file
from kg.namespaces import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
OTHER_BASE = "http://example.org/kg/"
EX = "http://example.org/"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
PROJECT_FILES = sorted(p for d in ("ontology", "triples") for p in (ROOT / d).rglob("*")
                       if p.suffix in FORMATS and p.suffix != ".jsonld")

LITERALS_TTL = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p 42, -7, +3, 042, 1.5, 1.50, .5, -0.0, 1e3, 1.5E-2, true, false,
    "plain", "y"@en-US, "z"@EN, "w"@sr-Latn, "10"^^xsd:decimal, "1.0"^^xsd:decimal,
    "0042"^^xsd:integer, "TRUE"^^xsd:boolean, "1E3"^^xsd:double, "2020-01-01"^^xsd:date,
    \"\"\"multi
line\"\"\", "esc\\t\\u00e9\\U0001F600", '''single''' .
ex:b ex:p <rel>, <#frag>, <../up>, <>, <?q> .
@base <http://other.example/dir/> .
ex:c ex:p <rel2> .
"""

BNODES_TTL = """\
@prefix ex: <http://example.org/> .
ex:a ex:p [ ex:q [ ex:r 1 ] ; ex:s ( 1 2 [ ex:t 3 ] ) ] .
_:named ex:p _:named, [] .
"""


def rdflib_reference(text: str, fmt: str = "turtle", base: str = DEFAULT_BASE) -> Graph:
    """What rdflib's own parser gives, with the one rewrite loading always did."""
    parsed = Graph().parse(data=text, format=fmt, publicID=base)
    out = Graph()
    for triple in parsed:
        out.add(tuple(_canonical_decimal(x) for x in triple))
    return out


def _key(term) -> tuple:
    return (type(term).__name__, str(term), getattr(term, "datatype", None), getattr(term, "language", None))


def assert_same_triples(got: Graph, want: Graph) -> None:
    """Isomorphic, and equal term by term where no blank node is involved: rdflib compares
    language tags ignoring case, so compare lexical form, datatype and tag as written."""
    assert len(got) == len(want)

    def ground(g: Graph) -> set:
        return {tuple(map(_key, t)) for t in g if not any(isinstance(x, BNode) for x in t)}
    assert ground(got) == ground(want), (ground(got) ^ ground(want))
    assert isomorphic(got, want)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_rdflib(monkeypatch):
    """Fail if parse_file falls back to rdflib's parser (the slow path)."""
    def refuse(*args, **kwargs):
        raise AssertionError("parse_file used rdflib's parser")
    monkeypatch.setattr(kg.loading, "_parse_with_rdflib", refuse)


@pytest.mark.parametrize("base", [DEFAULT_BASE, OTHER_BASE])
@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_project_files_parse_as_rdflib_parses_them(path, base, no_rdflib):
    text = path.read_text(encoding="utf-8").replace(DEFAULT_BASE, base)
    assert_same_triples(parse_file(path, base), rdflib_reference(text, FORMATS[path.suffix], base))


def test_project_files_are_there():
    assert len(PROJECT_FILES) >= 10


def test_literal_forms_and_relative_iris_match_rdflib(tmp_path, no_rdflib):
    path = write(tmp_path, "literals.ttl", LITERALS_TTL)
    got = parse_file(path, OTHER_BASE)
    assert_same_triples(got, rdflib_reference(LITERALS_TTL, base=OTHER_BASE))
    objects = set(got.objects(URIRef(EX + "a"), URIRef(EX + "p")))
    assert Literal("plain") in objects and Literal("plain", datatype=XSD_STRING) not in objects
    assert {o.language for o in objects if isinstance(o, Literal) and o.language} == {"en-US", "EN", "sr-Latn"}
    assert Literal("10.0", datatype=XSD_DECIMAL) in objects       # canonical decimal
    assert Literal("1.50", datatype=XSD_DECIMAL) in objects       # shorthand keeps its digits
    assert URIRef(OTHER_BASE + "rel") in set(got.objects())
    assert URIRef("http://other.example/dir/rel2") in set(got.objects())


def test_explicit_xsd_string_keeps_its_datatype(tmp_path):
    text = '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<http://a> <http://p> "x"^^xsd:string, "y" .\n'
    got = parse_file(write(tmp_path, "typed.ttl", text))
    assert set(got.objects()) == {Literal("x", datatype=XSD_STRING), Literal("y")}
    assert_same_triples(got, rdflib_reference(text))


def test_a_language_tag_written_two_ways_keeps_both_spellings(tmp_path):
    text = '<http://a> <http://p> "x"@en-US, "y"@en-us .\n'
    got = parse_file(write(tmp_path, "tags.ttl", text))
    assert sorted(o.language for o in got.objects()) == ["en-US", "en-us"]


def test_base_iri_is_rewritten(tmp_path, no_rdflib):
    text = f"<{DEFAULT_BASE}id/x> <{DEFAULT_BASE}ontology#p> <{DEFAULT_BASE}id/y> .\n"
    got = parse_file(write(tmp_path, "base.ttl", text), OTHER_BASE)
    assert set(got) == {(URIRef(OTHER_BASE + "id/x"), URIRef(OTHER_BASE + "ontology#p"),
                         URIRef(OTHER_BASE + "id/y"))}


def test_blank_nodes_get_stable_file_labels(tmp_path, no_rdflib):
    path = write(tmp_path, "my-file.ttl", BNODES_TTL)
    first, second = parse_file(path), parse_file(path)
    assert set(first) == set(second)                 # Oxigraph's own ids are random per parse
    labels = {str(x) for t in first for x in t if isinstance(x, BNode)}
    assert labels == {f"myfile{i}" for i in range(len(labels))} and len(labels) == 8
    assert_same_triples(first, rdflib_reference(BNODES_TTL))


def test_blank_nodes_are_numbered_in_order_of_first_appearance(tmp_path):
    text = "_:late <http://p> _:early .\n_:early <http://p> _:late .\n_:third <http://p> 1 .\n"
    got = parse_file(write(tmp_path, "order.ttl", text))
    p = URIRef("http://p")
    assert (BNode("order0"), p, BNode("order1")) in got and (BNode("order2"), p, Literal(1)) in got


@pytest.mark.parametrize("name,text,line,words", [
    ("bad.ttl", "@prefix ex: <http://x/> .\n\nex:a ex:b ex:c ;;\n  ] .\n", 4, ["]", "near"]),
    ("prefix.ttl", "@prefix ex: <http://x/> .\nex:a ex:b nope:c .\n", 2, ["nope"]),
    ("iri.ttl", "<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> <http://a b> .\n", 2, ["IRI"]),
    ("bad.nt", "<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> .\n", 2, []),
    ("bad.trig", "<http://x/g> {\n  <http://x/a> <http://x/b> }\n", 2, []),
    ("star.ttl", "@prefix ex: <http://x/> .\n\nex:a ex:b << ex:c ex:d ex:e >> .\n", 3, ["not supported"]),
    ("dir.ttl", '<http://x/a> <http://x/b> "x"@en--rtl .\n', 1, ["not supported"]),
])
def test_syntax_errors_name_file_line_and_what(tmp_path, name, text, line, words):
    path = write(tmp_path, name, text)
    with pytest.raises(SyntaxProblem) as caught:
        parse_file(path)
    problem = caught.value
    assert problem.location.file == str(path) and problem.location.line == line, str(problem)
    assert problem.detail and "Parser error" not in problem.detail
    for word in words:
        assert word in problem.detail, problem.detail


def test_a_syntax_error_adds_nothing(tmp_path):
    graph = Graph()
    with pytest.raises(SyntaxProblem):
        parse_file(write(tmp_path, "half.ttl", "<http://a> <http://p> 1 .\n<http://a> <http://p> .\n"), into=graph)
    assert len(graph) == 0


@pytest.mark.parametrize("name,text", [
    ("g.trig", "<http://a> <http://p> 1 .\n<http://g> { <http://a> <http://p> 2 . }\n"),
    ("g.nq", '<http://a> <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
             '<http://a> <http://p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <http://g> .\n'),
])
def test_quad_formats_give_the_triples_of_every_graph(tmp_path, name, text, no_rdflib):
    got = parse_file(write(tmp_path, name, text))
    assert set(got.objects()) == {Literal(1), Literal(2)}


def test_quad_formats_on_the_rdflib_path_give_the_same(tmp_path):
    text = ('<http://a> <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
            '<http://g> { <http://a> <http://p> "2" . }\n')
    got = parse_file(write(tmp_path, "typed.trig", text))
    assert set(got.objects()) == {Literal("1", datatype=XSD_STRING), Literal("2")}


def test_jsonld_is_parsed_by_rdflib_not_oxigraph(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.loading.ox, "parse", lambda *a, **k: pytest.fail("JSON-LD went to Oxigraph"))
    text = '{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:p": [{"@id": "ex:b"}, "v"]}'
    got = parse_file(write(tmp_path, "doc.jsonld", text))
    assert set(got) == {(URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b")),
                        (URIRef(EX + "a"), URIRef(EX + "p"), Literal("v"))}


def test_data_and_fmt_arguments(no_rdflib):
    got = parse_file(Path("not-on-disk.ttl"), data="<http://a> <http://p> _:x .\n", fmt="nt")
    assert set(got) == {(URIRef("http://a"), URIRef("http://p"), BNode("notondisk0"))}


def test_terms_are_one_object_across_files(tmp_path, no_rdflib):
    terms: dict = {}
    one, two = (parse_file(write(tmp_path, name, f'<http://a> <http://p> "v", <http://{name}/> .\n'), terms=terms)
                for name in ("one.ttl", "two.ttl"))
    (a1, _, v1), (a2, _, v2) = (next(t for t in g if t[2] == Literal("v")) for g in (one, two))
    assert a1 is a2 and v1 is v2 and terms[Literal("v")] is v1


def test_load_inputs_restores_the_garbage_collector(inputs):
    assert len(inputs.triples) > 0 and gc.isenabled()
    gc.disable()
    try:
        with kg.gc_pause.cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()          # left as the caller had it
    finally:
        gc.enable()
