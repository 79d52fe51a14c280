"""The `dsr` command line, end to end, as a user runs it (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dsr(*args: str, dist: Path, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, DSR_DIST=str(dist))
    proc = subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"dsr {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def dist(built):
    return built.dist


def test_build_reports_progress_and_summary(tmp_path):
    proc = dsr("build", "--force", dist=tmp_path / "dist")
    assert "[1/5] Loading ontology, shapes and triples" in proc.stderr
    assert "OWL-RL reasoning" in proc.stderr and "SHACL validation" in proc.stderr
    assert "Built" in proc.stderr and "claims" in proc.stderr
    again = dsr("build", dist=tmp_path / "dist")
    assert "Up to date" in again.stderr


def test_query_canned_by_name_in_every_format(dist):
    out = dsr("query", "clean-network", "--format", "csv", dist=dist).stdout
    assert out.splitlines()[0].startswith("actor,actorLabel,stance")
    assert "Albania" in out
    data = json.loads(dsr("query", "clean-network", "--format", "json", dist=dist).stdout)
    assert {"head", "results"} <= set(data)
    assert "\t" in dsr("query", "clean-network", "--format", "tsv", dist=dist).stdout
    assert "row(s)" in dsr("query", "clean-network", dist=dist).stdout


def test_query_file_and_parameters(dist, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a dsr:Country }")
    out = dsr("query", str(q), "--format", "csv", dist=dist).stdout
    assert int(out.splitlines()[1]) >= 6
    out = dsr("query", "facts-with-sources", "-p", "entity=id:albania", "--format", "csv", dist=dist).stdout
    assert "clean-network" in out


def test_query_errors_name_the_fix(dist, tmp_path):
    proc = dsr("query", "no-such-query", dist=dist, check=False)
    assert proc.returncode == 2 and "Canned queries:" in proc.stderr
    proc = dsr("query", "facts-with-sources", "-p", "entity=not an iri", dist=dist, check=False)
    assert proc.returncode == 2 and "must be an IRI" in proc.stderr
    proc = dsr("query", "facts-with-sources", "-p", "nope=1", dist=dist, check=False)
    assert proc.returncode == 2 and "unknown parameter" in proc.stderr
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }")
    proc = dsr("query", str(bad), dist=dist, check=False)
    assert proc.returncode == 2 and "syntax error" in proc.stderr.lower()


def test_stats_formats(dist):
    data = json.loads(dsr("stats", "--format", "json", dist=dist).stdout)
    assert data["claims"] > 0 and len(data["reports"]) == 5
    md = dsr("stats", "--format", "markdown", dist=dist).stdout
    assert md.startswith("| report | claims |")
    assert "Coverage per report" in dsr("stats", dist=dist).stdout


GOOD = """@prefix dsr: <https://w3id.org/dsr-balkans/ontology#> .
@prefix id: <https://w3id.org/dsr-balkans/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:test-cli-city a dsr:City ; skos:prefLabel "Testgrad"@en .
"""


def test_validate_exit_codes_and_formats(dist, tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(GOOD)
    assert dsr("validate", str(good), dist=dist).returncode == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text(GOOD.replace("dsr:City", "dsr:Citty"))
    proc = dsr("validate", str(bad), dist=dist, check=False)
    assert proc.returncode == 1
    assert "unknown class dsr:Citty" in proc.stdout and "Did you mean dsr:City" in proc.stdout
    js = json.loads(dsr("validate", str(bad), "--format", "json", dist=dist, check=False).stdout)
    assert js["conforms"] is False and js["nodes"][0]["focus"].endswith("test-cli-city")
    ttl = dsr("validate", str(bad), "--format", "turtle", dist=dist, check=False).stdout
    assert "sh:ValidationReport" in ttl
    broken = tmp_path / "broken.ttl"
    broken.write_text(GOOD + "id:x a dsr:City ; skos:prefLabel id:y id:z .\n")
    proc = dsr("validate", str(broken), dist=dist, check=False)
    assert proc.returncode == 2 and "broken.ttl:5" in proc.stderr
