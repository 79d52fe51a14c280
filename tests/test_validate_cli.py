"""`dsr validate` for every accepted syntax, on a miniature project (fast): the same
problems whatever the syntax, file:line where the syntax has lines, exit code 2 with
file:line:column for unusable input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.curator import CLAIM_TTL, writable_project

BAD_TTL = CLAIM_TTL.replace("a dsr:Claim", "a dsr:Claim, dsr:Compnay")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return writable_project(tmp_path_factory.mktemp("vcli") / "project")


def validate(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "--dist", str(project.dist), "validate", *args],
                          env={**os.environ, "DSR_ROOT": str(project.root)}, capture_output=True, text=True,
                          timeout=300)


def _as(syntax: str, ttl: str) -> str:
    from rdflib import Graph
    g = Graph().parse(data=ttl, format="turtle")
    if syntax == "trig":
        return "<https://w3id.org/dsr-balkans/graph/x> {\n" + g.serialize(format="nt") + "}\n"
    return g.serialize(format={"nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[syntax])


@pytest.mark.parametrize("suffix", ["ttl", "nt", "trig", "jsonld", "rdf"])
def test_every_syntax_gives_the_same_problems(project, tmp_path, suffix):
    path = tmp_path / f"claim.{suffix}"
    path.write_text(BAD_TTL if suffix == "ttl" else _as(suffix, BAD_TTL), encoding="utf-8")
    proc = validate(project, "--format", "json", str(path))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    messages = {p["message"].split(":")[0] for n in report["nodes"] for p in n["problems"]
                if p["severity"] == "Violation"}
    assert "unknown class dsr" in messages
    locations = {p["location"] for n in report["nodes"] for p in n["problems"]}
    if suffix in ("ttl", "nt", "trig"):
        assert any(loc and loc.startswith(str(path) + ":") for loc in locations), locations


@pytest.mark.parametrize("name,data,words", [
    ("bad.ttl", CLAIM_TTL.replace("dsr:Stated ;", "dsr:Stated ;;\n  ]"), ["bad.ttl:10:", "syntax error"]),
    ("bad.nt", "<http://x/a> <http://x/b> .\n", ["bad.nt:1:", "syntax error"]),
    ("bad.jsonld", '{"@context": "http://example.org/ctx", "@id": "http://x/a"}', ["remote JSON-LD context"]),
    ("bad.rdf", '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x/>',
     ["bad.rdf:2", "DOCTYPE"]),
    ("latin1.ttl", None, ["latin1.ttl:", "not UTF-8"]),
    ("data.csv", "a,b\n", ["unknown RDF file extension '.csv'"]),
])
def test_unusable_input_exits_2_with_where_and_why(project, tmp_path, name, data, words):
    path = tmp_path / name
    if data is None:
        path.write_bytes(CLAIM_TTL.replace("Kragujevac", "Kragujevac\u00e9").encode("latin-1", "replace"))
    else:
        path.write_text(data, encoding="utf-8")
    proc = validate(project, str(path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


def test_a_missing_file_exits_2(project, tmp_path):
    proc = validate(project, str(tmp_path / "nope.ttl"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
