"""Domain errors.

Library code raises these; it never prints or exits.  Every error names the input it is about,
what was wrong, and the fix, so the boundaries (CLI, HTTP API) can show it as is:
``error: <what> — <fix>`` on the command line, one JSON shape over HTTP.
"""

from __future__ import annotations


class FlashpointError(Exception):
    """Base of every error Flashpoint raises on purpose."""

    code = "error"  # machine-readable kind, used by the HTTP error shape
    http_status = 400

    def __init__(self, what: str, fix: str = "", *, subject: str | None = None) -> None:
        self.what = what
        self.fix = fix
        self.subject = subject  # the input it is about: a path, URL, option name …
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.subject}: {self.what}" if self.subject else self.what
        return f"{head} — {self.fix}" if self.fix else head

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.what, "subject": self.subject, "fix": self.fix}


class InputError(FlashpointError):
    """An input (file, URL, record) that cannot be read as an article."""

    code = "bad_input"

    def __init__(
        self, what: str, fix: str = "", *, subject: str | None = None, reason: str = "invalid"
    ) -> None:
        super().__init__(what, fix, subject=subject)
        self.reason = reason  # short key used in ingest summaries: empty, binary, too-large …


class FetchError(InputError):
    """A URL that could not be fetched (unreachable, refused, too large, private address)."""

    code = "fetch_failed"


class ConfigError(FlashpointError):
    """A bad option value or configuration file."""

    code = "bad_config"


class DataFileError(FlashpointError):
    """A packaged or user data file (lexicon, dictionary, gazetteer) that fails validation."""

    code = "bad_data_file"
    http_status = 500

    def __init__(
        self, path: str, what: str, fix: str = "", *, entry: str | None = None,
        field: str | None = None,
    ) -> None:
        where = path
        if entry is not None:
            where += f", entry {entry!r}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(what, fix or "correct the file and run again", subject=where)
        self.path = path
        self.entry = entry
        self.field = field


class StoreError(FlashpointError):
    """The embedded store cannot be opened, migrated, read or written."""

    code = "store_error"
    http_status = 503


class NotFoundError(FlashpointError):
    """A requested record does not exist."""

    code = "not_found"
    http_status = 404


class ModelMissingError(FlashpointError):
    """An NLP model is not installed."""

    code = "model_missing"
    http_status = 500
