"""The ``ipgraph`` subcommands: one module each, with ``register(subparsers)``.

Modules import only the standard library at top level, so that ``ipgraph --help``
starts fast; each command imports what it needs when it runs.
"""

COMMANDS = ("build", "load", "validate", "queries", "query", "network", "push", "export", "diff", "serve", "check")
