"""The prefixes ipgraph writes and predeclares for queries (plain strings: no imports)."""

from __future__ import annotations

IPG = "https://w3id.org/ipgraph/ontology#"
ID = "https://w3id.org/ipgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"  # the datatype of a simple literal
XSD_INTEGER = XSD + "integer"

PREFIXES: dict[str, str] = {
    "ipg": IPG,
    "id": ID,
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
}
