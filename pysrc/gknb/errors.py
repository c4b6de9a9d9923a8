"""User-facing errors: one Chinese sentence that names the file and says what to do."""


class GknbError(Exception):
    """An error the user can act on. The message is shown as is; no traceback."""

    exit_code = 2


class FileLocked(GknbError):
    pass


class OutputExists(GknbError):
    pass


class ReadOnlyFile(GknbError):
    """The file (or its disk) is read-only; it was not changed."""


class DiskFull(GknbError):
    """The disk filled up while writing; the original and its backups are unchanged."""
