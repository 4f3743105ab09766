"""Writing the files minicrm is asked to write: exports (`-o FILE`), backups, reject files.

`output_file(path)` is the one way to write a file a user names:

- a regular file, or none yet: the data goes to a temporary file in the same folder (created 0600, or with the
  mode of the file it replaces), is flushed to the disk, then renamed over the old file in one step: a reader
  sees the old file or the new one, never half of one, and a failed export leaves the old file as it was;
- a symbolic link: the same for the file it points to; the link stays;
- a character or block device or a FIFO (`-o /dev/null`, `-o /dev/stdout`, a named pipe): written in place;
- a folder, or a path in a missing folder: an error naming it (folders are never created).

Backups write new files only, and never through a link planted at their destination: `private_workdir`
makes a 0700 folder beside the destination where only minicrm can create files (SQLite's backup API writes
to a path), and `place_new` moves a finished file to its name only if nothing, not even a dangling link, is
there yet.

Errors are one `error:` line: a place that cannot be written (a folder, missing folder, permissions, a
read-only file system) is a `BadInput` (exit 2); running out of space or an I/O error while writing is a
`StoreError` (exit 1). Nothing here imports more than the standard library.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from minicrm.errors import BadInput, MinicrmError, StoreError
from minicrm.i18n import _

#: failures of the disk rather than of the place the user named
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}


def write_error(path: Path | str, exc: OSError) -> MinicrmError:
    """The one-line error for `exc` met while writing `path`."""
    reason = exc.strerror or str(exc)
    cls = StoreError if exc.errno in _DISK_ERRORS else BadInput
    return cls(_("cannot write {path}: {reason}").format(path=path, reason=reason))


def check_folder(path: Path) -> Path:
    """The folder `path` goes in; BadInput when it is missing or not a folder (folders are never created)."""
    folder = path.parent
    if not folder.is_dir():
        msg = (
            _("cannot write {path}: no folder {folder}")
            if not folder.exists()
            else (_("cannot write {path}: not a folder: {folder}"))
        )
        raise BadInput(msg.format(path=path, folder=folder))
    return folder


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: some file systems cannot sync a folder)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def output_file(
    path: Path | str | None, *, binary: bool = False, newline: str | None = None, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """A stream to write `path` with (None or `-`: standard output), by the rules in the module docstring."""
    if path is None or str(path) == "-":
        stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    named = Path(path).expanduser()
    try:
        st: os.stat_result | None = named.stat()  # follows a symlink to what it points to
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise write_error(path, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise BadInput(_("{path} is a folder; give a file name").format(path=path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        with _in_place(named, path, binary=binary, newline=newline, encoding=encoding) as fh:
            yield fh
        return
    target = Path(os.path.realpath(named)) if named.is_symlink() else named
    with _replace(target, path, st, binary=binary, newline=newline, encoding=encoding) as fh:
        yield fh


def _open_mode(binary: bool) -> str:
    return "wb" if binary else "w"


@contextmanager
def _in_place(named: Path, shown: Path | str, **kw: Any) -> Iterator[IO[Any]]:
    """A device, FIFO or socket: opened and written as it is (no temporary file, no rename)."""
    binary = kw.pop("binary")
    try:
        fh = named.open(_open_mode(binary), **({} if binary else kw))
    except OSError as exc:
        raise write_error(shown, exc) from None
    try:
        yield fh
        fh.flush()
    except OSError as exc:
        raise write_error(shown, exc) from None
    finally:
        with suppress(OSError):
            fh.close()


@contextmanager
def _replace(target: Path, shown: Path | str, old: os.stat_result | None, **kw: Any) -> Iterator[IO[Any]]:
    """Write a temporary file beside `target` (0600, or the old file's mode), sync it, rename it over `target`."""
    import tempfile

    binary = kw.pop("binary")
    folder = check_folder(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)  # O_EXCL, 0600
    except OSError as exc:
        raise write_error(shown, exc) from None
    tmp = Path(tmp_name)
    try:
        try:
            if old is not None:
                _keep_mode_and_owner(fd, old)
            fh = os.fdopen(fd, _open_mode(binary), **({} if binary else kw))
        except BaseException:
            os.close(fd)
            raise
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise write_error(shown, exc) from None
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_folder(folder)


def _keep_mode_and_owner(fd: int, old: os.stat_result) -> None:
    """The replacement keeps the permissions the user gave the old file (and its owner, when we may set it)."""
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if hasattr(os, "geteuid") and os.geteuid() == 0 and (old.st_uid, old.st_gid) != (0, 0):
        with suppress(OSError):
            os.fchown(fd, old.st_uid, old.st_gid)


# -- new files only: backups --------------------------------------------------------------------------------
@contextmanager
def private_workdir(destination: Path) -> Iterator[Path]:
    """A new folder (0700) beside `destination`, removed with its content afterwards.

    Files made in it by name (SQLite's backup API opens a path) cannot be redirected by a link someone planted,
    since only this process can create entries there; `place_new` then moves the result into place.
    """
    import shutil
    import tempfile

    folder = check_folder(destination)
    work = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".tmp", dir=folder))  # OSError: caller's
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def new_private_file(path: Path) -> None:
    """Create `path` empty, mode 0600; FileExistsError if anything (a link included) is there already."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)


def place_new(source: Path, destination: Path) -> None:
    """Move the finished file `source` to `destination`, which must not exist: FileExistsError otherwise.

    A hard link is created atomically only if the name is free (a dangling symlink counts as taken); where the
    file system has no hard links, a check and a rename.
    """
    with open(source, "rb") as fh:
        os.fsync(fh.fileno())
    try:
        os.link(source, destination, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        if os.path.lexists(destination):
            raise FileExistsError(errno.EEXIST, "File exists", str(destination)) from None
        os.rename(source, destination)
    else:
        source.unlink()
    _fsync_folder(destination.parent)
