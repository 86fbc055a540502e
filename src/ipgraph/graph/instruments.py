"""Policy-instrument tags: which instruments (Rothwell and Zegveld) each measure and task uses.

The scheme ``id:instrument`` (``data/vocab/instruments.ttl``) has three groups —
supply-side, environment-side, demand-side — and thirteen kinds, each with keywords
(``skos:hiddenLabel@zh``). The rule is the topic scheme's (``graph.concepts``): a
measure is tagged ``ipg:policyInstrument`` with every kind one of whose keywords
occurs in its text; a task with the union of its measures' kinds and its title's.

Tagging runs over the built graph, after every document is in it, and reads only
each measure's text and each task's title, so it is linear in the documents.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef

from ipgraph.graph import concepts
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF

SCHEME = ID["instrument"]


def tag_instruments(graph: Graph) -> None:
    """Add ``ipg:policyInstrument`` to every measure and task whose text uses a kind's keyword."""
    rule_set = concepts.rules(graph, SCHEME)
    if not rule_set:
        return
    per_task: dict[URIRef, set[URIRef]] = defaultdict(set)
    triples = []
    for measure in graph.subjects(RDF.type, IPG.Measure):
        text, task = graph.value(measure, IPG.text), graph.value(measure, IPG.task)
        found = concepts.tags(str(text), rule_set) if text is not None else []
        triples += [(measure, IPG.policyInstrument, kind) for kind in found]
        if isinstance(task, URIRef):
            per_task[task].update(found)
    for task in graph.subjects(RDF.type, IPG.Task):
        if not isinstance(task, URIRef):
            continue
        title = graph.value(task, DCTERMS.title)
        kinds = per_task.get(task, set()) | set(concepts.tags(str(title), rule_set) if title is not None else [])
        triples += [(task, IPG.policyInstrument, kind) for kind in kinds]
    graph.addN((s, p, o, graph) for s, p, o in triples)
