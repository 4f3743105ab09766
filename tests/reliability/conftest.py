"""Helpers for the tests that try to break minicrm: small or read-only file systems, real processes."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest


def _mount(target: Path, size: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(target)],
                         capture_output=True, text=True)  # fmt: skip
    if res.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs in CI: {res.stderr.strip()}")
        pytest.skip(f"needs root to mount a small tmpfs: {res.stderr.strip()}")


@pytest.fixture
def small_fs(tmp_path):
    """A mounted tmpfs of about a MiB; yields (path, remount_readonly)."""
    target = Path("/tmp") / f"minicrm-fs-{uuid.uuid4().hex[:8]}"
    _mount(target, "1280k")  # a new database (schema 0008) takes ~540 KiB and its WAL as much again

    def readonly() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)

    try:
        yield target, readonly
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)
        target.rmdir()
