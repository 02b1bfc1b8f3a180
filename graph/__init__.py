"""cobuild's graph core: the domain schema, the graph, the Neo4j store and
the gap analysis."""

__all__ = ["product_version"]


def product_version() -> str:
    """cobuild's version, as installed (``pyproject.toml``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cobuild")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "0+unknown"
