"""The few exceptions the tool raises for a user's mistake; the CLI prints them without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file that a message points at."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return (
            f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        )


@dataclass(frozen=True)
class Problem:
    """One finding: where it is, what field, and what was expected."""

    location: Location
    message: str
    field: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = f"{self.location}: "
        field = f"{self.field}: " if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{tag}{field}{self.message}"


class BriefingError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    exit_code = 1


class UsageError(BriefingError):
    """The command was called in a way that cannot work (missing project, bad option)."""

    exit_code = 2


class FileRefused(BriefingError):
    """A file the tool will not read or write: outside the project, not a regular file, too big."""

    def __init__(self, shown: str, reason: str):
        self.shown, self.reason = shown, reason  # reason: a noun phrase, "a FIFO (named pipe) …"
        super().__init__(f"{shown} is {reason}")


class ContentError(BriefingError):
    """One or more problems in the content files, all collected before raising."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.location, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(BriefingError):
    """A renderer could not produce its format from valid content."""


class PublishError(BriefingError):
    """The built files could not be written to the output folder."""


class SendError(BriefingError):
    """The briefing could not be delivered by email."""
