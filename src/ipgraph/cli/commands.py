"""The ``ipgraph`` subcommands: one module each, with ``register(subparsers)`` and ``HELP``.

Modules import only the standard library at top level; each command imports what it needs when
it runs. ``register`` imports the code whose defaults its options show, so only the command being
run is registered: ``ipgraph --help`` lists the commands by their ``HELP`` line alone.
"""

COMMANDS = ("build", "load", "validate", "queries", "query", "network", "push", "export", "diff", "serve", "check")


def default(function, parameter: str):
    """The default of one of ``function``'s parameters, for an option that configures it: the
    value lives once, in the signature of the code that uses it."""
    import inspect

    return inspect.signature(function).parameters[parameter].default
