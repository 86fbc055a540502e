"""ipgraph — a knowledge graph of China's IP-policy task lists.

The pipeline, one module per stage::

    source → parse (layouts/) → build → validate → query (store, run) / analyse → export / serve

A notebook user calls the same functions the ``ipgraph`` command does::

    from ipgraph.graph.build import build_sources
    from ipgraph.sparql.store import EmbeddedStore
    from ipgraph.sparql.library import resolve
    from ipgraph.sparql.run import run_embedded

    store = EmbeddedStore.from_rdflib(build_sources())
    run_embedded(store, resolve("tasks-per-department")).records()
"""

__version__ = "0.1.0"
