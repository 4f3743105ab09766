"""Domain errors that carry their exit code; only the CLI edge turns them into an exit."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # not found, conflict, refused
    USAGE = 2  # bad input (click also uses 2 for usage errors)
    OVERDUE = 3  # `remind --exit-code`: something is overdue


class MinicrmError(Exception):
    """Base class: `str(err)` is the one line shown after `error: `."""

    exit_code: int = ExitCode.FAILURE


class BadInput(MinicrmError):
    """The user gave a value we cannot use (unparseable date, malformed spec...)."""

    exit_code = ExitCode.USAGE


class NotFound(MinicrmError):
    exit_code = ExitCode.FAILURE


class Ambiguous(MinicrmError):
    """A reference matched several records; the message lists them."""

    exit_code = ExitCode.FAILURE


class Conflict(MinicrmError):
    """Duplicate name, stale edit, refused operation."""

    exit_code = ExitCode.FAILURE


class StoreError(MinicrmError):
    """The database cannot be opened, is read-only, locked or damaged."""

    exit_code = ExitCode.FAILURE


class PermissionDenied(MinicrmError):
    """The user's role does not allow the action (#21): `permission denied: <what and why>`."""

    exit_code = ExitCode.FAILURE

    def __init__(self, what: str):
        from minicrm.i18n import _

        super().__init__(_("permission denied: {what}").format(what=what))
