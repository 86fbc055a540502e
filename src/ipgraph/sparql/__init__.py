"""Stage 4 — questions: the query library, the embedded store, running with limits, result formats.

``remote/`` runs the same queries on a SPARQL 1.1 Protocol endpoint and pushes graphs to a
store. Imports the core modules only (a store holds any RDF, not just ipgraph's).
"""
