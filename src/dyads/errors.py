"""Every error dyads raises on purpose.

    DyadsError                 one-line message: what was wrong, with which input, what to do
     ├── InputError            a file, record, URL or stdin that cannot be read as an article
     ├── SettingsError         a flag, environment variable or setting with a bad value
     ├── StoreError            the database cannot be opened, migrated or written
     ├── QueryError            a lookup or query a user asked for that cannot be answered
     └── MissingDependency     an optional part is not installed; says what to install

The CLI prints ``Error: <message>`` and exits 1; batch work records each
``InputError`` against its input and goes on.
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
    """A lookup or query that cannot be answered as asked."""


class MissingDependency(DyadsError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; run: pip install 'dyads[{extra}]'"
        )
