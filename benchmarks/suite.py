"""The benchmark sections, run side by side for one scale.

Each section measures ipgraph's way of doing something (engine ``ipgraph``) and,
in the same run, the baselines: rdflib's default store and parser, pySHACL on
rdflib, and the Oxigraph server over HTTP.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ipgraph.progress import Progress

from . import generate, store
from .measure import TIMED_OUT, Figure, Timer, child_peak_rss, failed, forked, measured, wall_time
from .server import OxigraphServer, executable
from .worker import QueryWorker

VOCAB_TRIPLES_HINT = 310  # curated vocabularies merged into every graph
CALIBRATION = (10, 40)  # documents built to learn how many triples one adds


@dataclass
class Scale:
    """One scale of the suite and the files generated for it."""

    target: int  # triples asked for
    folder: Path
    seed: int = 0
    documents: int = 0
    triples: int = 0
    sources: list[Path] = field(default_factory=list)

    @property
    def nt(self) -> Path:
        return self.folder / "graph.nt"

    @property
    def ttl(self) -> Path:
        return self.folder / "graph.ttl"


def build_without_title_links(documents):
    """``ipgraph.graph.build.build_graph`` without its cross-document steps (title links, instrument
    tags, series and task alignment).

    The suite measures the title links on their own, up to ``Limits.title_links``, and leaves the
    cross-document triples out of the graphs it measures, so that its scales stay comparable with
    earlier runs; ``python -m benchmarks.crossdoc`` measures the whole build with them."""
    from ipgraph.graph.build import GraphBuilder

    builder = GraphBuilder()
    for doc in documents:
        builder.add(doc)
    return builder.graph


def documents_for(target: int, seed: int) -> int:
    """How many synthetic documents make about ``target`` triples.

    Calibrated on 10 and 40 documents: what one more document adds is less than the average
    over the first ten, as the policies and bodies they cite are shared."""
    from ipgraph.ingest.formats import SourceText
    from ipgraph.ingest.layouts import parse as parse_layout

    texts = generate.documents(CALIBRATION[1], seed)
    docs = [parse_layout(SourceText.plain(f"calibration-{i}.txt", t)) for i, t in enumerate(texts)]
    few, many = (len(build_without_title_links(docs[:n])) for n in CALIBRATION)
    if target <= few:
        return max(1, math.ceil((target - VOCAB_TRIPLES_HINT) / ((few - VOCAB_TRIPLES_HINT) / CALIBRATION[0])))
    per_document = (many - few) / (CALIBRATION[1] - CALIBRATION[0])
    return CALIBRATION[0] + math.ceil((target - few) / per_document)


def sample_params(query) -> dict[str, str]:
    """Values for required parameters: the first example their header gives, as ``ipgraph check`` uses."""
    from ipgraph.cli.check import example_params

    return example_params(query)


def rdflib_bindings(bindings: dict) -> dict:
    """pyoxigraph terms → rdflib terms, for rdflib's ``initBindings``."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    out = {}
    for name, term in bindings.items():
        if isinstance(term, ox.NamedNode):
            out[name] = URIRef(term.value)
        elif term.language:
            out[name] = Literal(term.value, lang=term.language)
        else:
            out[name] = Literal(term.value, datatype=URIRef(term.datatype.value))
    return out


@dataclass(frozen=True)
class Limits:
    """The largest scales at which the slow baselines run (rdflib's SPARQL engine takes minutes
    per query beyond 100 k triples; pySHACL minutes per validation beyond 10 k)."""

    rdflib: int = 100_000
    pyshacl: int = 10_000
    timeout: float = 30.0  # seconds for one rdflib query run at most
    # an rdflib query run is also stopped once it has taken this many times ipgraph's median:
    # its ratio is then known to be at least that, which is all a "≥ 50×" target needs
    stop_ratio: float = 100.0
    query_timeout: float = 120.0  # seconds for ipgraph's first run of a query
    title_links: int = 100_000


class Suite:
    """All sections for one scale; figures accumulate in ``self.figures``."""

    def __init__(self, scale: Scale, timer: Timer, progress: Progress, limits: Limits, server: bool = True):
        self.scale = scale
        self.timer = timer
        self.progress = progress
        self.use_server = server
        self.limits = limits
        self.figures: list[Figure] = []
        self.graph = None  # the rdflib graph built from the sources
        self.store = None  # the embedded store
        self.server: OxigraphServer | None = None

    # -- helpers -----------------------------------------------------------------------

    def timed(self, section: str, op: str, engine: str, action: Callable[..., object], **extra) -> object:
        self.progress.describe(f"{self.scale.target:,} · {section}: {op} [{engine}]")
        figure, result = measured(self.timer, section, op, engine, action, **extra)
        self.figures.append(figure)
        return result

    def add_rows(self, rows: int | None) -> None:
        self.figures[-1].rows = rows

    # -- sections ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Write the synthetic sources (not timed)."""
        scale = self.scale
        self.progress.describe(f"{scale.target:,} · generating sources")
        scale.documents = documents_for(scale.target, scale.seed)
        scale.sources = generate.write_documents(scale.folder / "sources", scale.documents, scale.seed)

    def parse_and_build(self) -> None:
        from ipgraph.graph.concepts import link_similar_titles
        from ipgraph.graph.namespaces import IPG
        from ipgraph.ingest.parse import parse_file

        sources = self.scale.sources
        docs = self.timed("pipeline", "parse source → records", "ipgraph", lambda: [parse_file(p) for p in sources])
        op = "records → RDF (rdflib graph; without cross-document title links)"
        self.graph = self.timed("pipeline", op, "ipgraph", lambda: build_without_title_links(docs))
        self.scale.triples = len(self.graph)
        op = "cross-document title links (rows: links; at most 3 per task)"
        if self.scale.target <= self.limits.title_links:

            def linked(graph):
                link_similar_titles(graph)
                return graph

            graph = self.timed("pipeline", op, "ipgraph", linked, setup=lambda: build_without_title_links(docs))
            self.add_rows(sum(1 for _ in graph.triples((None, IPG.similarTitle, None))) if graph is not None else None)
        else:
            note = f"not run above {self.limits.title_links:,} (the links outnumber the other triples)"
            self.figures.append(Figure("pipeline", op, "ipgraph", note=note))
        self.timed(
            "pipeline",
            "write N-Triples",
            "rdflib",
            lambda: self.graph.serialize(self.scale.nt, format="nt", encoding="utf-8"),
        )
        self._sort_ntriples()
        self._write_turtle()

    def _sort_ntriples(self) -> None:
        """Sort the file's lines (not timed), which keeps each subject's triples together, as
        in every file ipgraph writes; rdflib writes them in no particular order.

        The order matters beyond diffs: the embedded store keeps a subject's triples where they
        were loaded, and at 1 M triples it answers the library 1.1-2.2x faster from a sorted
        file than from rdflib's order (docs/performance.md)."""
        from ipgraph.sparql.store import sorted_lines

        self.scale.nt.write_bytes(sorted_lines(self.scale.nt.read_bytes()))

    def _write_turtle(self) -> None:
        import pyoxigraph as ox

        store = ox.Store()
        store.load(path=str(self.scale.nt), format=ox.RdfFormat.N_TRIPLES)
        store.dump(str(self.scale.ttl), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())

    def load(self) -> None:
        from rdflib import Graph

        from ipgraph.sparql.store import EmbeddedStore

        for path, label, rdflib_format in ((self.scale.ttl, "Turtle", "turtle"), (self.scale.nt, "N-Triples", "nt")):
            op = f"load {label}"
            self.store = None  # one store in memory while loading, as in a user's process
            store = self.timed("load", op, "ipgraph", lambda p=path: EmbeddedStore.from_file(p))
            self.add_rows(len(store) if store is not None else None)
            self.store = store
            graph = self.timed("load", op, "rdflib", lambda p=path, f=rdflib_format: Graph().parse(p, format=f))
            self.add_rows(len(graph) if graph is not None else None)
            del graph
            if self.server:
                self.timed("load", op, "oxigraph-server", lambda p=path: self.server.client.replace(p))

    def queries(self) -> None:
        from ipgraph.sparql.library import library
        from ipgraph.sparql.remote import with_values

        with QueryWorker(self.scale.nt, self.timer, self.limits.query_timeout) as worker:
            for name, query in library().items():
                params = sample_params(query)
                try:
                    bindings = query.bind(params)
                except Exception as exc:
                    self.figures.append(failed("query", name, "ipgraph", exc))
                    continue
                self.progress.describe(f"{self.scale.target:,} · query: {name} [ipgraph]")
                ours = worker.ipgraph(name, query, params)
                self.figures.append(ours)
                if self.scale.target > self.limits.rdflib:
                    self.figures.append(Figure("query", name, "rdflib", note=f"not run above {self.limits.rdflib:,}"))
                else:
                    self._rdflib_query(name, query, bindings, self._rdflib_limit(ours))
                if self.server:
                    self._server_query(worker, name, with_values(query.text, bindings))

    def _rdflib_limit(self, ours: Figure) -> float:
        """Seconds after which an rdflib run is stopped: ``limits.timeout``, or sooner, once it
        has taken ``limits.stop_ratio`` times ipgraph's median for the same query."""
        if not ours.runs or ours.note:
            return self.limits.timeout
        return min(self.limits.timeout, max(0.1, self.limits.stop_ratio * ours.median))

    def _server_query(self, worker: QueryWorker, name: str, text: str) -> None:
        """One query over HTTP, sent from the worker; a server that failed (time or memory
        limit) is restarted and reloaded."""
        self.progress.describe(f"{self.scale.target:,} · query: {name} [oxigraph-server]")
        figure = worker.server(name, text, self.server.port, self.server.timeout)
        self.figures.append(figure)
        if figure.note.startswith("failed"):
            self.progress.describe(f"{self.scale.target:,} · restarting the Oxigraph server")
            self.server.restart()
            self.server.client.replace(self.scale.nt)

    def _rdflib_query(self, name: str, query, bindings: dict, limit: float) -> None:
        """rdflib's engine, each run in a forked child stopped after ``limit`` seconds (some
        queries need minutes on it): a stopped run gives a lower bound of its time."""
        initial = rdflib_bindings(bindings)
        self.progress.describe(f"{self.scale.target:,} · query: {name} [rdflib]")
        figure, spent = Figure("query", name, "rdflib"), 0.0
        while len(figure.runs) < self.timer.repeats and spent <= self.timer.budget:
            try:
                run = forked(lambda: len(list(self.graph.query(query.text, initBindings=initial))), limit)
            except RuntimeError as exc:
                figure = failed("query", name, "rdflib", exc)
                break
            if run is None:
                figure.runs, figure.note = [limit], f"{TIMED_OUT} {limit:.3g} s"
                break
            figure.runs.append(run[0])
            figure.rows, spent = run[1], spent + run[0]
        self.figures.append(figure)

    def validate(self) -> None:
        from ipgraph import shacl as validation

        shapes = validation.shapes_graph()
        from ipgraph.shacl.compiled import validate_store

        report = self.timed(
            "validate", "SHACL shapes/", "ipgraph", lambda: validate_store(self.store, shapes, data=self.graph)
        )
        self.add_rows(len(report.violations) if report else None)
        if self.scale.target > self.limits.pyshacl:
            note = f"not run above {self.limits.pyshacl:,}"
            self.figures.append(Figure("validate", "SHACL shapes/", "pyshacl", note=note))
            return
        report = self.timed(
            "validate", "SHACL shapes/", "pyshacl", lambda: validation.validate(self.graph, shapes, engine="pyshacl")
        )
        self.add_rows(len(report.violations) if report else None)

    def network_and_exports(self) -> None:
        from . import networks

        for section, op, action, size in networks.operations(self.store):
            result = self.timed(section, op, "ipgraph", action)
            self.add_rows(size(result) if result is not None else None)

    def cli(self, named: str) -> None:
        python = sys.executable
        runs = max(1, min(self.timer.repeats, 5))
        commands = {
            "python -c pass (interpreter floor)": [python, "-c", "pass"],
            "ipgraph --help": [python, "-m", "ipgraph.cli", "--help"],
            f"ipgraph query {named} (2021 graph)": [python, "-m", "ipgraph.cli", "query", named],
            f"ipgraph query {named} (this scale, Turtle)": [
                python, "-m", "ipgraph.cli", "query", named, "--graph", str(self.scale.ttl),
            ],
        }  # fmt: skip
        commands["ipgraph check (2021: build + validate + every query)"] = [python, "-m", "ipgraph.cli", "check"]
        for op, argv in commands.items():
            self.progress.describe(f"{self.scale.target:,} · cli: {op}")
            try:
                self.figures.append(Figure("cli", op, "ipgraph", wall_time(argv, runs)))
            except Exception as exc:
                self.figures.append(failed("cli", op, "ipgraph", exc))

    def _stopped_queries(self) -> list[str]:
        """Named queries whose ipgraph run hit the time limit or failed at this scale."""
        return sorted(
            f.op for f in self.figures if f.section == "query" and f.engine == "ipgraph" and (f.note or not f.runs)
        )

    def memory(self) -> None:
        size = self.scale.nt.stat().st_size
        rdflib_probe = self.scale.target <= self.limits.rdflib
        skip = self._stopped_queries()
        probes = [("ipgraph", MEMORY_EMBEDDED, skip)] + ([("rdflib", MEMORY_RDFLIB, [])] if rdflib_probe else [])
        for engine, code, args in probes:
            self.progress.describe(f"{self.scale.target:,} · memory [{engine}]")
            try:
                peak, info = child_peak_rss(code, str(self.scale.nt), *args)
            except Exception as exc:
                self.figures.append(failed("memory", "peak RSS: load N-Triples + every query", engine, exc))
                continue
            note = f"{peak / size:.2f}× the N-Triples file ({size / 2**20:.1f} MiB)"
            note += "; load only: rdflib's queries run in timed children" if engine == "rdflib" else ""
            note += f"; without {', '.join(args)} (stopped at the time limit above)" if args else ""
            figure = Figure("memory", "peak RSS: load N-Triples + every query", engine, [peak], info.get("triples"))
            figure.unit, figure.note = "B", note
            self.figures.append(figure)

    def store_and_build(self) -> None:
        """The on-disk store (load, queries, serve) and the build end to end, as whole processes
        (the build with its cross-document links, which grow linearly with the documents)."""
        self.progress.describe(f"{self.scale.target:,} · store")
        self.figures += store.store_figures(self.scale.ttl, max(1, min(self.timer.repeats, 5)))
        self.progress.describe(f"{self.scale.target:,} · build end to end")
        self.figures += store.build_figures(self.scale.sources, self.scale.folder)

    def nt_size(self) -> int:
        return self.scale.nt.stat().st_size if self.scale.nt.exists() else 0

    def run(self, named_for_cli: str, only_store: bool = False) -> list[Figure]:
        self.prepare()
        steps = [
            self.parse_and_build, self.load, self.queries, self.validate, self.network_and_exports,
            lambda: self.cli(named_for_cli), self.memory, self.store_and_build,
        ]  # fmt: skip
        if only_store:
            steps = [self.parse_and_build, self.store_and_build]
            self.use_server = False
        with ExitStack() as stack:
            if self.use_server:
                command = executable()
                if command is None:
                    self.figures.append(Figure("load", "oxigraph server", "oxigraph-server", note="not installed"))
                else:
                    server = OxigraphServer(command, self.limits.query_timeout, max(8 * 2**30, 40 * self.nt_size()))
                    self.server = stack.enter_context(server)
            for step in steps:
                step()
                self.progress.advance()
        self.graph = self.store = self.server = None
        return self.figures


STEPS_PER_SCALE = 8

# The answers are counted as they stream, not kept: the figure is the store's and the engine's
# memory, not that of a Python list of rows (a query's answer can be millions of rows).
MEMORY_EMBEDDED = """
import json, sys
from benchmarks.measure import peak_rss
from benchmarks.suite import sample_params
from ipgraph.sparql.library import library
from ipgraph.sparql.store import EmbeddedStore
store = EmbeddedStore.from_file(sys.argv[1])
skip = set(sys.argv[2:])
for name, query in library().items():
    if name not in skip:
        answer = store.query(query.text, query.bind(sample_params(query)))
        if not isinstance(answer, bool) and hasattr(answer, "__iter__"):
            sum(1 for _ in answer)
peak = peak_rss()
print(json.dumps({"peak_rss": peak, "triples": len(store)}))
"""

MEMORY_RDFLIB = """
import json, sys
from benchmarks.measure import peak_rss
from rdflib import Graph
graph = Graph().parse(sys.argv[1], format="nt")
peak = peak_rss()
print(json.dumps({"peak_rss": peak, "triples": len(graph)}))
"""
