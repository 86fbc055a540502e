"""Stage 1 — source bytes → normalised text → plain records.

Owns reading a source file (``source``), the layouts that recognise a document
(``layouts/``) and the records they produce (``records``). Imports only the core
modules (``ipgraph.errors``, ``ipgraph.paths``): no RDF here.
"""
