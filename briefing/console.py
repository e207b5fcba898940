"""The console script's first code: SIGINT and SIGTERM end it with one line from the start.

Importing the command line (Typer, pydantic) takes a tenth of a second; the signal handlers are
in place before it, so even a Ctrl-C that early exits 130 without a traceback.
"""

from __future__ import annotations

import os
import sys

from . import interrupt


def main() -> None:
    interrupt.install()
    try:
        from .cli import main as run
    except BaseException as error:
        # pydantic builds its models' schemas in Rust, which wraps the handler's Interrupted
        # in a SchemaError: whatever an import raised after a signal came is the signal's.
        stop = error if isinstance(error, interrupt.Interrupted) else interrupt.pending()
        if stop is None:
            raise
        print(f"error: {stop}", file=sys.stderr, flush=True)
        os._exit(stop.exit_code)
    run()
