"""Maintainers' scripts that regenerate parts of the docs from the graph; not installed."""
