"""POST /validate: the same report as ``dsr validate``, as JSON, a SHACL report in Turtle,
or HTML (also from a form upload), and it never changes the graph."""

from __future__ import annotations

import json
import subprocess
import sys
import os
import uuid

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from tests.curator import CLAIM_TTL, post, state
from tests.httpclient import raw_request, request

BAD = CLAIM_TTL.replace("a dsr:Claim", "a dsr:Claim, dsr:Compnay").replace(
    "has become the commercial user", "has become the only user")


@pytest.fixture(scope="module")
def project(writable):
    return writable[0]


@pytest.fixture(scope="module")
def server(writable):
    return writable[1]


def test_a_clean_claim_conforms(server):
    status, headers, body = post(server.url, "/validate", CLAIM_TTL, "text/turtle")
    assert status == 200 and headers["content-type"].startswith("application/json")
    report = json.loads(body)
    assert report["conforms"] is True and report["violations"] == 0


def test_problems_are_grouped_by_node_with_line_and_suggestion(server, project):
    before = state(server.url, project)
    status, _, body = post(server.url, "/validate", BAD, "text/turtle")
    assert status == 200
    report = json.loads(body)
    assert report["conforms"] is False
    (node,) = [n for n in report["nodes"] if n["focus"].endswith("claim/r000-901")]
    messages = " | ".join(p["message"] for p in node["problems"])
    assert "unknown class dsr:Compnay" in messages and "Did you mean dsr:Company" in messages
    assert "quote not found" in messages
    assert {p["location"] for p in node["problems"]} == {"request body.ttl:7"}
    assert state(server.url, project) == before, "validation changed something"


def test_the_turtle_form_is_a_standard_shacl_report(server):
    status, headers, body = raw_request(server.url, "POST", "/validate", BAD.encode(),
                                        {"Content-Type": "text/turtle", "Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(False)
    results = list(g.objects(report, SH.result))
    assert len(results) >= 2
    assert all(g.value(r, SH.resultSeverity) in (SH.Violation, SH.Warning) for r in results)


def test_html_for_a_form_upload(server):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="claims.ttl"\r\n'
             f'Content-Type: text/turtle\r\n\r\n{BAD}\r\n', f"--{boundary}--\r\n"]
    status, headers, body = raw_request(server.url, "POST", "/validate", "".join(parts).encode(),
                                        {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                         "Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    assert "Does not conform" in page and "claims.ttl:7" in page and "dsr:Compnay" in page


def test_json_ld_and_n_triples_are_validated_like_turtle(server):
    doc = {"@context": "https://w3id.org/dsr-balkans/context.jsonld", "@id": "id:test-new-operator",
           "@type": "dsr:Compnay", "prefLabel": {"@value": "Test New Operator", "@language": "en"}}
    status, _, body = post(server.url, "/validate", json.dumps(doc, indent=1), "application/ld+json")
    assert status == 200, body
    report = json.loads(body)
    (node,) = report["nodes"]
    assert node["focus"] == "https://w3id.org/dsr-balkans/id/test-new-operator"
    assert node["problems"][0]["location"] == "request body.jsonld:3"   # the "@id" line
    assert "unknown class dsr:Compnay" in body.decode() and report["conforms"] is False
    nt = ("<https://w3id.org/dsr-balkans/id/test-new-operator> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
          "<https://w3id.org/dsr-balkans/ontology#Compnay> .\n")
    status, _, body = post(server.url, "/validate", nt, "application/n-triples")
    report = json.loads(body)
    (node,) = report["nodes"]
    assert node["problems"][0]["location"] == "request body.nt:1"
    assert "Did you mean dsr:Company" in body.decode()


def test_validate_needs_no_token_and_writes_nothing(server, project):
    before = state(server.url, project)
    for _ in range(2):
        status, _, _ = post(server.url, "/validate", CLAIM_TTL, "text/turtle")
        assert status == 200
    assert state(server.url, project) == before
    assert not list((project.triples_dir / "changes").glob("*.rdfp"))


def test_the_validate_page_offers_the_form(server):
    status, headers, body = request(f"{server.url}/validate", headers={"Accept": "text/html"})
    assert status == 200
    page = body.decode()
    assert 'name="data"' in page and 'type="file"' in page and "JSON-LD" in page


def test_cli_and_http_give_the_same_report(server, project, tmp_path):
    path = tmp_path / "claim.ttl"
    path.write_text(BAD, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(project.dist), "validate", "--format", "json",
                          str(path)], env={**os.environ, "DSR_ROOT": str(project.root)}, capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr
    _, _, body = post(server.url, "/validate", BAD, "text/turtle")

    def messages(report: dict) -> list[str]:
        return sorted(p["message"] for n in report["nodes"] for p in n["problems"])
    assert messages(json.loads(cli.stdout)) == messages(json.loads(body))
