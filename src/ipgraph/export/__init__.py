"""Exports: the networks for Gephi, Cytoscape, yEd, Graphviz, spreadsheets and browsers; the RDF itself.

Network formats: ``graphml``, ``gexf`` (1.2), ``cytoscape`` (Cytoscape.js JSON),
``dot`` (Graphviz), ``csv-nodes`` / ``csv-edges``, ``html`` (a self-contained
interactive view of the department network), ``svg`` and ``png`` (a static picture;
PNG needs Graphviz's ``neato``). RDF formats: ``ttl``, ``nt``, ``jsonld``.

Everything is fetched through a runner (see ``ipgraph.network``), so exports work on
a remote store as on the embedded one. List-valued attributes (task numbers and
titles) stay lists in JSON and are joined with ``"; "`` in the other formats.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx

from ipgraph import network
from ipgraph.errors import IpgraphError
from ipgraph.network import Runner
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.results import to_ntriples

RDF_FORMATS = ("ttl", "nt", "jsonld")
NETWORK_FORMATS = ("graphml", "gexf", "cytoscape", "dot", "csv-nodes", "csv-edges", "html", "svg", "png")
FORMATS = NETWORK_FORMATS + RDF_FORMATS
SUFFIXES = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "cytoscape",
    ".cyjs": "cytoscape",
    ".dot": "dot",
    ".gv": "dot",
    ".html": "html",
    ".svg": "svg",
    ".png": "png",
    ".ttl": "ttl",
    ".nt": "nt",
    ".jsonld": "jsonld",
}
ALL_TRIPLES = "network-all-triples"
LIST_SEPARATOR = "; "
HTML_DIR = Path(__file__).resolve().parent / "html"
FONTS = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


class ExportError(IpgraphError):
    """An export that cannot be made as asked."""


def format_for(path: str | None, fmt: str | None) -> str:
    """The export format: the one given, else the one the output file's suffix implies."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower() if path and path != "-" else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise ExportError(f"cannot tell the format from {path or 'standard output'!r}; give --format")


def export(runner: Runner, fmt: str, network_name: str = "departments", lang: str = "zh", rdf=None) -> bytes:
    """One export, as the bytes of the file.

    RDF formats export ``rdf`` (an rdflib Graph) when given, else the graph fetched
    through the runner (see ``rdf_graph``).
    """
    if fmt in RDF_FORMATS:
        return export_rdf(rdf if rdf is not None else rdf_graph(runner), fmt).encode("utf-8")
    if fmt == "html":
        if network_name != "departments":
            raise ExportError("the HTML view shows the department network; use --network departments")
        return html_view(runner, lang).encode("utf-8")
    graph = labelled(network.build(runner, network_name), lang)
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    data = writer(graph)
    return data if isinstance(data, bytes) else data.encode("utf-8")


def labelled(graph: nx.Graph, lang: str) -> nx.Graph:
    """Set each node's ``label`` to its name in ``lang`` (Chinese when there is none) and add a layout."""
    if lang not in ("zh", "en"):
        raise ExportError(f"unknown label language {lang!r}; use zh or en")
    for node, (x, y) in network.layout(graph).items():
        info = graph.nodes[node]
        info["label"] = info.get(f"label_{lang}") or info["label_zh"]
        info["x"], info["y"] = x, y
    return graph


# --- file formats ------------------------------------------------------------------


def flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars, as GraphML, GEXF, CSV and DOT need."""

    def scalars(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: _scalar(v) for k, v in attrs.items() if v is not None}

    copy = graph.__class__(name=graph.graph.get("name", ""))
    copy.add_nodes_from((n, scalars(d)) for n, d in graph.nodes(data=True))
    copy.add_edges_from((a, b, scalars(d)) for a, b, d in graph.edges(data=True))
    return copy


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def to_graphml(graph: nx.Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(flat(graph), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 with positions and sizes, so Gephi opens it laid out."""
    copy = flat(graph)
    for _node, info in copy.nodes(data=True):
        info["viz"] = {
            "position": {"x": info["x"] * 1000, "y": -info["y"] * 1000, "z": 0.0},
            "size": float(_size(info)),
        }
    out = io.BytesIO()
    nx.write_gexf(copy, out, encoding="utf-8", prettyprint=True, version="1.2draft")
    return out.getvalue()


def to_cytoscape(graph: nx.Graph) -> str:
    """Cytoscape.js elements JSON (Cytoscape desktop imports it too), with positions."""
    data = nx.cytoscape_data(graph, name="label", ident="id")
    for element in data["elements"]["nodes"]:
        info = element["data"]
        element["position"] = {"x": round(info["x"] * 1000, 1), "y": round(info["y"] * 1000, 1)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_dot(graph: nx.Graph) -> str:
    """Graphviz DOT, carrying every attribute, with ``pos`` for ``neato -n2``."""
    copy = flat(graph)
    directed = copy.is_directed()
    arrow = "->" if directed else "--"
    top_weight = max((d.get("weight", 1) for _a, _b, d in copy.edges(data=True)), default=1)
    lines = [
        f"{'digraph' if directed else 'graph'} {_dot_id(copy.graph.get('name') or 'ipgraph')} {{",
        f"  graph [overlap=false, outputorder=edgesfirst, pad=0.6, fontname={_dot_id(FONTS)}];",
        f'  node [shape=circle, fixedsize=shape, style=filled, fillcolor="#9ecae1", color="#3182bd", '
        f"fontsize=11, fontname={_dot_id(FONTS)}];",
        '  edge [color="#b4bcc6"];',
    ]
    for node, info in sorted(copy.nodes(data=True)):
        draw = {
            "pos": f"{info['x'] * 600:.1f},{info['y'] * 600:.1f}",
            "width": f"{0.15 + 0.09 * _size(info) ** 0.5:.2f}",
        }
        lines.append(f"  {_dot_id(node)} [{_dot_attrs({**info, **draw})}];")
    for a, b, info in sorted(copy.edges(data=True), key=lambda e: (e[0], e[1])):
        draw = {"penwidth": f"{0.5 + 5 * info.get('weight', 1) / top_weight:.2f}"}
        lines.append(f"  {_dot_id(a)} {arrow} {_dot_id(b)} [{_dot_attrs({**info, **draw})}];")
    return "\n".join([*lines, "}"]) + "\n"


def _dot_id(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{key}={_dot_id(value)}" for key, value in attrs.items() if key not in ("x", "y"))


def _columns(rows: list[dict[str, Any]], first: tuple[str, ...]) -> list[str]:
    seen = [c for c in first if any(c in r for r in rows)]
    for row in rows:
        seen += [k for k in row if k not in seen]
    return seen


def _csv(rows: list[dict[str, Any]], first: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(rows, first), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_csv_nodes(graph: nx.Graph) -> str:
    """One row per node: ``id`` then its attributes (the header Gephi's spreadsheet import expects)."""
    copy = flat(graph)
    rows = [{"id": n, **d} for n, d in sorted(copy.nodes(data=True))]
    return _csv(rows, ("id", "label", "label_zh", "label_en", "kind", "iri"))


def to_csv_edges(graph: nx.Graph) -> str:
    """One row per edge: ``source``, ``target``, ``weight`` then the other attributes."""
    copy = flat(graph)
    rows = [{"source": a, "target": b, **d} for a, b, d in sorted(copy.edges(data=True), key=lambda e: e[:2])]
    return _csv(rows, ("source", "target", "weight"))


def _size(info: dict[str, Any]) -> int:
    return int(info.get("tasks") or info.get("degree") or 1)


# --- static picture ----------------------------------------------------------------

SVG_SIZE = 900
SVG_MARGIN = 110


def to_svg(graph: nx.Graph) -> str:
    """An SVG picture from the layout: node area by task count, edge width by weight."""
    span = SVG_SIZE - 2 * SVG_MARGIN

    def xy(node: str) -> tuple[float, float]:
        info = graph.nodes[node]
        return SVG_MARGIN + info["x"] * span, SVG_MARGIN + info["y"] * span

    top_weight = max((d.get("weight", 1) for _a, _b, d in graph.edges(data=True)), default=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_SIZE} {SVG_SIZE}" '
        f'width="{SVG_SIZE}" height="{SVG_SIZE}" font-family="{escape(FONTS)}" font-size="15">',
        f"<title>{escape(graph.graph.get('name', 'ipgraph'))}</title>",
        f'<rect width="{SVG_SIZE}" height="{SVG_SIZE}" fill="white"/>',
        '<g stroke="#7f8c9a" stroke-opacity="0.45" stroke-linecap="round">',
    ]
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: e[2].get("weight", 1)):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        width = 0.6 + 7 * data.get("weight", 1) / top_weight
        tip = escape(f"{graph.nodes[a]['label']} – {graph.nodes[b]['label']}: {_scalar(data.get('tasks', ''))}")
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{width:.2f}">'
            f"<title>{tip}</title></line>"
        )
    parts += ["</g>", '<g stroke="#1f4e79" stroke-width="1.5" fill="#6baed6">']
    for node in sorted(graph):
        x, y = xy(node)
        info = graph.nodes[node]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_radius(info):.1f}"><title>{escape(node)}</title></circle>'
        )
    parts += ["</g>", '<g fill="#111" text-anchor="middle">']
    for node in sorted(graph):
        x, y = xy(node)
        info = graph.nodes[node]
        parts.append(f'<text x="{x:.1f}" y="{y + _radius(info) + 17:.1f}">{escape(info["label"])}</text>')
    parts += ["</g>", "</svg>"]
    return "\n".join(parts) + "\n"


def _radius(info: dict[str, Any]) -> float:
    return 6 + 5 * _size(info) ** 0.5


def to_png(graph: nx.Graph) -> bytes:
    """A PNG drawn by Graphviz (``neato -n2``) from the DOT export, keeping ipgraph's layout."""
    neato = shutil.which("neato")
    if neato is None:
        raise ExportError(
            "PNG export needs Graphviz's `neato` on PATH (e.g. apt-get install graphviz); use svg instead"
        )
    done = subprocess.run(
        [neato, "-n2", "-Tpng", "-Gdpi=110"], input=to_dot(graph).encode("utf-8"), capture_output=True, check=False
    )
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise ExportError(f"neato failed: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return done.stdout


WRITERS: dict[str, Callable[[nx.Graph], str | bytes]] = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "cytoscape": to_cytoscape,
    "dot": to_dot,
    "csv-nodes": to_csv_nodes,
    "csv-edges": to_csv_edges,
    "svg": to_svg,
    "png": to_png,
}


# --- the RDF itself ----------------------------------------------------------------


def _iri(prefixed: str) -> dict[str, str]:
    return {"@id": prefixed, "@type": "@id"}


JSONLD_CONTEXT: dict[str, Any] = {
    **PREFIXES,
    "label": "rdfs:label",
    "prefLabel": "skos:prefLabel",
    "altLabel": "skos:altLabel",
    "definition": "skos:definition",
    "notation": "skos:notation",
    "title": "dcterms:title",
    "text": "ipg:text",
    "responsibilityStatement": "ipg:responsibilityStatement",
    "number": "ipg:number",
    "sourceLine": "ipg:sourceLine",
    "sha256": "ipg:sha256",
    "year": "ipg:year",
    "date": "time:inXSDDate",
    "task": _iri("ipg:task"),
    "section": _iri("ipg:section"),
    "taskList": _iri("ipg:taskList"),
    "addressedTo": _iri("ipg:addressedTo"),
    "responsibleBody": _iri("ipg:responsibleBody"),
    "completionTime": _iri("ipg:completionTime"),
    "deadline": _iri("ipg:deadline"),
    "references": _iri("dcterms:references"),
    "publisher": _iri("dcterms:publisher"),
    "derivedFrom": _iri("prov:wasDerivedFrom"),
    "unitOf": _iri("org:unitOf"),
    "subOrganizationOf": _iri("org:subOrganizationOf"),
    "inScheme": _iri("skos:inScheme"),
}


def rdf_graph(runner: Runner):
    """The whole graph as an rdflib Graph, fetched row by row through the runner (query ``network-all-triples``).

    What comes back is what the store holds: Oxigraph, for one, stores derived
    integer types such as ``xsd:positiveInteger`` as ``xsd:integer``. To export a
    graph file exactly, parse it with rdflib and pass it to ``export_rdf``.
    """
    from rdflib import Graph

    result = runner(ALL_TRIPLES, {})
    if result.kind != "bindings" or result.variables[:3] != ["s", "p", "o"]:
        raise ExportError(f"query {ALL_TRIPLES} must return rows ?s ?p ?o, not a {result.kind} result")
    if result.truncated:
        raise ExportError(f"the store cut query {ALL_TRIPLES} off at {len(result.rows)} rows; raise its row limit")
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    lines = (" ".join(to_ntriples(row[v]) for v in ("s", "p", "o")) + " .\n" for row in result.rows)
    graph.parse(data="".join(lines), format="nt")
    return graph


def export_rdf(graph, fmt: str) -> str:
    """An rdflib Graph as Turtle, N-Triples (sorted lines) or JSON-LD with short names (``JSONLD_CONTEXT``)."""
    if fmt == "ttl":
        return graph.serialize(format="longturtle")
    if fmt == "nt":
        from ipgraph.sparql.store import sorted_ntriples

        return sorted_ntriples(graph).decode("utf-8")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1)
    raise ExportError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")


# --- the interactive HTML view -----------------------------------------------------


def view_data(runner: Runner) -> dict[str, Any]:
    """What the HTML view shows: departments (positions, centralities) and tasks with their measures.

    The view derives the shared-task edges from the tasks itself, so that it can
    recount them for one section.
    """
    bipartite = network.bipartite_graph(runner)
    graph = network.annotate(network.department_graph(runner, bipartite))
    positions = network.layout(graph)
    measures: dict[str, dict[str, dict[str, Any]]] = {}  # task → measure → entry (task numbers repeat)
    for row in network.fetch(runner, network.MEASURES):
        entry = measures.setdefault(row["task"], {}).get(row["measure"])
        if entry is not None:  # one row per addressee: an annual-plan item names several bodies
            entry["zh"] = "、".join(filter(None, (entry["zh"], row.get("addressee_zh", ""))))
            entry["en"] = ", ".join(filter(None, (entry["en"], row.get("addressee_en", ""))))
            continue
        measures[row["task"]][row["measure"]] = {
            "number": int(row["measure_number"]),
            "text": row["text"],
            "zh": row.get("addressee_zh", ""),
            "en": row.get("addressee_en", ""),
            "line": int(row["line"]) if "line" in row else None,
        }
    return {
        "nodes": [_view_node(graph, n, positions[n]) for n in network.departments(graph)],
        "tasks": [_view_task(bipartite, t, measures) for t in network.tasks(bipartite)],
    }


def _view_node(graph: nx.Graph, node: str, position: tuple[float, float]) -> dict[str, Any]:
    info = graph.nodes[node]
    keys = ("label_zh", "label_en", "tasks", "task_numbers", "weighted_degree", "betweenness", "eigenvector")
    return {"id": node, "x": position[0], "y": position[1], "community": info["community"]} | {
        k.removeprefix("label_"): info[k] for k in keys
    }


def _view_task(bipartite: nx.Graph, task: str, measures: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    info = bipartite.nodes[task]
    return {
        "id": task,
        "number": info["number"],
        "zh": info["label_zh"],
        "en": info["label_en"],
        "line": info["source_line"],
        "section": info["section"],
        "section_zh": info["section_zh"],
        "section_en": info["section_en"],
        "departments": sorted(bipartite[task]),
        "measures": list(measures.get(task, {}).values()),
    }


def html_view(runner: Runner, lang: str = "zh") -> str:
    """A self-contained HTML page (inline CSS, JS and data; no network access) of the department network."""
    if lang not in ("zh", "en"):
        raise ExportError(f"unknown label language {lang!r}; use zh or en")
    data = json.dumps(view_data(runner), ensure_ascii=False, separators=(",", ":"))
    page = (HTML_DIR / "view.html").read_text(encoding="utf-8")
    parts = {
        "{{LANG}}": lang,
        "{{CSS}}": (HTML_DIR / "view.css").read_text(encoding="utf-8"),
        "{{JS}}": (HTML_DIR / "view.js").read_text(encoding="utf-8"),
        # "<" is escaped so that no text in the data can close the <script> element.
        "{{DATA}}": data.replace("<", "\\u003c"),
    }
    for marker, text in parts.items():
        page = page.replace(marker, text)
    return page
