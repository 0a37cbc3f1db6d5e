"""``HamiltonNode`` / ``HamiltonGraph``: the descriptions, versions and filters users read."""

from __future__ import annotations

from .conftest import same


def test_node_descriptions_versions_and_graph_filters(in_both) -> None:
    module = '''
    def a(x: int, k: int = 3) -> int:
        """Doc."""
        # a comment does not change the version
        return x + k

    def b(a: int) -> int:
        return a
    '''
    script = """
    import flow
    from hamilton import driver
    from hamilton.graph_types import HamiltonGraph
    dr = driver.Builder().with_modules(flow).build()
    for v in dr.list_available_variables():
        emit(v.name, v.as_dict(include_optional_dependencies_default_values=True))
        emit(v.name + ":plain", sorted(v.as_dict()))
    graph = HamiltonGraph.from_graph(dr.graph)
    emit("graph version", graph.version)
    emit("inputs", [n.name for n in graph.filter_nodes(lambda n: n.is_external_input)])
    emit("lookup", graph["b"].name)
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)


def test_hamilton_node_built_positionally(in_both) -> None:
    script = """
    from hamilton.graph_types import HamiltonNode
    node = HamiltonNode("a", int, {"t": "v"}, False, None, "doc", {"x"}, {"k"}, {"k": 3})
    emit("fields", [node.name, repr(node.type), node.tags, node.documentation,
                    node.optional_dependencies_default_values])
    emit("version", node.version)
    """
    ours, theirs = in_both(script)
    same(ours, theirs)
