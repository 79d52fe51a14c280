"""The README's curator walkthrough works as written: its Turtle fails validation for
the two reasons it shows, the fix it describes conforms, the submission it shows is
accepted, and its query then finds the fact and the inference."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from tests.curator import AUTH, post, start_writable, writable_project
from tests.httpclient import request

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Curating"):README.index("## Coverage")]


def test_the_walkthrough_validates_fixes_submits_and_queries(tmp_path):
    (claim,) = re.findall(r"```turtle\n(.*?)```", SECTION, flags=re.S)
    store_path = re.search(r"'http://127\.0\.0\.1:8000(/store\?graph=[^']+)'", SECTION).group(1)
    query = re.search(r"--data-urlencode 'query=(SELECT[^']+)'", SECTION).group(1)
    project = writable_project(tmp_path / "project")
    server = start_writable(project, tmp_path / "server.log")
    try:
        status, _, body = post(server.url, "/validate", claim, "text/turtle")
        text = body.decode()
        assert status == 200 and json.loads(body)["conforms"] is False
        assert "Did you mean dsr:locatedIn" in text and "quote not found" in text
        fixed = claim.replace("dsr:locatedin", "dsr:locatedIn").replace("the main user", "the commercial user")
        status, _, body = post(server.url, "/validate", fixed, "text/turtle")
        assert json.loads(body)["conforms"] is True, body.decode()
        status, _, body = post(server.url, store_path, fixed, "text/turtle", AUTH)
        outcome = json.loads(body)
        assert status == 200 and outcome["status"] == "accepted" and outcome["added"] == 9
        assert outcome["change"] == "triples/changes/000001.rdfp"
        status, _, body = request(f"{server.url}/sparql?query={quote(query)}", headers={"Accept": "text/csv"})
        assert status == 200
        places = set(body.decode().split())
        assert {"https://w3id.org/dsr-balkans/id/kragujevac", "https://w3id.org/dsr-balkans/id/serbia"} <= places
    finally:
        server.stop()
