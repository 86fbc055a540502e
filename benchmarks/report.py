"""Results as JSON and as a Markdown table, with the issue's targets checked."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from itertools import pairwise

from .measure import TIMED_OUT

SECTIONS = ("pipeline", "load", "query", "validate", "network", "export", "cli", "memory", "store")
ENGINES = ("ipgraph", "rdflib", "pyshacl", "oxigraph-server")
BASELINES = ("rdflib", "pyshacl", "oxigraph-server")


def figures_by_key(scale: dict) -> dict[tuple[str, str], dict[str, dict]]:
    """(section, operation) → engine → figure."""
    table: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for figure in scale["figures"]:
        table[(figure["section"], figure["op"])][figure["engine"]] = figure
    return table


def ratio(baseline: dict | None, ours: dict | None) -> float | None:
    """How many times faster ipgraph is than the baseline (baseline median / ipgraph median)."""
    if not baseline or not ours or not baseline.get("median") or not ours.get("median"):
        return None
    return baseline["median"] / ours["median"]


LINEAR = 1.15  # the largest growth exponent that still counts as linear (timing noise)


def growth(small: float | None, large: float | None, n_small: int, n_large: int) -> float | None:
    """The exponent k in cost ∝ triples^k between two scales (1.0 is linear)."""
    if not small or not large or n_small <= 0 or n_large <= n_small:
        return None
    return math.log(large / small) / math.log(n_large / n_small)


# -- targets ------------------------------------------------------------------------------


def _largest(results: dict) -> dict:
    return max(results["scales"], key=lambda s: s["triples"])


def _check(name: str, value: str, met: bool | None) -> dict:
    return {"target": name, "measured": value, "met": met}


def _query_targets(table: dict, stop_ratio: float | None) -> list[dict]:
    queries = {op: engines for (section, op), engines in table.items() if section == "query"}
    vs_rdflib = [ratio(e.get("rdflib"), e.get("ipgraph")) for e in queries.values()]
    vs_server = [ratio(e.get("oxigraph-server"), e.get("ipgraph")) for e in queries.values()]
    vs_rdflib = [r for r in vs_rdflib if r is not None]
    stopped = sum(lower_bound(e.get("rdflib")) for e in queries.values())
    vs_server = [r for r in vs_server if r is not None]
    checks = []
    if vs_rdflib:
        median = statistics.median(vs_rdflib)
        checks.append(
            _check(
                "every named query ≥ 50× faster than rdflib's store (median over the library)",
                f"median {median:,.0f}×, lowest {min(vs_rdflib):,.0f}× ({len(vs_rdflib)} queries; "
                f"{stopped} of rdflib's runs, stopped at the time limit"
                + (f" or once {stop_ratio:g}× slower than ipgraph" if stop_ratio else "")
                + ", count as lower bounds)",
                median >= 50,
            )
        )
    if vs_server:
        slowest = min(vs_server)
        checks.append(
            _check(
                "every named query within 2× of the Oxigraph server over HTTP",
                f"slowest at {1 / slowest:.2f}× the server's time; median {statistics.median(vs_server):.1f}× faster",
                slowest >= 0.5,
            )
        )
    return checks


def _load_targets(table: dict) -> list[dict]:
    checks = []
    for label in ("Turtle", "N-Triples"):
        engines = table.get(("load", f"load {label}"), {})
        r = ratio(engines.get("rdflib"), engines.get("ipgraph"))
        if r is not None:
            seconds = engines["ipgraph"]["median"]
            checks.append(_check(f"load {label} ≥ 10× faster than rdflib", f"{r:.0f}× ({seconds:.2f} s)", r >= 10))
    return checks


def _validate_targets(table: dict, compared: dict) -> list[dict]:
    fast = table.get(("validate", "SHACL shapes/"), {}).get("ipgraph")
    checks = []
    if fast and fast.get("median") is not None:
        checks.append(_check("SHACL validation under 15 s", f"{fast['median']:.2f} s", fast["median"] < 15))
    ours, reference = compared.get("ipgraph"), compared.get("pyshacl")
    if ours and reference and reference.get("rows") is not None:
        checks.append(
            _check(
                "same violations as pySHACL",
                f"{ours.get('rows')} vs pySHACL {reference.get('rows')} at the largest scale pySHACL ran "
                "(tests compare them one by one)",
                ours.get("rows") == reference.get("rows"),
            )
        )
    return checks


def _cli_targets(table: dict) -> list[dict]:
    checks = []
    for (section, op), engines in table.items():
        ours = engines.get("ipgraph")
        if section != "cli" or not ours or ours.get("median") is None:
            continue
        if op == "ipgraph --help" or "(2021 graph)" in op:
            checks.append(_check(f"`{op}` under 0.5 s", f"{ours['median']:.3f} s", ours["median"] < 0.5))
        elif op.startswith("ipgraph check"):
            checks.append(_check(f"`{op}` under 1.5 s", f"{ours['median']:.3f} s", ours["median"] < 1.5))
    return checks


def _memory_targets(table: dict, scale: dict) -> list[dict]:
    ours = table.get(("memory", "peak RSS: load N-Triples + every query"), {}).get("ipgraph")
    if not ours or ours.get("median") is None:
        return []
    times = ours["median"] / scale["nt_bytes"]
    return [
        _check(
            "peak RSS ≤ 3× the N-Triples file",
            f"{ours['median'] / 2**20:,.0f} MiB = {times:.2f}× ({scale['nt_bytes'] / 2**20:,.0f} MiB file)",
            times <= 3,
        )
    ]


def _scaling_targets(results: dict) -> list[dict]:
    rows = scaling_rows(results)
    exponents = [(k, op) for _, op, k, _, answer_grows in rows if k is not None and not answer_grows]
    if not exponents:
        return []
    worst, op = max(exponents)
    return [
        _check(
            "nothing grows faster than linearly in triples (ipgraph; answers that grow excepted)",
            f"largest exponent {worst:.3f} ({op}); up to {LINEAR} counts as linear",
            worst <= LINEAR,
        )
    ]


def _pyshacl_compared(results: dict) -> dict:
    """The validation figures at the largest scale where pySHACL ran (minutes beyond 10 k)."""
    key = ("validate", "SHACL shapes/")
    ran = [figures_by_key(s).get(key, {}) for s in sorted(results["scales"], key=lambda s: s["triples"])]
    ran = [engines for engines in ran if engines.get("pyshacl", {}).get("rows") is not None]
    return ran[-1] if ran else {}


def targets(results: dict) -> list[dict]:
    """The issue's targets, checked on the largest scale of this run."""
    scale = _largest(results)
    table = figures_by_key(scale)
    small = min(results["scales"], key=lambda s: s["triples"])
    cli = _cli_targets(figures_by_key(small))
    stop_ratio = results["config"]["limits"].get("rdflib_stop_ratio")
    checks = _query_targets(table, stop_ratio) + _load_targets(table)
    checks += _validate_targets(table, _pyshacl_compared(results))
    checks += cli + _memory_targets(table, scale) + _scaling_targets(results)
    return checks + _store_targets(table) + _build_targets(results)


def _store_targets(table: dict) -> list[dict]:
    """Whole-process figures on the on-disk store, at the largest scale."""
    mine = {op: engines.get("ipgraph") for (section, op), engines in table.items() if section == "store"}
    floor = (mine.get("python -c 'import pyoxigraph' (floor)") or {}).get("median")
    checks = []
    for op, figure in mine.items():
        seconds = (figure or {}).get("median")
        if seconds is None:
            continue
        if op.startswith("ipgraph query"):
            name = f"`{op}` ≤ 0.2 s and ≤ 3× a bare `python -c 'import pyoxigraph'`"
            times = f"{seconds / floor:.1f}× ({floor:.3f} s)" if floor else "? (no floor)"
            met = seconds <= 0.2 and floor is not None and seconds <= 3 * floor
            checks.append(_check(name, f"{seconds:.3f} s = {times}", met))
        elif op.startswith("ipgraph serve"):
            checks.append(_check(f"`{op}` ≤ 0.5 s", f"{seconds:.3f} s", seconds <= 0.5))
    return checks


def _build_targets(results: dict) -> list[dict]:
    """The build end to end and the rebuild, at the largest scale where they ran."""
    ran = [s for s in results["scales"] if _store_figure(s, "ipgraph build of") is not None]
    if not ran:
        return []
    scale = max(ran, key=lambda s: s["triples"])
    build = _store_figure(scale, "ipgraph build of")
    rss = _store_figure(scale, "ipgraph build: peak RSS")
    rebuild = _store_figure(scale, "ipgraph build after one document changed")
    where = f" ({scale['documents']:,} documents, {scale['triples']:,} triples)"
    checks = [_check("`ipgraph build` end to end ≤ 20 s" + where, f"{build['median']:.2f} s", build["median"] <= 20)]
    if rss and rss.get("median"):
        peak = rss["median"]
        checks.append(_check("`ipgraph build` peak RSS ≤ 1 GB", f"{peak / 2**20:,.0f} MiB", peak <= 2**30))
    if rebuild and rebuild.get("median") is not None:
        seconds, same = rebuild["median"], rebuild.get("rows") == 1
        checks.append(_check("rebuild after one document changed ≤ 2 s", f"{seconds:.2f} s", seconds <= 2))
        checks.append(_check("rebuild output byte-identical to the full build", rebuild.get("note", ""), same))
    return checks


def _store_figure(scale: dict, prefix: str) -> dict | None:
    for figure in scale["figures"]:
        if figure["section"] == "store" and figure["op"].startswith(prefix) and figure.get("median") is not None:
            return figure
    return None


def _answer_grows(tables: list[tuple[int, dict]], key: tuple) -> bool:
    """Does ipgraph's answer grow faster than linearly, from the smallest scale to the largest
    one that has it (a query stopped at the time limit has no answer size at its scale)?
    ``tables``: (triples, figures by key) of each scale, smallest first."""
    sized = [(n, f["rows"]) for n, table in tables if (f := table.get(key, {}).get("ipgraph")) and f.get("rows")]
    if len(sized) < 2:
        return False
    answer = growth(sized[0][1], sized[-1][1], sized[0][0], sized[-1][0])
    return answer is not None and answer > LINEAR


def scaling_rows(results: dict) -> list[tuple[str, str, float | None, list[float | None], bool]]:
    """(section, operation, exponent smallest→largest scale, exponent of each step between
    neighbouring scales, answer grows) for ipgraph's figures."""
    tables = [(s["triples"], figures_by_key(s)) for s in sorted(results["scales"], key=lambda s: s["triples"])]
    if len(tables) < 2:
        return []
    rows = []
    for key in tables[-1][1]:
        figures = [(n, table.get(key, {}).get("ipgraph")) for n, table in tables]
        (n_small, before), (n_large, ours) = figures[0], figures[-1]
        if not ours or not before or (key[0] == "cli" and "this scale" not in key[1]):
            continue  # the other command-line figures do not depend on the scale
        k = growth(before.get("median"), ours.get("median"), n_small, n_large)
        # a run stopped at the time limit has no time of its own: its steps are left blank
        medians = [(n, None if not f or lower_bound(f) else f.get("median")) for n, f in figures]
        steps = [growth(a, b, n_a, n_b) for (n_a, a), (n_b, b) in pairwise(medians)]
        rows.append((key[0], key[1], k, steps, _answer_grows(tables, key)))
    return rows


# -- Markdown -------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def _thousands(triples: int) -> str:
    return f"{triples / 1000:,.0f} k"


def _exponent(k: float | None) -> str:
    return "" if k is None else f"{k:.2f}"


def cell(figure: dict | None) -> str:
    if not figure:
        return ""
    if figure.get("median") is None:
        return figure.get("note", "")
    if lower_bound(figure):
        return f"> {_seconds(figure['median'])} s (stopped)"
    if figure.get("unit") == "B":
        return f"{figure['median'] / 2**20:,.0f} MiB"
    runs = len(figure["runs"])
    spread = f" [{_seconds(figure['min'])}–{_seconds(figure['max'])}]" if runs > 1 else ""
    return f"{_seconds(figure['median'])} s{spread} ×{runs}"


def lower_bound(figure: dict | None) -> bool:
    """A baseline stopped at its time limit: its time, and any ratio to it, is a lower bound."""
    return bool(figure and figure.get("note", "").startswith(TIMED_OUT))


def ratio_cell(value: float | None, bound: bool = False) -> str:
    if value is None:
        return ""
    return ("≥ " if bound else "") + (f"{value:,.0f}×" if value >= 10 else f"{value:.2f}×")


def section_table(scale: dict, section: str) -> list[str]:
    table = figures_by_key(scale)
    keys = [key for key in table if key[0] == section]
    if not keys:
        return []
    engines = [e for e in ENGINES if any(e in table[k] for k in keys)]
    head = ["operation"]
    for engine in engines:
        head.append(engine)
        if engine in BASELINES and "ipgraph" in engines:
            head.append(f"{engine} ÷ ipgraph")
    head.append("rows")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in keys:
        figures = table[key]
        row = [key[1]]
        for engine in engines:
            row.append(cell(figures.get(engine)))
            if engine in BASELINES and "ipgraph" in engines:
                baseline = figures.get(engine)
                row.append(ratio_cell(ratio(baseline, figures.get("ipgraph")), lower_bound(baseline)))
        rows = sorted({f["rows"] for f in figures.values() if f.get("rows") is not None})
        row.append(" / ".join(f"{r:,}" for r in rows) + (" ⚠ engines differ" if len(rows) > 1 else ""))
        notes = "; ".join(f"{e}: {f['note']}" for e, f in figures.items() if f.get("note") and f.get("median"))
        if notes:
            row[0] += f" ({notes})"
        lines.append("| " + " | ".join(row) + " |")
    return lines


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [
        "# ipgraph benchmark results",
        "",
        f"Run {results['started']} with `{results['command']}`: {results['config']['repeats']} runs per figure "
        f"(fewer when a figure's runs exceed {results['config']['budget']:.0f} s), seed {results['config']['seed']}.",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cpus')} CPUs, {m.get('memory_gb', '?')} GB RAM, {m['platform']}; "
        f"Python {m['python']}, rdflib {m.get('rdflib')}, pyoxigraph {m.get('pyoxigraph')}, "
        f"pySHACL {m.get('pyshacl')}, Oxigraph server {m.get('oxigraph')}.",
        "",
        "Cells: median seconds [min–max] ×runs. `X ÷ ipgraph` is how many times longer the baseline X took "
        "than ipgraph in the same run (above 1: ipgraph is faster). `rows`: answer sizes, equal across engines "
        "unless flagged.",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for check in targets(results):
        met = {True: "yes", False: "**no**", None: "?"}[check["met"]]
        out.append(f"| {check['target']} | {check['measured']} | {met} |")
    out += ["", "## Scales", "", "| triples asked | documents | triples | N-Triples |", "|---|---|---|---|"]
    for scale in results["scales"]:
        out.append(
            f"| {scale['target']:,} | {scale['documents']:,} | {scale['triples']:,} | "
            f"{scale['nt_bytes'] / 2**20:,.1f} MiB |"
        )
    for scale in results["scales"]:
        out += ["", f"## {scale['triples']:,} triples ({scale['documents']:,} documents)"]
        for section in SECTIONS:
            lines = section_table(scale, section)
            out += ["", f"### {section}", ""] + (lines or ["(not measured)"])
    rows = scaling_rows(results)
    if rows:
        sizes = sorted(scale["triples"] for scale in results["scales"])
        steps = [f"{_thousands(a)} → {_thousands(b)}" for a, b in pairwise(sizes)]
        out += [
            "",
            "## Scaling",
            "",
            "Exponent k in time ∝ triples^k from the smallest to the largest scale (1 = linear; "
            "small figures are dominated by fixed costs, so k < 1 is common), and between each pair of "
            "neighbouring scales.",
            "",
            "| section | operation | k | " + " | ".join(steps) + " | answer grows |",
            "|---|---|---|" + "---|" * len(steps) + "---|",
        ]
        for section, op, k, step_ks, answer_grows in rows:
            cells = [_exponent(k)] + [_exponent(step) for step in step_ks] + ["yes" if answer_grows else ""]
            out.append(f"| {section} | {op} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
