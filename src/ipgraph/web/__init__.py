"""Serving: the read-only SPARQL 1.1 Protocol endpoint, the named-query URLs and the browser page.

Imports ``ipgraph.sparql`` and ``ipgraph.network``/``ipgraph.export`` for the network view.
"""
