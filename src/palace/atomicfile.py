"""Writing a file so that it holds either its old bytes or all the new ones, whatever
happens while it is written: a crash, a full disk or Ctrl-C.

The new bytes go to a temporary file with a unique name in the same folder, which
is flushed and fsynced; ``os.replace`` puts it over the file in one atomic step,
and the folder is fsynced. Unique temporary names mean two processes writing the
same file at once never mix their bytes: the last to finish wins. A crash can leave
a temporary file behind (``.NAME.*.tmp``), never a broken ``NAME``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Put ``data`` in ``path`` so that ``path`` holds either its old bytes or all the new.

    Raises:
        OSError: nothing was replaced (unless the error came after the rename).
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        try:
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable. Some systems cannot open or sync a folder (Windows,
    some network filesystems); the rename has happened either way, so that is no error."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
