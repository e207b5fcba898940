"""Bytes in memory -> files in the output folder, atomically, only after every format succeeded."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import PublishError


def publish(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every file beside its target and then replace; a failure leaves old files intact."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                raise PublishError(f"{target} is a symbolic link; refusing to write through it")
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((Path(tmp_name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o644)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise PublishError(f"cannot write {exc.filename or 'output'}: {exc.strerror}") from None
    except PublishError:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    return [target for _, target in staged]
