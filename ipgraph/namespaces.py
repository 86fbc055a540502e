"""The namespaces ipgraph writes and the prefixes it offers to queries."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

IPG = Namespace("https://w3id.org/ipgraph/ontology#")
ID = Namespace("https://w3id.org/ipgraph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

PREFIXES: dict[str, str] = {
    "ipg": str(IPG),
    "id": str(ID),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "eli": str(ELI),
    "time": str(TIME),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = ["DCTERMS", "ELI", "ID", "IPG", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SKOS", "TIME", "XSD"]
