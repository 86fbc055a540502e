"""ipgraph build — parse source documents and write the graph as deterministic Turtle."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="parse source documents into the RDF graph",
        description="Read policy task documents (task lists, annual plans, work points, task divisions, "
        "work guides, notices; text as published, with its noise) and write them "
        "into one graph as deterministic Turtle, each document in its own IRI space. "
        "With no SOURCE, builds the bundled 2021 task list; with no --output, writes data/ipgraph.ttl "
        "in the workspace (the current folder, or $IPGRAPH_HOME), and the on-disk store beside it that the other "
        "commands open (data/ipgraph.ttl.store/). Nothing is written if any source fails.",
    )
    p.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="source documents (text, saved web pages .html/.htm, Word .docx/.doc/.wps, PDF) or folders "
        "of them (default: the bundled sources)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the Turtle (default: data/ipgraph.ttl)")
    p.add_argument("--layout", help="force a reader instead of detecting it: reader or cnipa-tasklist")
    p.add_argument(
        "--encoding",
        help="the text encoding of text files and web pages (default: what the page declares, else detect "
        "UTF-8 or GB18030)",
    )
    p.add_argument(
        "--no-store",
        action="store_true",
        help="write the Turtle only, not the on-disk store beside it (FILE.store/; see `ipgraph load`)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar (it shows only on a terminal)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ipgraph import paths
    from ipgraph.files import atomic_write
    from ipgraph.graph import cache
    from ipgraph.graph.build import source_files
    from ipgraph.graph.compose import compose
    from ipgraph.graph.vocab import Vocabulary
    from ipgraph.progress import track
    from ipgraph.sparql import filling, persist

    files = source_files(args.sources) if args.sources else paths.bundled_sources()
    output = Path(args.output) if args.output else paths.default_graph_file()
    # The per-document cache lives in the store's folder (never committed; deleting it is safe).
    kept = None if args.no_store else cache.Cache(persist.location(output) / "documents")
    vocab = Vocabulary()
    parts = cache.parts(files, vocab, args.layout, args.encoding, kept, lambda w: print(w, file=sys.stderr))
    built = compose(list(track(parts, "building", quiet=args.quiet, total=len(files))), vocab)
    data = built.turtle.encode()
    built.turtle = ""  # the bytes are enough from here on (a 1 M-triple graph's text is 100 MB or more)
    target = atomic_write(output, data)
    print(f"wrote {built.count} triples to {target}")
    if kept is not None:
        now = filling.store_graphs(target, hashlib.sha256(data).hexdigest(), built.graphs, built.documents)
        kept.prune()
        print(f"stored them in {now.folder} ({persist.summary(now)})")
    return 0
