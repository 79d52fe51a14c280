"""``dsr build``: curated Turtle in, validated and reasoned dataset out (``dist/``).

Steps: load -> partition claims into report graphs (checking quotes) -> OWL-RL
closure -> SHACL validation -> write TriG/N-Quads and statistics. Any violation or
inconsistency stops the build before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import __version__
from .claims import partition
from .config import Settings
from .dataset_io import DATASET_NQ, DATASET_TRIG
from .errors import ValidationFailed
from .gc_pause import cyclic_gc_paused
from .loading import Inputs, input_files, load_inputs
from .namespaces import DSR
from .progress import Steps
from .reasoning import infer
from .report import Problem, ValidationReport
from .validation import validate

BUILD_INFO = "build-info.json"


@dataclass
class BuildResult:
    graphs: dict[str, Graph]
    report: ValidationReport
    fingerprint: str
    cached: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def quote_problems(part, locator) -> list[Problem]:
    out = []
    for qp in part.quote_problems:
        loc = locator.locate(qp.claim) if locator else None
        out.append(Problem("Violation", str(qp.claim), qp.message, path=str(DSR.quote),
                           location=str(loc) if loc else None, kind="quote"))
    return out


def inconsistency_problems(errors: list[str]) -> list[Problem]:
    return [Problem("Violation", "(graph)", f"OWL-RL inconsistency: {e}. Check the rdf:type of "
                    "the nodes named and the domain/range of the properties used on them: "
                    "disjoint classes cannot share members.", kind="owl") for e in errors]


def assemble(inputs: Inputs, settings: Settings, steps: Steps, focus: set | None = None,
             release: bool = False) -> BuildResult:
    """Everything but writing: partition, reason, validate. With ``focus`` (the nodes a
    change can affect, kg.incremental.affected_nodes) SHACL validates only those nodes.
    ``release``: drop ``inputs.triples`` once partitioned (the report graphs hold the
    same triples; a full build needs no second copy, which at 1M triples is ~0.3 GB)."""
    with steps.step("Partitioning claims into report graphs and checking quotes"):
        part = partition(inputs.triples, settings)
        graphs = dict(part.graphs)
        graphs[settings.graph_iri("ontology")] = inputs.ontology
        if release and focus is None:
            inputs.triples = None
    asserted = [g for iri, g in sorted(graphs.items())]
    with steps.step(f"OWL-RL reasoning ({settings.reasoner}) over {sum(len(g) for g in asserted):,} asserted triples"):
        inferred, errors = infer(asserted, settings.base, settings.reasoner)
        graphs[settings.graph_iri("inferred")] = inferred
    with steps.step("SHACL validation"):
        data_graphs = [g for iri, g in sorted(graphs.items())
                       if iri not in (settings.graph_iri("ontology"), settings.graph_iri("inferred"))]
        if focus is None:
            report = validate(inputs.ontology, inputs.shapes, data_graphs, inferred, inputs.locator)
        else:
            from .incremental import validate_focus
            report = validate_focus(inputs.ontology, inputs.shapes, inputs.triples, focus, inferred,
                                    inputs.locator, base=settings.base, engine=settings.reasoner)
        report.extend(quote_problems(part, inputs.locator))
        report.extend(inconsistency_problems(errors))
    graphs[settings.graph_iri("shapes")] = inputs.shapes
    return BuildResult(graphs, report, fingerprint="", timings=steps.timings)


def build(settings: Settings, quiet: bool = False, force: bool = False) -> BuildResult:
    """Build ``dist/`` from the checkout; raises ValidationFailed on any violation."""
    steps = Steps(total=5, quiet=quiet)
    fingerprint = cache_key(settings)
    info_path = settings.dist / BUILD_INFO
    if not force and _is_current(info_path, fingerprint, settings.dist):
        steps.note(f"Up to date: {settings.dist} matches the inputs (use --force to rebuild).")
        return BuildResult({}, ValidationReport(), fingerprint, cached=True, timings=steps.timings)
    with cyclic_gc_paused():
        with steps.step("Loading ontology, shapes and triples"):
            inputs = load_inputs(settings)
        result = assemble(inputs, settings, steps, release=True)
        result.fingerprint = fingerprint
        if not result.report.conforms:
            raise ValidationFailed(result.report)
        with steps.step(f"Writing {settings.dist}"):
            publish(result, settings, fingerprint)
    if result.report.warnings:
        steps.note(f"{len(result.report.warnings)} warning(s); see `dsr validate` for details.")
    return result


def publish(result: BuildResult, settings: Settings, fingerprint: str,
            before_commit: "Callable[[], None] | None" = None) -> None:
    """Write ``dist/`` from an assembled, valid result; build-info.json goes last, so a
    ``dist/`` whose build-info matches the inputs is complete. ``before_commit`` runs
    just before that (an external store is loaded there)."""
    from .dataset_io import write_nquads, write_trig
    from .dumps import write_jsonld
    from .stats import StatsWorker, write_stats
    with StatsWorker(settings) as stats:     # on another thread, overlapping the writing
        checksums = write_nquads(result.graphs, settings.dist, stats.add)
        stats.start(settings.dist)
        checksums.update(write_trig(settings.dist, settings.base))
        checksums.update(write_jsonld(settings.dist, settings.base))
        write_stats(stats.result(), settings.dist)
    info = {"fingerprint": fingerprint, "version": __version__, "base": settings.base,
            "files": checksums,
            "graphs": {iri: len(g) for iri, g in sorted(result.graphs.items())}}
    if before_commit is not None:
        before_commit()
    tmp = settings.dist / (BUILD_INFO + ".tmp")
    tmp.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    tmp.replace(settings.dist / BUILD_INFO)


def is_current(settings: Settings) -> bool:
    """Whether ``dist/`` was built from exactly the current inputs (and change log)."""
    return _is_current(settings.dist / BUILD_INFO, cache_key(settings), settings.dist)


def cache_key(settings: Settings) -> str:
    """Content hash of everything a build reads (inputs, report texts, canned queries,
    the pipeline's own code, base IRI): equal keys mean an identical dist/."""
    import hashlib
    onto, shapes, triples = input_files(settings)
    h = hashlib.sha256()
    from .changelog import change_files
    changes = change_files(settings.triples_dir)
    for path in onto + shapes + triples + changes + sorted(settings.queries_dir.glob("*.rq")):
        h.update(str(path.relative_to(settings.root)).encode())
        h.update(path.read_bytes())
    h.update(settings.base.encode())
    h.update(settings.reasoner.encode())
    h.update(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    for path in sorted(settings.sources_dir.glob("*.txt")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _is_current(info_path: Path, fingerprint: str, dist: Path) -> bool:
    if not info_path.exists() or not (dist / DATASET_NQ).exists() or not (dist / DATASET_TRIG).exists():
        return False
    try:
        return json.loads(info_path.read_text()).get("fingerprint") == fingerprint
    except (OSError, ValueError):
        return False
