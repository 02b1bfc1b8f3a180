"""cobuild's graph core: the domain schema, the graph, the Neo4j store and
the gap analysis."""
