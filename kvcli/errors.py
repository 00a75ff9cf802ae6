"""The one error taxonomy: core raises these, only `cli.app.main` prints them and exits.

Each error knows how az would frame it and which exit code az would give, so the
terminal layer never has to guess. Service texts that were not verified against real
Azure are kept in `messages.py` beside this file, in one table, so they are easy to adjust.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_FOUND = 3


class KvError(Exception):
    """A client-side error printed as `ERROR: message` (az's CLIError / validator errors)."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, exit_code: ExitCode | None = None,
                 recommendations: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.recommendations = recommendations
        if exit_code is not None:
            self.exit_code = exit_code

    def render(self) -> list[str]:
        """The stderr lines, without the level prefix on continuation lines."""
        return [f"ERROR: {self.message}", *self.recommendations]


class UsageError(KvError):
    """An argparse-level error in az: exit 2 and the reference-docs footer."""

    exit_code = ExitCode.USAGE

    def render(self) -> list[str]:
        return [f"ERROR: {self.message}", *self.recommendations, "",
                "https://aka.ms/cli_ref", "Read more about the command in reference docs"]


class ServiceError(KvError):
    """An HTTP error from Key Vault or ARM, framed as azure-core prints it.

    `status` is the HTTP status the real service would answer with; a 404 becomes exit 3
    only where az does so (show commands and ARM commands), which the caller decides
    through `not_found_exit`.
    """

    def __init__(self, code: str, message: str, *, status: int = 400,
                 inner_code: str | None = None, not_found_exit: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.inner_code = inner_code
        if status == 404 and not_found_exit:
            self.exit_code = ExitCode.NOT_FOUND

    def render(self) -> list[str]:
        lines = [f"ERROR: ({self.code}) {self.message}", f"Code: {self.code}",
                 f"Message: {self.message}"]
        if self.inner_code:
            lines += ["Inner error: {", f'    "code": "{self.inner_code}"', "}"]
        return lines


def file_error(error: OSError, path: object) -> KvError:
    """A local file that cannot be read, in the words az prints (`[Errno 2] No such ...`)."""
    return KvError(f"[Errno {error.errno}] {error.strerror}: '{path}'")


class StateError(KvError):
    """The state home is unreadable, damaged or from a newer kvcli; never overwritten."""
