"""The graph comparison the conformance tests rely on tells equal graphs from different ones."""

import pytest

from portal.rdf import parse_graph
from tests.feeds.graphs import same_graph

A = '<http://x/a> <http://x/p> [ <http://x/q> "1" ; <http://x/r> [ <http://x/s> "2" ] ] .'


@pytest.mark.parametrize(("other", "same"), [
    ('<http://x/a> <http://x/p> [ <http://x/r> [ <http://x/s> "2" ] ; <http://x/q> "1" ] .', True),
    ('<http://x/a> <http://x/p> [ <http://x/q> "1" ; <http://x/r> [ <http://x/s> "3" ] ] .',
     False),
    ('<http://x/a> <http://x/p> [ <http://x/q> "1"@es ; <http://x/r> [ <http://x/s> "2" ] ] .',
     False),
    (A + ' [ <http://x/t> "alone" ] .', False),
])
def test_same_graph(other, same):
    assert same_graph(parse_graph(A, "turtle"), parse_graph(other, "turtle")) is same


def test_a_cycle_of_blank_nodes_is_refused():
    cycle = parse_graph("_:a <http://x/p> _:b . _:b <http://x/p> _:a . "
                        "<http://x/c> <http://x/p> _:a .", "turtle")
    with pytest.raises(ValueError, match="cycle"):
        same_graph(cycle, cycle)
