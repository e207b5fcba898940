"""SIGINT and SIGTERM -> one exception every command ends on, and a guard for publishing.

Ctrl-C and `kill` stop a command where it stands: the exception unwinds through the pipeline,
whose clean-up discards what was staged, and the console script prints one line and exits with
128 plus the signal's number. Some libraries catch every exception while they draw (WeasyPrint
logs a failed SVG and goes on), so the signal is also remembered: publishing refuses to start
once one has arrived, and the console script ends on it even if the command returned.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []
_held: list[bool] = []  # non-empty while a deferred() block runs
# The files this command has put in place: a signal after publishing (while the mail goes out,
# or the summary prints) must not say the output folder is as it was.
_published: list[Path] = []


class Interrupted(BaseException):
    """A signal asked the command to stop. Not an Exception: `except Exception` lets it pass."""

    def __init__(self, signum: int, published: list[Path] | None = None):
        super().__init__(signum)
        self.signum = signum
        self.published = list(_published) if published is None else published

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        if self.published:
            return f"interrupted by {self.name} after the new files were written"
        return f"interrupted by {self.name}; the output folder is as it was"


def _stop(signum: int, _frame: object) -> None:
    first = not _received
    _received.append(signum)
    # A second Ctrl-C must not break the clean-up the first one started, and a held one waits.
    if first and not _held:
        raise Interrupted(signum)


def note_published(paths: list[Path]) -> None:
    """Remember that these files are in place, for the message of a signal that comes later."""
    _published[:] = paths


def forget_published() -> None:
    """A new attempt starts (a watch rebuild): until it publishes, nothing of it is in place."""
    _published.clear()


def install() -> None:
    """Turn SIGINT and SIGTERM into Interrupted for the rest of this process.

    A signal the parent set to be ignored stays ignored, as Python's own SIGINT handling does: a
    shell starts background jobs so, that Ctrl-C at the terminal leaves them running.
    """
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _stop)


def pending() -> Interrupted | None:
    """The Interrupted for a signal that has arrived, or None."""
    return Interrupted(_received[0]) if _received else None


def acknowledge() -> None:
    """The command has ended on the signal as it was meant to end (watch, serve): nothing is
    pending any more, so the console script exits as the command says."""
    _received.clear()


def raise_if_interrupted() -> None:
    """Raise Interrupted when a signal arrived, even if something swallowed its exception."""
    stop = pending()
    if stop is not None:
        raise stop


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few steps that must finish together.

    A signal that arrives meanwhile is remembered and raised when the block ends. The handler
    itself waits (rather than a blocked signal mask), as Python runs handlers in the main thread
    whichever thread the signal reached, a spinner's for instance.
    """
    _held.append(True)
    try:
        yield
    finally:
        _held.pop()
    raise_if_interrupted()
