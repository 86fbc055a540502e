"""rdflib namespaces for the prefixes of :mod:`ipgraph.prefixes`."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from ipgraph.prefixes import PREFIXES

IPG = Namespace(PREFIXES["ipg"])
ID = Namespace(PREFIXES["id"])
ORG = Namespace(PREFIXES["org"])
ELI = Namespace(PREFIXES["eli"])
OA = Namespace(PREFIXES["oa"])

__all__ = ["DCTERMS", "ELI", "ID", "IPG", "OA", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SKOS", "TIME", "XSD"]
