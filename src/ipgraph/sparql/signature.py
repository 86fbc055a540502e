"""Stat signatures: when a graph file need not be hashed again to know its store is current.

Hashing the graph file on every command would cost more than the query (0.2 s for 100 MB), so a
reader that has hashed it and found the checksum its store version was built from records the
stat signature (size, mtime, ctime, inode, device) of the file, of the ontology and of its rules
(which the entailed graph comes from) in ``v-…/signature.json``; while the files show the same
signatures, the version is taken as current, as git's index does. The checksum stays the
authority: any write to a file, a rename over it or a copy gives it a new ctime (which, unlike
the mtime, no tool can set back) or a new inode; and signatures are recorded only for files whose
last change is older, by more than any filesystem's timestamp granularity, than the moment
hashing began, so that a write racing with the hash cannot leave a signature matching changed
content.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from ipgraph import paths
from ipgraph.errors import IpgraphError

SIGNATURE = "signature.json"  # in a version's folder: [its checksum, its rules' digest, the signatures]
RACY_NS = 2 * 10**9  # a change this recent may share its timestamps with a later one (coarse clocks, FAT)


def of(graph: Path) -> list[list[int]]:
    """The stat signatures of what decides whether a version is current: the graph file, the
    ontology, the rules' folder (a rule added or removed) and each rule."""
    from ipgraph.sparql.entailment import RULES_DIR

    rules = sorted(RULES_DIR.glob("*.rq"))
    return [_signature(p) for p in (graph, paths.ONTOLOGY, RULES_DIR, *rules)]


def _signature(path: Path) -> list[int]:
    try:
        s = path.stat()
    except OSError:
        return []
    return [s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev]


def settled(signatures: list[list[int]], started: int) -> bool:
    """Whether every file last changed long enough before ``started`` (ns) that a later change
    cannot share its timestamps."""
    return all(s and s[2] < started - RACY_NS for s in signatures)


def remembered(version: Path) -> list | None:
    """What was recorded beside a version, if anything."""
    try:
        return json.loads((version / SIGNATURE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remember(version: Path, record: list) -> None:
    """Record beside a version (when its folder can be written: else the next command hashes again)."""
    from ipgraph.files import atomic_write

    with contextlib.suppress(OSError, IpgraphError):
        atomic_write(version / SIGNATURE, json.dumps(record) + "\n")
