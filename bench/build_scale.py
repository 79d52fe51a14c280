"""Build benchmark: the pipeline's time and peak memory on synthetic graphs of growing size.

    .venv/bin/python bench/build_scale.py [--sizes 10k,100k,1M] [--stages parse,reason,...]
                                          [--work /tmp/dsr-build-scale] [--mem-cap 20]
                                          [--readme README.md]

For each size, bench/synthetic.py writes a project shaped like ours (real ontology and
shapes, claims with quotes that occur in synthetic report texts) and every stage runs
in a fresh Python process, so its peak memory (the child's ru_maxrss, via wait4) is its
own:

  parse        load_inputs: ontology, shapes and triples/ into rdflib
  reason       OWL 2 RL closure with the compiled rules (the build's default)
  reasonable   the same with reasonable (Rust, general OWL 2 RL), for comparison
  owlrl        the same with owlrl, the reference (10k and 100k only; time-capped)
  validate     SHACL validation (pySHACL core shapes + SPARQL constraints on Oxigraph)
  write        writing dist/ (N-Quads, TriG, JSON-LD, statistics)
  build        the whole `dsr build --force`, as a user runs it
  store        loading dist/dataset.nq into the embedded Oxigraph store
  queries      three canned queries from queries/ on that store
  incremental  validating a 50-triple curator change (kg.incremental) against the graph

A stage's process first runs what the stage needs (untimed): reason and write need
parse and the claim partition, validate also the closure; so "peak" is the memory of a
process that runs the pipeline up to and including that stage, and "+peak" what the
stage itself added to it. Prints a table and writes bench/results/build_scale.json and
.md. Not a test: timings depend on the machine and its load (recorded too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("parse", "reason", "reasonable", "owlrl", "validate", "write", "build", "store", "queries", "incremental")
OWLRL_SIZES = 100_000            # owlrl only up to this size (1M did not finish in 10 minutes)
QUERIES = ("contested-facts", "facts-with-sources", "timeline")


# ---------------------------------------------------------------------------------
# Children: one stage each
# ---------------------------------------------------------------------------------

def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _settings(root: Path, dist: Path):
    from kg.config import load_settings
    return load_settings().with_(root=root, dist=dist)


def _prepare(settings, upto: str):
    """Run the pipeline up to (not including) a stage; returns what that stage needs."""
    from kg.claims import partition
    from kg.loading import load_inputs
    from kg.reasoning import infer
    inputs = load_inputs(settings)
    if upto == "parse":
        return inputs, None, None
    part = partition(inputs.triples, settings)
    graphs = dict(part.graphs)
    graphs[settings.graph_iri("ontology")] = inputs.ontology
    if upto in ("reason", "reasonable", "owlrl"):
        return inputs, graphs, None
    asserted = [g for _, g in sorted(graphs.items())]
    inferred, _ = infer(asserted, settings.base, settings.reasoner)
    graphs[settings.graph_iri("inferred")] = inferred
    return inputs, graphs, inferred


def child(stage: str, root: Path, dist: Path) -> dict:
    settings = _settings(root, dist)
    extra: dict = {}
    if stage not in ("store", "queries", "incremental"):
        import gc
        gc.disable()            # as `dsr build` runs (kg.gc_pause); a server keeps it on
    if stage in ("reason", "reasonable", "owlrl", "validate", "write", "incremental"):
        inputs, graphs, inferred = _prepare(settings, "parse" if stage == "incremental" else stage)
    before = _maxrss_kib()
    start = time.perf_counter()
    if stage == "parse":
        from kg.loading import load_inputs
        inputs = load_inputs(settings)
        extra["curated_triples"] = len(inputs.triples)
    elif stage in ("reason", "reasonable", "owlrl"):
        from kg.reasoning import infer
        asserted = [g for _, g in sorted(graphs.items())]
        extra["asserted_triples"] = sum(len(g) for g in asserted)
        result, errors = infer(asserted, settings.base, settings.reasoner if stage == "reason" else stage)
        extra["inferred_triples"] = len(result)
        extra["inconsistencies"] = len(errors)
    elif stage == "validate":
        from kg.validation import validate
        data = [g for iri, g in sorted(graphs.items())
                if iri not in (settings.graph_iri("ontology"), settings.graph_iri("inferred"))]
        report = validate(inputs.ontology, inputs.shapes, data, inferred, None)
        extra["violations"] = len(report.violations)
        extra["warnings"] = len(report.warnings)
    elif stage == "write":
        from kg.build import BuildResult, publish
        from kg.report import ValidationReport
        graphs[settings.graph_iri("shapes")] = inputs.shapes
        publish(BuildResult(graphs, ValidationReport(), "bench"), settings, "bench")
        extra["published_triples"] = sum(len(g) for g in graphs.values())
    elif stage in ("store", "queries"):
        from kg.store import GraphStore
        store = GraphStore(settings)
        extra["store_quads"] = len(store)
        if stage == "queries":
            extra.update(_queries(store, settings))
            return {"seconds": extra.pop("seconds"), "rss_before_kib": before,
                    "peak_kib": _maxrss_kib(), "extra": extra}
    elif stage == "incremental":
        extra.update(_incremental(inputs, settings))
        return {"seconds": extra.pop("seconds"), "rss_before_kib": before,
                "peak_kib": _maxrss_kib(), "extra": extra}
    else:
        raise ValueError(f"unknown stage {stage!r}")
    return {"seconds": time.perf_counter() - start, "rss_before_kib": before,
            "peak_kib": _maxrss_kib(), "extra": extra}


def _queries(store, settings) -> dict:
    """Three canned queries: an analytic join over all claims, a parameterised
    lookup of the busiest entity, and a property-path filter on the busiest country."""
    from kg.queries import load_queries
    hub = _one(store, "SELECT ?s (COUNT(*) AS ?n) WHERE { ?c rdf:subject ?s . ?s a dsr:Country } "
                      "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    queries = load_queries(settings.queries_dir)
    params = {"contested-facts": {}, "facts-with-sources": {"entity": hub},
              "timeline": {"country": hub}}
    out, total = {}, 0.0
    for name in QUERIES:
        q = queries[name]
        text = q.render(q.bindings({k: f"<{v}>" for k, v in params[name].items()}, settings.base))
        start = time.perf_counter()
        rows = sum(1 for _ in store.query(text))
        took = time.perf_counter() - start
        total += took
        out[name] = {"seconds": round(took, 4), "rows": rows}
    return {"seconds": total, "queries": out, "hub": hub}


def _one(store, sparql: str) -> str:
    for row in store.query(sparql):
        return row[0].value
    raise RuntimeError("the graph has no country with claims")


def _incremental(inputs, settings, changes: int = 5) -> dict:
    """Curator changes of 50 triples each (a new data centre and five claims about it and
    its neighbours: a property chain, an inverse, a symmetric property and
    sub-properties in play), applied one after the other to the whole graph; each timed
    as affected_nodes + validate_focus. The first change links the busiest entities of
    each kind (the worst case: their neighbourhoods are the largest), the others
    entities picked at random. Reports the median and the worst."""
    import random
    import statistics
    from rdflib import Graph
    from kg.incremental import affected_nodes, validate_focus
    from kg.namespaces import DSR, RDF
    t = inputs.triples
    base = settings.base
    rng = random.Random(0)

    def ranked(cls):
        members = sorted(t.subjects(RDF.type, cls))
        busiest = max(members[:400], key=lambda e: sum(1 for _ in t.triples((None, RDF.subject, e))))
        return [busiest] + rng.sample(members, changes - 1)
    report = f"<{sorted(t.subjects(RDF.type, DSR.Report))[0]}>"
    cities, countries = ranked(DSR.City), ranked(DSR.Country)
    vendors, operators = ranked(DSR.TechnologyVendor), ranked(DSR.TelecomOperator)

    def change(i: int) -> set:
        dc = f"<{base}id/bench-data-centre-{i}>"
        city, country, vendor, operator = (f"<{x[i]}>" for x in (cities, countries, vendors, operators))

        def claim(n, s, p, o, full=True):
            extra = ' dsr:section "Bench" ; dsr:note "1"^^xsd:positiveInteger ;' if full else ""
            return (f"<{base}claim/bench-{i}-{n}> a dsr:Claim ; rdf:subject {s} ; rdf:predicate {p} ; "
                    f"rdf:object {o} ; dsr:stance dsr:Affirmed ; dsr:certainty dsr:Stated ;{extra} "
                    f"dsr:source {report} ; dsr:quote \"a sentence long enough to be quoted\" .\n")
        text = ("@prefix dsr: <https://w3id.org/dsr-balkans/ontology#> .\n"
                "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                f"{dc} a dsr:DataCentre ; skos:prefLabel \"Bench data centre {i}\"@en .\n"
                + claim(1, dc, "dsr:locatedIn", city) + claim(2, dc, "dsr:operatedBy", operator)
                + claim(3, dc, "dsr:suppliedBy", vendor) + claim(4, country, "dsr:cooperatesWith", vendor)
                + claim(5, dc, "dsr:builtBy", vendor, full=False))
        return set(Graph().parse(data=text.replace("https://w3id.org/dsr-balkans/", base), format="turtle"))

    # A server validates many changes in one process: it reads the rules of the ontology
    # and shapes and imports pySHACL and the reasoner once; that first call is reported apart.
    warm = time.perf_counter()
    validate_focus(inputs.ontology, inputs.shapes, t, {next(iter(t.subjects(DSR.quote, None)))})
    warm = time.perf_counter() - warm
    runs = []
    for i in range(changes):
        added = change(i)
        for triple in added:
            t.add(triple)
        start = time.perf_counter()
        affected = affected_nodes(t, added, set(), ontology=inputs.ontology, shapes=inputs.shapes)
        mid = time.perf_counter()
        result = validate_focus(inputs.ontology, inputs.shapes, t, affected)
        end = time.perf_counter()
        runs.append({"seconds": round(end - start, 4), "triples": len(added), "affected_nodes": len(affected),
                     "affected_seconds": round(mid - start, 4), "validate_seconds": round(end - mid, 4),
                     "violations": len(result.violations)})
    times = [r["seconds"] for r in runs]
    return {"seconds": statistics.median(times), "worst_seconds": max(times),
            "busiest_seconds": times[0], "change_triples": runs[0]["triples"],
            "affected_nodes": runs[0]["affected_nodes"], "first_call_seconds": round(warm, 4),
            "violations": sum(r["violations"] for r in runs), "changes": runs}


# ---------------------------------------------------------------------------------
# Parent: run children, collect, print, write
# ---------------------------------------------------------------------------------

def run_child(argv: list[str], env: dict, timeout: float, mem_cap_gib: float | None) -> dict:
    """Run a child to completion (or its time limit); its own peak RSS comes from wait4."""
    def limits():
        os.setsid()
        if mem_cap_gib:
            cap = int(mem_cap_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=limits)
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    import threading
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    status, usage, timed_out = None, None, False
    while status is None:
        pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, usage = st, ru
            break
        if time.perf_counter() - start > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join(timeout=5)
    wall = time.perf_counter() - start
    out, err = "".join(out_chunks), "".join(err_chunks)
    result = {"wall_seconds": round(wall, 2), "child_peak_kib": usage.ru_maxrss if usage else None,
              "exit": proc.returncode}
    if timed_out:
        result["error"] = f"stopped after {timeout:.0f} s"
    elif proc.returncode != 0:
        tail = (err.strip().splitlines() or ["(no output)"])[-1]
        result["error"] = "MemoryError (memory cap)" if "MemoryError" in err else tail[:160]
    for line in out.splitlines():
        if line.startswith("RESULT "):
            result.update(json.loads(line[7:]))
    result["output"] = err
    return result


def measure_size(size: int, work: Path, stages: list[str], args) -> dict:
    from bench.synthetic import generate
    root = work / f"syn-{size}"
    dist = root / "dist"
    marker = root / "synthetic.json"
    if not marker.exists() or json.loads(marker.read_text()).get("requested") != size:
        print(f"generating {size:,} triples into {root} ...", flush=True)
        summary = generate(root, size).as_dict()
        summary["requested"] = size
        marker.write_text(json.dumps(summary, indent=2) + "\n")
    summary = json.loads(marker.read_text())
    env = dict(os.environ, DSR_ROOT=str(root), DSR_DIST=str(dist), PYTHONPATH=str(ROOT))
    results: dict = {"size": size, "synthetic": summary, "stages": {}}
    for stage in stages:
        if stage == "owlrl" and size > OWLRL_SIZES:
            results["stages"][stage] = {"skipped": f"owlrl is only run up to {OWLRL_SIZES:,} triples"}
            continue
        if stage in ("store", "queries") and not (dist / "dataset.nq").exists():
            results["stages"][stage] = {"skipped": "no dist/ (run write or build first)"}
            continue
        print(f"  {size:>9,}  {stage:<11} ...", end="", flush=True)
        timeout = args.owlrl_cap if stage == "owlrl" else args.timeout
        if stage == "build":
            argv = [str(Path(sys.executable).parent / "dsr"), "build", "--force"]
        else:
            argv = [sys.executable, str(Path(__file__).resolve()), "--child", stage,
                    "--root", str(root), "--dist", str(dist)]
        r = run_child(argv, env, timeout, args.mem_cap)
        output = r.pop("output", "")
        if stage == "build":
            r["seconds"] = r["wall_seconds"]
            r["peak_kib"] = r["child_peak_kib"]
            r["steps"] = _build_steps(output)
        if "error" in r:
            r["output_tail"] = output.strip().splitlines()[-8:]
        results["stages"][stage] = r
        print(" " + _cell(r), flush=True)
    return results


def _build_steps(text: str) -> dict:
    import re
    return {m.group(2): float(m.group(3))
            for m in re.finditer(r"\[(\d)/\d\] (.+?) \(([\d.]+)s\)", text)}


def _cell(r: dict) -> str:
    if "skipped" in r:
        return "not run"
    if "error" in r:
        return f"FAILED ({r['error']})"
    peak = r.get("peak_kib") or r.get("child_peak_kib")
    return f"{r['seconds']:.2f} s / {_gib(peak)}"


def _gib(kib) -> str:
    if not kib:
        return "?"
    return f"{kib / 2**20:.2f} GiB" if kib >= 2**20 else f"{kib / 1024:.0f} MiB"


def table(runs: list[dict], stages: list[str]) -> str:
    head = ["stage"] + [f"{r['size']:,} triples" for r in runs]
    rows = [head, ["---"] * len(head)]
    for stage in stages:
        row = [stage]
        for r in runs:
            row.append(_cell(r["stages"].get(stage, {"skipped": ""})))
        rows.append(row)
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def details(runs: list[dict]) -> str:
    out = []
    for r in runs:
        s = r["synthetic"]
        out.append(f"- **{r['size']:,}**: {s['triples']:,} curated triples, {s['entities']:,} entities, "
                   f"{s['claims']:,} claims, {s['reports']} reports ({s['source_bytes'] / 1e6:.1f} MB of text)")
        st = r["stages"]
        for name, fields in (("reason", ("asserted_triples", "inferred_triples")),
                             ("reasonable", ("inferred_triples",)),
                             ("owlrl", ("inferred_triples",)),
                             ("validate", ("violations", "warnings")),
                             ("write", ("published_triples",)),
                             ("incremental", ("change_triples", "busiest_seconds", "worst_seconds",
                                              "affected_nodes", "violations", "first_call_seconds"))):
            x = st.get(name, {}).get("extra") or {}
            if x:
                out.append(f"  - {name}: " + ", ".join(f"{f.replace('_', ' ')} {x[f]:,}" if isinstance(x.get(f), int)
                                                       else f"{f.replace('_', ' ')} {x.get(f)}" for f in fields))
        q = (st.get("queries", {}).get("extra") or {}).get("queries")
        if q:
            out.append("  - queries: " + ", ".join(f"{k} {v['seconds'] * 1000:.0f} ms ({v['rows']:,} rows)"
                                                 for k, v in q.items()))
        b = st.get("build", {}).get("steps")
        if b:
            out.append("  - build steps: " + ", ".join(f"{k.split(' (')[0]} {v:.1f} s" for k, v in b.items()))
    return "\n".join(out)


def replace_between_markers(path: Path, table_text: str) -> None:
    """Put ``table_text`` between the build-scale markers of ``path`` (a README)."""
    start, end = "<!-- build-scale:start -->", "<!-- build-scale:end -->"
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{path}: no {start} ... {end} markers to put the table between")
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table_text}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated: 10k,100k,1M")
    ap.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    ap.add_argument("--work", type=Path, default=Path("/tmp/dsr-build-scale"), help="where the synthetic projects go")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per stage")
    ap.add_argument("--owlrl-cap", type=float, default=600, help="seconds allowed for owlrl")
    ap.add_argument("--mem-cap", type=float, default=20, help="GiB of address space per stage (0: none)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--readme", type=Path, help="also put the table into this file, between "
                    "<!-- build-scale:start --> and <!-- build-scale:end --> (e.g. README.md)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--dist", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        result = child(args.child, args.root, args.dist)
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    from bench.synthetic import _size
    sizes = [_size(x) for x in args.sizes.split(",") if x.strip()]
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage(s) {sorted(unknown)}; choose from {', '.join(STAGES)}")
    stages = [s for s in STAGES if s in stages]      # pipeline order
    args.work.mkdir(parents=True, exist_ok=True)
    runs = []
    started = datetime.now(timezone.utc)
    for size in sizes:
        runs.append(measure_size(size, args.work, stages, args))
    text = table(runs, stages)
    info = {"date": started.isoformat(timespec="seconds"), "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "load_average_at_end": os.getloadavg(), "mem_cap_gib": args.mem_cap}
    md = (f"# Build scale benchmark\n\n{info['date']}, {info['machine']}, Python {info['python']}, "
          f"load average at the end {info['load_average_at_end'][0]:.2f}. Cells: time / peak RSS of the "
          f"stage's process.\n\n{text}\n\n{details(runs)}\n")
    print()
    print(text)
    print()
    print(details(runs))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "build_scale.md").write_text(md)
    (args.out / "build_scale.json").write_text(json.dumps({"info": info, "runs": runs}, indent=2) + "\n")
    print(f"\nwrote {args.out / 'build_scale.md'} and .json")
    if args.readme:
        replace_between_markers(args.readme, text)
        print(f"updated the table in {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
