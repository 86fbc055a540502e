"""The RDF itself: the whole graph fetched through a runner, written as Turtle, N-Triples or JSON-LD."""

from __future__ import annotations

from typing import Any

from ipgraph.export.shared import ExportError
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.results import Runner, to_ntriples

RDF_FORMATS = ("ttl", "nt", "jsonld")
ALL_TRIPLES = "network-all-triples"


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
