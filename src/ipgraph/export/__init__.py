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

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ipgraph import network
from ipgraph.export.networks import to_csv_edges, to_csv_nodes, to_cytoscape, to_dot, to_gexf, to_graphml
from ipgraph.export.picture import to_png, to_svg
from ipgraph.export.rdf import RDF_FORMATS, export_rdf, rdf_graph
from ipgraph.export.shared import ExportError
from ipgraph.export.sna import to_pajek, to_ucinet_dl
from ipgraph.export.view import html_view, view_data
from ipgraph.network.weights import Weighting
from ipgraph.sparql.results import Runner

if TYPE_CHECKING:
    from rdflib import Graph

DATASET_FORMATS = ("trig", "nq")  # each document in its named graph (ipgraph.sparql.graphs)
NETWORK_FORMATS = (
    "graphml",
    "gexf",
    "cytoscape",
    "dot",
    "csv-nodes",
    "csv-edges",
    "pajek",
    "ucinet",
    "html",
    "svg",
    "png",
)
FORMATS = NETWORK_FORMATS + RDF_FORMATS + DATASET_FORMATS
SUFFIXES = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "cytoscape",
    ".cyjs": "cytoscape",
    ".dot": "dot",
    ".gv": "dot",
    ".net": "pajek",
    ".dl": "ucinet",
    ".html": "html",
    ".svg": "svg",
    ".png": "png",
    ".ttl": "ttl",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".trig": "trig",
    ".nq": "nq",
}


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


def export(
    runner: Runner | None,
    fmt: str,
    network_name: str = "departments",
    lang: str = "zh",
    rdf: Graph | None = None,
    weighting: Weighting | None = None,
) -> bytes:
    """One export, as the bytes of the file.

    RDF formats export ``rdf`` (an rdflib Graph) when given, else the graph fetched
    through the runner (see ``rdf_graph``); every other format needs the runner.
    ``weighting`` sets the department network's edge weights (``ipgraph.network.weights``).
    """
    if fmt in RDF_FORMATS and rdf is not None:
        return export_rdf(rdf, fmt).encode("utf-8")
    if runner is None:
        raise ExportError(f"the {fmt} export needs a store to query")
    if fmt in RDF_FORMATS:
        return export_rdf(rdf_graph(runner), fmt).encode("utf-8")
    if fmt == "html":
        if network_name != "departments":
            raise ExportError("the HTML view shows the department network; use --network departments")
        return html_view(runner, lang, weighting).encode("utf-8")
    graph = labelled(network.build(runner, network_name, weighting), lang)
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


WRITERS: dict[str, Callable[[nx.Graph], str | bytes]] = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "cytoscape": to_cytoscape,
    "dot": to_dot,
    "csv-nodes": to_csv_nodes,
    "csv-edges": to_csv_edges,
    "pajek": to_pajek,
    "ucinet": to_ucinet_dl,
    "svg": to_svg,
    "png": to_png,
}


__all__ = [
    "DATASET_FORMATS",
    "FORMATS",
    "NETWORK_FORMATS",
    "RDF_FORMATS",
    "SUFFIXES",
    "ExportError",
    "export",
    "export_rdf",
    "format_for",
    "html_view",
    "labelled",
    "rdf_graph",
    "view_data",
]
