"""Remote SPARQL 1.1 stores: run the query library on them, and push the graph into them.

Queries go over the SPARQL 1.1 Protocol (POST), through one HTTP client (httpx, ``http``)
that push uses too. Parameters are sent as a ``VALUES`` row of escaped RDF terms placed first
in the query's outermost WHERE group, since the protocol has no way to bind variables (``text``).
``push`` writes the graph with the Graph Store Protocol (or SPARQL Update), into a staging graph
first; only when the store holds exactly the triples sent (``fingerprint``) does one ``MOVE``
replace the target graph.

SPARQLWrapper is not used: httpx already does the protocol's two requests, and gives one place for
credentials, deadlines and redirects.
"""

from ipgraph.sparql.remote.fingerprint import Fingerprint, fingerprint, read_ntriples
from ipgraph.sparql.remote.push import DEFAULT_GRAPH, Endpoints, push, remote_fingerprint, staging_graph
from ipgraph.sparql.remote.query import DEFAULT_TIMEOUT, Runner, remote_runner, run_remote, run_text
from ipgraph.sparql.remote.text import remote_text, with_prefixes, with_values

__all__ = [
    "DEFAULT_GRAPH",
    "DEFAULT_TIMEOUT",
    "Endpoints",
    "Fingerprint",
    "Runner",
    "fingerprint",
    "push",
    "read_ntriples",
    "remote_fingerprint",
    "remote_runner",
    "remote_text",
    "run_remote",
    "run_text",
    "staging_graph",
    "with_prefixes",
    "with_values",
]
