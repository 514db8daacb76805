"""The domain exception tree.

Every failure a user can cause or meet is one of these, with a one-line message that is safe to
show (no snippet content, no secrets, no traceback). The CLI maps them to exit code 1 and the
language server to JSON-RPC errors, so both front ends stay thin.

    PiecesError
    ├── UserError                  the request itself is wrong (exit 1 / -32602 or -32803)
    │   ├── ValidationError        a field is missing or malformed; names the field
    │   ├── NotFoundError          no snippet with that id
    │   └── ConfirmationRequired   destructive action without explicit confirmation
    ├── StorageError               the library file cannot be used as asked
    │   ├── LibraryBusyError       other processes held the lock for too long
    │   ├── SchemaTooNewError      written by a newer pieces-lsp; refused, never modified
    │   └── CorruptLibraryError    not a readable library file
    ├── PortabilityError           export / import failed
    │   └── UnsupportedFormatError format unknown or cannot be guessed
    ├── BackupError                an encrypted backup is refused; the library is unchanged
    │   ├── WrongPassphraseError
    │   ├── TamperedBackupError
    │   ├── TruncatedBackupError
    │   └── UnsafeArchiveError     a member with an absolute path, `..`, or a link
    ├── AnalysisError              on-device analysis could not run
    │   ├── AnalysisUnavailableError  the analysis worker died or overran its deadline
    │   └── ModelFileError         a shipped model file is missing or fails its hash check
    └── PrivacyError               an opt-in network request was refused or failed; nothing
        │                          in the library changed
        ├── EgressDisabledError    network access is off (the default); says how to opt in
        ├── MissingAPIKeyError     the variable named by privacy.llm.api_key_env is unset
        ├── AuditLogError          the audit log cannot be written, so nothing was sent
        ├── LLMUnavailableError    refused, unresolvable, timed out or cut off mid-answer
        └── LLMResponseError       4xx/5xx, an error line, a malformed stream, an empty answer
"""

from __future__ import annotations


class PiecesError(Exception):
    """Base of every error pieces-lsp raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(PiecesError):
    """The request is wrong; retrying the same request will fail the same way."""


class ValidationError(UserError):
    """A field of a request is missing or malformed."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class NotFoundError(UserError):
    """The referenced snippet does not exist in this profile."""


class ConfirmationRequired(UserError):
    """A destructive action was asked for without its explicit confirmation."""


class StorageError(PiecesError):
    """The library file cannot be used as asked."""


class LibraryBusyError(StorageError):
    """Other processes kept the library locked past our bounded wait."""


class SchemaTooNewError(StorageError):
    """The file was written by a newer pieces-lsp: refused, never modified."""


class CorruptLibraryError(StorageError):
    """The file is not a library this version can read."""


class PortabilityError(PiecesError):
    """Export or import failed."""


class UnsupportedFormatError(PortabilityError):
    """The format is unknown or cannot be guessed from the path."""


class BackupError(PiecesError):
    """An encrypted backup was refused; the library is unchanged."""


class WrongPassphraseError(BackupError):
    """The passphrase does not open this backup."""


class TamperedBackupError(BackupError):
    """The backup failed authentication: modified, corrupted, or not a backup."""


class TruncatedBackupError(BackupError):
    """The backup file is shorter than its header says."""


class UnsafeArchiveError(BackupError):
    """The archive inside the backup has a member we will not read."""


class AnalysisError(PiecesError):
    """On-device analysis could not run; saves fall back to basic enrichment."""


class AnalysisUnavailableError(AnalysisError):
    """The analysis worker process died, hung or could not start."""


class ModelFileError(AnalysisError):
    """A model file shipped in models/ is missing or does not match its recorded SHA-256:
    the install is damaged, and a model we cannot verify is never run."""


class PrivacyError(PiecesError):
    """An opt-in network request was refused before leaving, or failed on the way; the library
    is never changed by either. `outcome` is the word the audit log records for it."""

    outcome: str = "error"

    def __init__(self, message: str, *, outcome: str | None = None) -> None:
        super().__init__(message)
        if outcome is not None:
            self.outcome = outcome


class EgressDisabledError(PrivacyError):
    """Network access is off (the default): nothing was resolved, connected or sent."""

    outcome = "disabled"


class MissingAPIKeyError(PrivacyError):
    """The environment variable named by `privacy.llm.api_key_env` is unset or empty; the
    message names the variable, never a value."""

    outcome = "no-key"


class AuditLogError(PrivacyError):
    """The audit log cannot be written: a request we could not record is never sent."""

    outcome = "no-audit"


class LLMUnavailableError(PrivacyError):
    """The LLM server could not be reached or stopped answering; retrying later may work."""

    outcome = "unreachable"


class LLMResponseError(PrivacyError):
    """The LLM server answered, but with an error or with something we cannot read."""

    outcome = "malformed"

    def __init__(
        self, message: str, *, outcome: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, outcome=outcome)
        self.status = status
