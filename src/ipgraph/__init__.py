"""ipgraph — a knowledge graph of China's IP-policy task lists.

The pipeline, one subpackage per stage::

    ingest → graph → sparql → shacl → network → export → web, with cli/ on top

A notebook user calls the same functions the ``ipgraph`` command does::

    from ipgraph.graph.build import build_sources
    from ipgraph.sparql.store import EmbeddedStore
    from ipgraph.sparql.library import resolve
    from ipgraph.sparql.run import run_embedded

    store = EmbeddedStore.from_rdflib(build_sources())
    run_embedded(store, resolve("tasks-per-department")).records()
"""

__version__ = "0.1.0"
