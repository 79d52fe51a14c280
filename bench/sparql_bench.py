"""SPARQL endpoint benchmark: our server versus ``oxigraph serve`` (and rdflib-endpoint
for the single-entity lookup) on the same data, same machine, same run.

    .venv/bin/python bench/sparql_bench.py [--duration 3] [--no-build] [--skip-rdflib]

Starts ``dsr serve`` (defaults: granian, 2 workers) over the built dataset and
``oxigraph serve --union-default-graph`` over the same N-Quads on loopback, then drives
both with wrk (Debian package ``wrk``): every canned query and a set of protocol
requests, one client, and the lookup also with 16 clients. Our server is measured
twice: "warm" (identical repeated requests, answered from the response cache that
the dataset version validates) and "cold" (``Cache-Control: no-cache`` on every
request: parse, plan, evaluate and serialise each time). Prints a table of p50, p99
and requests/s with the ratio to oxigraph, and writes bench/results/sparql-*.json
and .md. Not a test: numbers depend on the machine and its load (recorded too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.config import load_settings  # noqa: E402
from kg.namespaces import prefixes  # noqa: E402
from kg.queries import load_queries  # noqa: E402
from tests.servers import ServerProcess, free_port, oxigraph_binary, start_dsr  # noqa: E402

LOOKUP = "SELECT ?p ?o WHERE { id:serbia ?p ?o }"
JSON = "application/sparql-results+json"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, connections: int, duration: float, headers: dict[str, str],
        method: str = "GET", body: str | None = None) -> dict:
    """p50 and p99 latency (ms) and requests/s for one request, by wrk."""
    argv = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s"]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    script = None
    if method != "GET":
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f"wrk.method = {json.dumps(method)}\nwrk.body = {json.dumps(body or '')}\n")
        script.close()
        argv += ["-s", script.name]
    out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    if script:
        os.unlink(script.name)

    def latency(pct: str) -> float | None:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * _UNITS[m.group(2)] if m else None
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": latency("50"), "p99_ms": latency("99"), "rps": float(rps.group(1)) if rps else None,
            "non_2xx": int(errors.group(1)) if errors else 0}


def check(url: str, headers: dict, method: str = "GET", body: str | None = None) -> tuple[int, int]:
    """Status and size of one answer (so a table never hides an error)."""
    import urllib.request
    req = urllib.request.Request(url, data=body.encode() if body else None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def start_oxigraph(dataset: Path, workdir: Path) -> ServerProcess:
    binary = oxigraph_binary()
    if binary is None:
        sys.exit("oxigraph is not installed: pip install -e '.[test]'")
    location = workdir / "oxigraph"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(dataset)], check=True,
                   capture_output=True)
    port = free_port()
    return ServerProcess([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                          "--union-default-graph"], port, "/query?query=ASK%7B%7D", workdir / "oxigraph.log")


def start_rdflib_endpoint(dataset: Path, workdir: Path) -> ServerProcess | None:
    binary = Path(sys.executable).with_name("rdflib-endpoint")
    if not binary.exists():
        return None
    port = free_port()
    return ServerProcess([str(binary), "serve", str(dataset), "--host", "127.0.0.1", "--port", str(port)],
                         port, "/?query=ASK%7B%7D", workdir / "rdflib-endpoint.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk run")
    parser.add_argument("--no-build", action="store_true", help="benchmark dist/ as it is")
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument("--queries", nargs="*", help="only these canned queries")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    settings = load_settings()
    if not args.no_build:
        from kg.build import build
        build(settings, quiet=True)
    dataset = settings.dist / "dataset.nq"
    pfx = prefixes(settings.base)
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in pfx.items())
    workdir = Path(tempfile.mkdtemp(prefix="sparql-bench-"))
    servers = []
    try:
        ours = start_dsr(settings, workdir / "dsr.log")
        servers.append(ours)
        oxi = start_oxigraph(dataset, workdir)
        servers.append(oxi)
        rdflib_ep = None if args.skip_rdflib else start_rdflib_endpoint(dataset, workdir)
        if rdflib_ep:
            servers.append(rdflib_ep)
        rows = []

        def measure(label: str, our_url: str, oxi_url: str | None, *, method="GET", body=None, our_body=None,
                    headers=None, connections=1, rdflib_url: str | None = None):
            headers = headers or {"Accept": JSON}
            row = {"request": label, "clients": connections}
            for mode, url, extra, b in (("warm", our_url, {}, our_body or body),
                                        ("cold", our_url, {"Cache-Control": "no-cache"}, our_body or body),
                                        ("oxigraph", oxi_url, {}, body),
                                        ("rdflib-endpoint", rdflib_url, {}, body)):
                if url is None:
                    continue
                status, size = check(url, {**headers, **extra}, method, b)
                result = wrk(url, connections=connections, duration=args.duration, headers={**headers, **extra},
                             method=method, body=b)
                result.update(status=status, bytes=size)
                row[mode] = result
            rows.append(row)
            print(_line(row), flush=True)

        canned = load_queries(settings.queries_dir)
        names = args.queries or sorted(canned)
        print(f"{'request':34} {'c':>2} | {'warm p50':>9} {'cold p50':>9} {'oxi p50':>9} | "
              f"{'cold/oxi':>8} | {'warm rps':>9} {'cold rps':>9} {'oxi rps':>9}")
        for name in names:
            q = canned[name]
            text = q.render(q.bindings({}, settings.base))
            measure(f"/queries/{name}", f"{ours.url}/queries/{name}",
                    f"{oxi.url}/query?" + urllib.parse.urlencode({"query": prologue + text}))
        lookup_ours = f"{ours.url}/sparql?" + urllib.parse.urlencode({"query": LOOKUP})
        lookup_full = LOOKUP.replace("id:serbia", f"<{settings.base}id/serbia>")
        lookup_oxi = f"{oxi.url}/query?" + urllib.parse.urlencode({"query": lookup_full})
        lookup_rdflib = f"{rdflib_ep.url}/?" + urllib.parse.urlencode({"query": lookup_full}) if rdflib_ep else None
        for c in (1, 16):
            measure("lookup GET /sparql", lookup_ours, lookup_oxi, connections=c, rdflib_url=lookup_rdflib)
        form = urllib.parse.urlencode({"query": LOOKUP})
        form_oxi = urllib.parse.urlencode({"query": lookup_full})
        measure("lookup POST form", f"{ours.url}/sparql", f"{oxi.url}/query", method="POST", body=form_oxi,
                our_body=form, headers={"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"})
        measure("lookup POST sparql-query", f"{ours.url}/sparql", f"{oxi.url}/query", method="POST",
                body=lookup_full, our_body=LOOKUP,
                headers={"Accept": JSON, "Content-Type": "application/sparql-query"})
        for label, query, accept in (
                ("lookup as CSV", LOOKUP, "text/csv"),
                ("lookup as XML", LOOKUP, "application/sparql-results+xml"),
                ("ASK", "ASK { id:serbia ?p ?o }", JSON),
                ("CONSTRUCT as Turtle", "CONSTRUCT { id:serbia ?p ?o } WHERE { id:serbia ?p ?o }", "text/turtle"),
                ("count all triples", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON),
                ("count per class", "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)", JSON)):
            full = prologue + query
            measure(label, f"{ours.url}/sparql?" + urllib.parse.urlencode({"query": query}),
                    f"{oxi.url}/query?" + urllib.parse.urlencode({"query": full}), headers={"Accept": accept})
        write_results(rows, settings, args)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _fmt(v, unit=""):
    return "-" if v is None else (f"{v:.2f}{unit}" if unit == "ms" else f"{v:,.0f}")


def _ratio(a, b):
    return None if not a or not b else a / b


def _line(row: dict) -> str:
    w, c, o = row.get("warm", {}), row.get("cold", {}), row.get("oxigraph", {})
    ratio = _ratio(c.get("p50_ms"), o.get("p50_ms"))
    flag = "" if all(m.get("status", 200) == 200 for m in (w, c, o) if m) else \
        "  (status " + "/".join(str(m.get("status")) for m in (w, c, o) if m) + ")"
    return (f"{row['request'][:34]:34} {row['clients']:>2} | {_fmt(w.get('p50_ms'), 'ms'):>9} "
            f"{_fmt(c.get('p50_ms'), 'ms'):>9} {_fmt(o.get('p50_ms'), 'ms'):>9} | "
            f"{(f'{ratio:.2f}x' if ratio else '-'):>8} | {_fmt(w.get('rps')):>9} {_fmt(c.get('rps')):>9} "
            f"{_fmt(o.get('rps')):>9}{flag}")


def write_results(rows: list[dict], settings, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    quads = sum(1 for _ in open(settings.dist / "dataset.nq", "rb"))
    meta = {"when": stamp, "machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": platform.python_version(),
            "load_average_at_end": os.getloadavg(), "quads": quads, "duration_s": args.duration,
            "ours": "dsr serve (granian, 2 workers, 2 query processes each)",
            "oxigraph": "oxigraph serve --union-default-graph (RocksDB in a temp dir)"}
    (out / f"sparql-{stamp}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    lines = [f"# SPARQL benchmark {stamp}", "",
             f"{quads:,} quads; {meta['machine']}; load average at end {meta['load_average_at_end'][0]:.1f}; "
             f"wrk {args.duration:g} s per cell.", "",
             "| request | clients | ours warm p50 | ours cold p50 | oxigraph p50 | cold/oxigraph | "
             "ours warm req/s | ours cold req/s | oxigraph req/s | rdflib-endpoint p50 / req/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        w, c, o, r = (row.get(k, {}) for k in ("warm", "cold", "oxigraph", "rdflib-endpoint"))
        ratio = _ratio(c.get("p50_ms"), o.get("p50_ms"))
        statuses = {m.get("status") for m in (w, c, o) if m}
        note = "" if statuses == {200} else f" (HTTP {'/'.join(str(s) for s in sorted(statuses))})"
        lines.append(f"| {row['request']}{note} | {row['clients']} | {_fmt(w.get('p50_ms'), 'ms')} | "
                     f"{_fmt(c.get('p50_ms'), 'ms')} | {_fmt(o.get('p50_ms'), 'ms')} | "
                     f"{f'{ratio:.2f}x' if ratio else '-'} | {_fmt(w.get('rps'))} | {_fmt(c.get('rps'))} | "
                     f"{_fmt(o.get('rps'))} | "
                     + (f"{_fmt(r.get('p50_ms'), 'ms')} / {_fmt(r.get('rps'))}" if r else "") + " |")
    (out / f"sparql-{stamp}.md").write_text("\n".join(lines) + "\n")
    print(f"\nwritten: bench/results/sparql-{stamp}.json and .md")


if __name__ == "__main__":
    main()
