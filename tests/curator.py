"""A writable test project and a server over it, shared by the write-path tests.

The project is a miniature checkout (tests.conftest.make_project): the real ontology,
shapes, report texts, reports and core entities, plus a few seeded claims, so a write
is validated by the real pipeline in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from kg.build import build
from tests.conftest import make_project
from tests.httpclient import request
from tests.servers import ServerProcess, free_port

TOKEN = "test-token-7f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "https://w3id.org/dsr-balkans/"
R000 = BASE + "graph/surveying-dsr-western-balkans"
R001 = BASE + "graph/gmf-2025-dsr-western-balkans"
R003 = BASE + "graph/dsr-balkans-2024"

PREFIXES_SPARQL = """PREFIX dsr: <https://w3id.org/dsr-balkans/ontology#>
PREFIX id: <https://w3id.org/dsr-balkans/id/>
PREFIX claim: <https://w3id.org/dsr-balkans/claim/>
PREFIX report: <https://w3id.org/dsr-balkans/report/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Seeded curated data: Kragujevac is part of Serbia (report 003), and report 001 has its
# own entity with one claim about it, so deleting that entity can leave a claim dangling.
SEED = {
    "r003/claims.ttl": """
claim:r003-295 a dsr:Claim ;
    rdf:subject id:kragujevac ; rdf:predicate dsr:partOf ; rdf:object id:serbia ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:dsr-balkans-2024 ;
    dsr:quote "It is worth mentioning the Smart City projects that cover several Serbian cities: Belgrade, Kragujevac, Ni§ and Novi Sad." .
""",
    "r001/entities.ttl": """
id:test-telecom-operator a dsr:Company ; skos:prefLabel "Test Telecom Operator"@en .
""",
    "r001/claims.ttl": """
claim:r001-001 a dsr:Claim ;
    rdf:subject id:test-telecom-operator ; rdf:predicate dsr:basedIn ; rdf:object id:china ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:gmf-2025-dsr-western-balkans ;
    dsr:quote "Huawei is the main Chinese telecommunications company involved in the Western Balkans, as elsewhere." .
""",
}

# A new claim for report 000: the national data centre is in Kragujevac. With the seeded
# "Kragujevac part of Serbia" the property chain infers it is located in Serbia.
CLAIM_TTL = """@prefix dsr: <https://w3id.org/dsr-balkans/ontology#> .
@prefix id: <https://w3id.org/dsr-balkans/id/> .
@prefix claim: <https://w3id.org/dsr-balkans/claim/> .
@prefix report: <https://w3id.org/dsr-balkans/report/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

claim:r000-901 a dsr:Claim ;
    rdf:subject id:state-data-center-kragujevac ; rdf:predicate dsr:locatedIn ; rdf:object id:kragujevac ;
    dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;
    dsr:source report:surveying-dsr-western-balkans ;
    dsr:section "China’s Closest Friend in the Western Balkans" ;
    dsr:quote "has become the commercial user of the National Data Center in Kragujevac" .
"""


def claim_ttl(number: int, quote: str = "has become the commercial user of the National Data Center in Kragujevac",
              report: str = "surveying-dsr-western-balkans", prefix: str = "r000") -> str:
    return CLAIM_TTL.replace("r000-901", f"{prefix}-{number}").replace(
        "has become the commercial user of the National Data Center in Kragujevac", quote).replace(
        "report:surveying-dsr-western-balkans", f"report:{report}")


def claim_body(number: int, **kwargs) -> str:
    """The claim without its prefix lines (for INSERT DATA)."""
    return claim_ttl(number, **kwargs).split("\n\n", 1)[1]


def writable_project(root: Path):
    settings = make_project(root, SEED)
    build(settings, quiet=True)
    return settings


def start_writable(settings, log: Path, *options: str, token: str | None = TOKEN,
                   env: dict | None = None) -> ServerProcess:
    port = free_port()
    argv = [sys.executable, "-m", "kg.cli", "--dist", str(settings.dist), "serve", "--no-build",
            "--port", str(port), *options]
    env = {"DSR_ROOT": str(settings.root), "DSR_WRITE_TOKEN": token or "", **(env or {})}
    return ServerProcess(argv, port, "/sparql?query=ASK%7B%7D", log, env=env)


def post(url: str, path: str, body: bytes | str, content_type: str, headers: dict | None = None,
         method: str = "POST") -> tuple[int, dict, bytes]:
    """Send a body; a server that answers before reading it all (413) closes the
    connection, so sending may fail while the answer is already there to read."""
    import http.client
    from urllib.parse import urlsplit
    data = body.encode("utf-8") if isinstance(body, str) else body
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.putrequest(method, path)
        for name, value in {"Content-Type": content_type, "Accept": "application/json",
                            "Content-Length": str(len(data)), **(headers or {})}.items():
            conn.putheader(name, value)
        conn.endheaders()
        try:
            for i in range(0, len(data), 1 << 16):
                conn.send(data[i:i + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def update(url: str, text: str, headers: dict | None = None) -> tuple[int, dict]:
    status, _, body = post(url, "/update", PREFIXES_SPARQL + text, "application/sparql-update",
                           AUTH if headers is None else headers)
    return status, json.loads(body)


def ask(url: str, pattern: str) -> bool:
    from urllib.parse import quote
    status, _, body = request(f"{url}/sparql?query={quote(PREFIXES_SPARQL + 'ASK { ' + pattern + ' }')}",
                              headers={"Accept": "application/sparql-results+json", "Cache-Control": "no-cache"})
    assert status == 200, body
    return json.loads(body)["boolean"]


def state(url: str, settings) -> tuple:
    """What must not change when a write is refused: the curated graphs, the change log,
    and the served dataset."""
    status, _, body = request(f"{url}/store?default", headers={"Accept": "application/n-triples"})
    assert status == 200, body
    curated = hashlib.sha256(b"".join(sorted(body.splitlines()))).hexdigest()
    changes = sorted(p.name for p in (settings.root / "triples" / "changes").glob("*.rdfp"))
    info = (settings.dist / "build-info.json").read_text()
    return curated, tuple(changes), hashlib.sha256(info.encode()).hexdigest()
