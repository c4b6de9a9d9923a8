"""User-facing errors: one Chinese sentence that names the file and says what to do."""


class GknbError(Exception):
    """An error the user can act on. The message is shown as is; no traceback."""

    exit_code = 2


class FileLocked(GknbError):
    pass


class OutputExists(GknbError):
    pass
