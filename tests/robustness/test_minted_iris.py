"""Every IRI ipgraph mints from a name parses again, whatever characters the name holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ipgraph.graph.vocab import iri_segment

BASE = "https://w3id.org/ipgraph/id/org/"


@pytest.mark.parametrize(
    "name",
    [
        "保护\ufffd司",  # a replacement character from a damaged copy
        "运用\ue000促进司",  # private use
        "条法\U000f0001司",  # a private-use plane
        "办公室\ufdd0",  # a noncharacter
        "公共服务司\U0001fffe",  # a plane's last two code points
        "知识产权\uffff",
    ],
)
def test_names_with_odd_code_points_give_iris_that_parse(name):
    iri = BASE + iri_segment(name)
    assert ox.NamedNode(iri).value == iri
    assert iri_segment(name).startswith(name[:2])  # the readable part stays readable


def test_ordinary_names_keep_their_characters():
    assert iri_segment("国家知识产权局 专利局") == "国家知识产权局%20专利局"
    assert iri_segment("《知识产权强国建设纲要》") == "《知识产权强国建设纲要》"
