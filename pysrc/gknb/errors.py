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


class NotAReport(GknbError):
    """The file has none of a report's marks (no 政府信息公开 heading, part or table label):
    a README or a note beside the reports, not a report that could not be read. A folder
    check or review skips it and says so; given by name, it is that file's one line."""


class DiskFull(GknbError):
    """The disk filled up while writing; the original and its backups are unchanged."""


LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "openpyxl", "docx", "PIL")


def quiet_library_logs() -> None:
    """The PDF and Office libraries log warnings about odd files ("Cannot set gray non-stroke
    color …"), which Python prints on stderr when nobody set up logging. A do-nothing handler
    on their loggers keeps Python's last-resort printer off; the records still reach a
    handler --debug sets up. Idempotent; readers that may run in a fresh worker process
    call it too."""
    import logging

    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def quiet_libraries(debug: bool = False) -> None:
    """No library text reaches the user: library log records and `warnings` are dropped, so
    the user sees our Chinese lines only; with --debug (GKNB_DEBUG=1) both go to stderr."""
    import logging
    import warnings

    quiet_library_logs()
    if debug:
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
        warnings.simplefilter("default")
    else:
        warnings.simplefilter("ignore")
