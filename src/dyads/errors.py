"""Every error dyads raises on purpose.

    DyadsError                 one-line message: what was wrong, with which input, what to do
     ├── InputError            a file, record, URL or stdin that cannot be read as an article
     ├── SettingsError         a flag, environment variable or setting with a bad value
     ├── StoreError            the database cannot be opened, migrated or written
     ├── QueryError            a lookup or query a user asked for that cannot be answered
     │    └── NotFound         no stored record has the id asked for (HTTP 404)
     └── MissingDependency     an optional part is not installed; says what to install

The CLI prints ``Error: <message>`` and exits 1; the web API answers one JSON
error shape (400 for a ``QueryError`` or ``SettingsError``, 404 for ``NotFound``);
batch work records each ``InputError`` against its input and goes on.
"""

from __future__ import annotations


class DyadsError(Exception):
    """Base of every error dyads raises on purpose."""


class InputError(DyadsError):
    """An input (file, record, URL, stdin) that cannot be read as an article."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class SettingsError(DyadsError):
    """A setting, flag or environment variable with a bad value."""


class StoreError(DyadsError):
    """The database cannot be opened, migrated or written."""


class QueryError(DyadsError):
    """A lookup or query that cannot be answered as asked.

    ``parameter`` names the flag or query parameter at fault, when one is.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class NotFound(QueryError):
    """No stored record has the id asked for."""


class MissingDependency(DyadsError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed; run: pip install 'dyads[{extra}]'")
