"""Graph comparison for exports whose blank nodes form trees (contact points, periods,
checksums, identifiers...): each blank node is replaced by what it describes, so equal graphs
compare equal in linear time (rdflib's ``isomorphic`` takes minutes on the demo catalog)."""

from __future__ import annotations

from rdflib import BNode, Graph


def canonical(graph: Graph) -> set:
    objects = {o for o in graph.objects() if isinstance(o, BNode)}

    def describe(node, path: tuple = ()):
        if not isinstance(node, BNode):
            return node
        if node in path:
            raise ValueError(f"a cycle of blank nodes through {node}: not a tree")
        return ("_:", frozenset((p, describe(o, (*path, node)))
                                for p, o in graph.predicate_objects(node)))

    found = {(s, p, describe(o)) for s, p, o in graph if not isinstance(s, BNode)}
    found |= {("_:root", describe(s)) for s in set(graph.subjects())
              if isinstance(s, BNode) and s not in objects}
    return found


def same_graph(first: Graph, second: Graph) -> bool:
    return len(first) == len(second) and canonical(first) == canonical(second)
