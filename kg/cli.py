"""The ``dsr`` command line: build, query, stats, validate, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import load_settings
from .errors import KGError, ValidationFailed


def _settings(ctx) -> "object":
    return ctx.obj["settings"]


@click.group()
@click.option("--base", default=None, help="Base IRI of the graph (default https://w3id.org/dsr-balkans/ or $DSR_BASE).")
@click.option("--dist", type=click.Path(path_type=Path), default=None, help="Output directory of the build (default dist/ or $DSR_DIST).")
@click.version_option(package_name="dsr-balkans")
@click.pass_context
def main(ctx, base, dist):
    """Digital Silk Road in the Western Balkans: knowledge-graph tools."""
    try:
        ctx.obj = {"settings": load_settings(base=base, dist=dist)}
    except ValueError as exc:
        raise click.UsageError(str(exc))


@main.command()
@click.option("--force", is_flag=True, help="Rebuild even if dist/ matches the inputs.")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@click.option("--reasoner", type=click.Choice(["compiled", "reasonable", "owlrl"]), default=None,
              help="OWL 2 RL engine: compiled (default: the ontology's axioms compiled into tables, "
                   "fastest), reasonable (Rust, any OWL 2 RL ontology) or owlrl (the pure-Python "
                   "reference). All three infer the same triples (tested).")
@click.pass_context
def build(ctx, force, quiet, reasoner):
    """Validate, reason and write the dataset to dist/."""
    from .build import build as run_build
    settings = _settings(ctx)
    if reasoner:
        settings = settings.with_(reasoner=reasoner)
    try:
        result = run_build(settings, quiet=quiet, force=force)
    except ValidationFailed as exc:
        click.echo(exc.report.to_text(warnings=False), err=True)
        click.echo("Build failed: fix the violations above (file:line, node, message) and run `dsr build` again.", err=True)
        sys.exit(1)
    except KGError as exc:
        click.echo(f"Build failed: {exc}", err=True)
        sys.exit(1)
    if not quiet and not result.cached:
        from .stats import read_stats
        stats = read_stats(settings.dist)
        click.echo(f"Built {settings.dist}: {stats['triples']:,} triples in {len(stats['graphs'])} graphs, "
                   f"{stats['entities']} entities, {stats['claims']} claims, "
                   f"{stats['contestedFacts']} contested fact(s).", err=True)


def _ensure_built(settings) -> None:
    from .build import build as run_build
    try:
        run_build(settings, quiet=True)
    except ValidationFailed as exc:
        click.echo(exc.report.to_text(warnings=False), err=True)
        click.echo("The graph does not build; fix the violations above first.", err=True)
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table", show_default=True)
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="Value of a canned query's parameter (repeatable).")
@click.option("--asserted-only", is_flag=True, help="Leave the OWL-RL inferences out of the default graph.")
@click.pass_context
def query(ctx, query, fmt, param, asserted_only):
    """Run QUERY (a .rq file or the name of a canned query) over the built dataset."""
    from .output import render
    from .queries import ParameterError, load_queries, parse_query_file
    from .store import GraphStore
    settings = _settings(ctx)
    canned = load_queries(settings.queries_dir)
    path = Path(query)
    if path.suffix == ".rq" and path.exists():
        cq = parse_query_file(path) if _has_title(path) else None
        text = path.read_text(encoding="utf-8")
    elif query in canned:
        cq = canned[query]
        text = cq.text
    else:
        raise click.BadParameter(f"{query!r} is neither a .rq file nor a canned query. "
                                 f"Canned queries: {', '.join(sorted(canned))}", param_hint="QUERY")
    args = {}
    for item in param:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write NAME=VALUE", param_hint="--param")
        args[name] = value
    try:
        text = cq.render(cq.bindings(args, settings.base)) if cq else text
    except ParameterError as exc:
        raise click.BadParameter(str(exc), param_hint="--param")
    if args and not cq:
        raise click.BadParameter("this query file declares no parameters", param_hint="--param")
    _ensure_built(settings)
    store = GraphStore(settings)
    try:
        results = store.query(text, asserted_only=asserted_only)
        click.echo(render(results, fmt, store.prefixes), nl=False)
    except SyntaxError as exc:
        click.echo(f"SPARQL syntax error in {query}: {exc}", err=True)
        sys.exit(2)
    except (RuntimeError, OSError) as exc:
        click.echo(f"Query {query} failed: {exc}", err=True)
        sys.exit(2)


def _has_title(path: Path) -> bool:
    return any(line.startswith("# title:") for line in path.read_text(encoding="utf-8").splitlines()[:5])


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("--update-readme", is_flag=True, help="Rewrite the coverage table in README.md from these numbers.")
@click.pass_context
def stats(ctx, fmt, update_readme):
    """Triples per graph, instances per class, and coverage per report."""
    from .stats import coverage_markdown, read_stats, update_readme_table
    settings = _settings(ctx)
    _ensure_built(settings)
    data = read_stats(settings.dist)
    if update_readme:
        update_readme_table(settings.root / "README.md", coverage_markdown(data))
        click.echo("README.md coverage table updated.", err=True)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo(coverage_markdown(data))
        return
    from rich.console import Console
    from rich.table import Table
    console = Console()
    t = Table("graph", "triples", title=f"{data['triples']:,} triples")
    for g, n in data["graphs"].items():
        t.add_row(g, f"{n:,}")
    console.print(t)
    t = Table("class", "instances (incl. inferred)")
    for c, n in data["classes"].items():
        t.add_row(c, str(n))
    console.print(t)
    t = Table("report", "claims", "facts", "entities", "shared facts", "contested", title="Coverage per report")
    for r in data["reports"]:
        t.add_row(r["label"], str(r["claims"]), str(r["facts"]), str(r["entities"]),
                  str(r["sharedFacts"]), str(r["contested"]))
    console.print(t)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, files, fmt):
    """Check new RDF FILES against ontology, shapes and the current graph.

    Exit code 0: clean (warnings allowed); 1: violations; 2: unusable input."""
    from .curation import check_files
    settings = _settings(ctx)
    try:
        report = check_files(list(files), settings)
    except KGError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    out = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(out)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all interfaces).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Server worker processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Request threads per worker.")
@click.option("--base", "serve_base", default=None, help="Base IRI of the graph (same as `dsr --base`).")
@click.option("--store", "store_url", default=None, metavar="URL",
              help="Answer every query from this external SPARQL endpoint (e.g. http://127.0.0.1:7878/query) "
                   "instead of the embedded store; load it first with `dsr push`.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, help="Time limit per query in seconds [10].")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, help="Most result rows or triples [10000].")
@click.option("--max-query-length", type=click.IntRange(min=1), default=None, help="Longest query text [20000].")
@click.option("--max-body", type=click.IntRange(min=1), default=None, help="Largest request body in bytes [65536].")
@click.option("--executors", type=click.IntRange(1, 64), default=None, help="Query processes per worker [2].")
@click.option("--executor-memory", type=click.IntRange(min=64), default=None, help="Memory limit per query process in MiB [2048].")
@click.option("--write-token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Accept writes (/update, /store) from clients that send this file's token as "
                   "'Authorization: Bearer <token>' (or set DSR_WRITE_TOKEN). Without a token writes are off.")
@click.option("--server", type=click.Choice(["granian", "gunicorn"]), default="granian", show_default=True)
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option("--no-build", is_flag=True, help="Serve dist/ as it is, without checking that it is up to date.")
@click.pass_context
def serve(ctx, host, port, workers, threads, serve_base, store_url, timeout, max_rows, max_query_length,
          max_body, executors, executor_memory, write_token_file, server, access_log, no_build):
    """Build if needed and serve the graph over HTTP with a production server.

    SPARQL 1.1 endpoint at /sparql, canned queries at /queries, Linked Data and pages.
    Limits can also be set by environment variables (DSR_QUERY_TIMEOUT, DSR_MAX_ROWS, ...)."""
    from .limits import load_limits
    from web.server import ServerOptions, serve as run_server
    settings = _settings(ctx)
    if serve_base:
        if not serve_base.endswith("/") or ":" not in serve_base:
            raise click.BadParameter(f"the base IRI must be absolute and end with '/': {serve_base!r}",
                                     param_hint="--base")
        settings = settings.with_(base=serve_base)
    try:
        limits = load_limits(timeout=timeout, max_rows=max_rows, max_query_length=max_query_length,
                             max_body=max_body, executors=executors, executor_memory_mb=executor_memory)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    if write_token_file is not None:
        if not write_token_file.read_text(encoding="utf-8").strip():
            raise click.BadParameter(f"{write_token_file} is empty", param_hint="--write-token-file")
        os.environ["DSR_WRITE_TOKEN_FILE"] = str(write_token_file.resolve())
    if not no_build:
        _ensure_built(settings)
    elif not (settings.dist / "dataset.nq").exists() and not store_url:
        raise click.UsageError(f"{settings.dist / 'dataset.nq'} does not exist: run `dsr build` first")
    if store_url:
        from .remote import RemoteBackend
        try:
            RemoteBackend(settings, store_url, limits)
        except (ValueError, Exception) as exc:  # noqa: BLE001 - say why the store cannot be used
            raise click.BadParameter(str(getattr(exc, "message", exc)), param_hint="--store")
    where = f"external store {store_url}" if store_url else f"{settings.dist / 'dataset.nq'}"
    click.echo(f"Serving {where} on http://{host}:{port}/ ({server}, {workers} worker(s); "
               f"SPARQL at /sparql; Ctrl-C to stop)", err=True)
    run_server(settings, limits, ServerOptions(host, port, workers, threads, server, access_log), store_url)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint (oxigraph serve: http://HOST:PORT/store), or with "
                   "--protocol update a SPARQL Update endpoint (http://HOST:PORT/update).")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, help="Seconds per request.")
@click.option("--no-build", is_flag=True, help="Push dist/ as it is, without checking that it is up to date.")
@click.pass_context
def push(ctx, endpoint, protocol, timeout, no_build):
    """Build if needed and load every named graph into an external SPARQL store.

    Each graph of the dataset replaces the graph of the same name in the store."""
    from .dataset_io import DATASET_NQ
    from .remote import push as run_push
    settings = _settings(ctx)
    if not no_build:
        _ensure_built(settings)
    elif not (settings.dist / DATASET_NQ).exists():
        raise click.UsageError(f"{settings.dist / DATASET_NQ} does not exist: run `dsr build` first")
    try:
        counts = run_push(settings.dist / DATASET_NQ, endpoint, protocol=protocol, timeout=timeout,
                          progress=lambda g, n: click.echo(f"  {g}: {n:,} triples", err=True))
    except (ConnectionError, ValueError) as exc:
        click.echo(f"Push failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Pushed {sum(counts.values()):,} triples in {len(counts)} graphs to {endpoint}.", err=True)


if __name__ == "__main__":
    main()
