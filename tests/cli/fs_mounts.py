"""Real read-only and tiny file systems for the output-file and read-only-database tests (#16).

The tests run as root, where `chmod` stops nothing: only a read-only mount (or a full one) refuses a write to
root. These helpers mount a small tmpfs (or bind-mount one file read-only) under the test's tmp folder and
always unmount it afterwards. Mounting needs root: without it the test is skipped, and with `CI` set it fails,
so CI never skips these silently (the same rule as tests/reliability/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*args: str) -> None:
    res = subprocess.run(list(args), capture_output=True, text=True)
    if res.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot {' '.join(args)} in CI: {res.stderr.strip()}")
        pytest.skip(f"needs root to mount a file system: {res.stderr.strip()}")


class Tmpfs:
    """A mounted tmpfs at `path`; `read_only()` remounts it read-only, `writable()` read-write again."""

    def __init__(self, path: Path):
        self.path = path

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def writable(self) -> None:
        subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)


@contextmanager
def tmpfs(path: Path, size: str = "4m") -> Iterator[Tmpfs]:
    """A tmpfs of `size` mounted at `path` (created), unmounted and removed afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path))
    try:
        yield Tmpfs(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        path.rmdir()


@contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """`path` (an existing file) bind-mounted read-only onto itself: the file refuses writes, its folder does not."""
    _run("mount", "--bind", str(path), str(path))
    try:
        _run("mount", "-o", "remount,ro,bind", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
