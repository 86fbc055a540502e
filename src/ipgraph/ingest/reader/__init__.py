"""The reader: one reader for the task documents as they are published.

It is made of parts that each handle one aspect; a new variant is a rule or a table
entry in one of them:

- ``normalise``: characters (width, traditional → simplified, PDF spaces) with a map back
  to the original offsets;
- ``noise``: lines that carry nothing (page markers, mirror chrome);
- ``notice``: 文号, notice title, addressees, issuers, date, markers, gov.cn metadata;
- ``structure``: the heading tree and the units that become tasks, in prose;
- ``tables``: the rows of task tables (tab, pipe, space or one-cell-per-line);
- ``clauses``: responsibility clauses with roles, open lists, split duty, deadlines;
- ``bodies``: the body registry (eras, carried prefixes, names relative to the issuer).

``document`` (in ``assemble``) puts the parts together into plain records.
"""

from __future__ import annotations

from ipgraph.ingest.reader.assemble import read_document

__all__ = ["read_document"]
