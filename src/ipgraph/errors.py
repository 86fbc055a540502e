"""Errors that ipgraph reports to people: each names the place it is about."""

from __future__ import annotations


class IpgraphError(Exception):
    """Base class of every error ipgraph raises on purpose.

    The CLI prints these as one readable message, without a traceback.
    """


class SourceError(IpgraphError):
    """A source document that cannot be read or does not fit its layout."""

    def __init__(self, path: str, message: str, line: int | None = None, field: str | None = None):
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        place = path if line is None else f"{path}:{line}"
        where = f" [{field}]" if field else ""
        super().__init__(f"{place}{where}: {message}")


class QueryError(IpgraphError):
    """A query that is unknown, malformed, or badly parameterised."""


class QueryTimeout(QueryError):
    """A query stopped at its time limit; it returned no results."""


class StoreError(IpgraphError):
    """A triple store that cannot be reached or refused a request."""


class QueryMemoryError(QueryError):
    """A query stopped at its memory limit; it returned no results."""


class ServiceRefused(QueryError):
    """A federated query (SERVICE) where the server does not send queries to other hosts."""
