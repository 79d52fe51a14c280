"""Linked Data benchmark: how long each kind of document takes to build and to serve.

    .venv/bin/python bench/linked_data_bench.py [--no-build] [--repeat 200]

Part 1, in process (the Flask app over the built dataset): for one document of each
kind, in every format, the time of a cold answer (every cache emptied: SPARQL,
description, rendering) and of a warm one (the rendered body remembered for this
dataset version), with its size. Part 2, over HTTP against ``dsr serve`` (granian, the
production server) on loopback: p50 and p99 of sequential requests for the 303 of an
IRI and for an already rendered document. Prints tables and writes
bench/results/linked-data-*.json and .md. Not a test: numbers depend on the machine and
its load (recorded too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.config import load_settings  # noqa: E402
from tests.ld_client import fetch  # noqa: E402
from tests.servers import start_dsr  # noqa: E402

DOCUMENTS = ["/id/serbia", "/id/huawei", "/id/clean-network", "/report/surveying-dsr-western-balkans",
             "/report/dsr-enters-western-balkans-2021", "/claim/r000-001", "/graph/entities",
             "/graph/inferred", "/ontology", "/ontology/Country", "/ontology/party", "/shapes", "/dataset"]
SUFFIXES = ("html", "ttl", "jsonld", "nt", "rdf")


def forget_documents() -> None:
    """Empty the per-document caches (descriptions, rendered bodies); keep the
    dataset-wide ones (inventory, ontology documentation, contested facts), which a
    running server computes once per dataset version."""
    from kg import describe
    from web import linked_data
    with describe._cache_lock:
        for key in [k for k in describe._cache if k[2][0] in ("entity", "report", "claim", "graph", "term")]:
            del describe._cache[key]
    linked_data._bodies.clear()


def in_process(settings) -> list[dict]:
    from web.app import create_app
    client = create_app(settings).test_client()
    for warm_up in ("/id/serbia.html", "/ontology.html", "/dataset.ttl", "/sitemap.xml"):
        client.get(warm_up)
    rows = []
    for path in DOCUMENTS:
        for suffix in SUFFIXES:
            forget_documents()
            start = time.perf_counter()
            response = client.get(f"{path}.{suffix}")
            cold = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            client.get(f"{path}.{suffix}")
            warm = (time.perf_counter() - start) * 1000
            rows.append({"document": f"{path}.{suffix}", "status": response.status_code,
                         "bytes": len(response.data), "cold_ms": round(cold, 1), "warm_ms": round(warm, 2)})
    return rows


def over_http(settings, repeat: int) -> list[dict]:
    log = Path(tempfile.mkdtemp(prefix="ld-bench-")) / "server.log"
    server = start_dsr(settings, log)
    rows = []
    try:
        for label, path, accept in (("303 of an IRI", "/id/serbia", "text/turtle"),
                                    ("Turtle document (rendered)", "/id/serbia.ttl", None),
                                    ("HTML page (rendered)", "/id/serbia.html", None),
                                    ("404 with suggestions", "/id/serbija", "text/html")):
            for _ in range(4):                         # each worker renders once
                fetch(server.url + path, accept=accept)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                fetch(server.url + path, accept=accept)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            rows.append({"request": label, "path": path, "p50_ms": round(statistics.median(times), 2),
                         "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
                         "requests_per_s": round(1000 / statistics.mean(times), 1)})
    finally:
        server.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="use dist/ as it is")
    parser.add_argument("--repeat", type=int, default=200, help="sequential requests per HTTP case")
    args = parser.parse_args()
    settings = load_settings()
    if not args.no_build:
        from kg.build import build
        build(settings, quiet=True)
    stats = json.loads((settings.dist / "stats.json").read_text())
    documents = in_process(settings)
    http = over_http(settings, args.repeat)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
               "load": os.getloadavg(), "triples": stats["triples"], "claims": stats["claims"],
               "entities": stats["entities"]}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [f"# Linked Data benchmark {stamp}", "",
             f"{stats['triples']:,} triples, {stats['entities']} entities, {stats['claims']} claims; "
             f"{machine['cpus']} CPUs, load {machine['load'][0]:.2f}.", "",
             "| document | bytes | cold ms | warm ms |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {r['document']} | {r['bytes']:,} | {r['cold_ms']} | {r['warm_ms']} |" for r in documents]
    lines += ["", "| over HTTP (dsr serve) | p50 ms | p99 ms | requests/s (1 client) |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {r['request']} `{r['path']}` | {r['p50_ms']} | {r['p99_ms']} | {r['requests_per_s']} |" for r in http]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"linked-data-{stamp}.md").write_text(text)
    (out / f"linked-data-{stamp}.json").write_text(json.dumps(
        {"machine": machine, "documents": documents, "http": http}, indent=2) + "\n")


if __name__ == "__main__":
    main()
