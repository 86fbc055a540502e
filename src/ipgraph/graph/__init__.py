"""Stage 2 — records → RDF: the builder, the shared vocabularies, concept tagging, the Turtle writer.

Imports ``ipgraph.ingest`` (records, parsing) and the core modules, never later stages.
"""
