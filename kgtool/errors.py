"""The project's own small exception hierarchy.

Every error a user can cause (a missing file, a malformed row, an unknown query, a server that
is down) is raised as a :class:`KgtoolError` subclass whose message says what went wrong and
where (file, row, field, URL), so the CLI can print it and exit with a meaningful code.
"""
from __future__ import annotations


class KgtoolError(Exception):
    """Base class of every error kgtool raises on purpose."""

    exit_code = 2


class InputError(KgtoolError):
    """A file or value given by the user cannot be read or is not what it should be."""


class StoreError(KgtoolError):
    """The store cannot be opened, read or written."""


class ReasoningError(KgtoolError):
    """The reasoner could not run (e.g. Java is missing)."""


class InconsistentGraphError(KgtoolError):
    """The reasoner proved the ontology plus data inconsistent.

    ``individuals`` names the smallest set of data individuals found to cause it.
    """

    exit_code = 1

    def __init__(self, message: str, individuals: list[str] | None = None) -> None:
        super().__init__(message)
        self.individuals = individuals or []


class QueryError(KgtoolError):
    """A saved query or parameter is unknown, or a parameter value is rejected."""


class EndpointError(KgtoolError):
    """A SPARQL endpoint is unreachable, answered with an error, or sent a malformed response."""
