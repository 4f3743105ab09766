"""Local hooks: executables in `$MINICRM_HOME/hooks/EVENT` (or in a folder `hooks/EVENT/`, run in name order).

A hook gets the event's JSON on stdin and `MINICRM_*` variables; its output (stdout and stderr together) is
captured and handed back, so a command's stdout stays clean for scripts and the TUI's screen stays whole. A hook
that outlives its timeout is killed with its whole process group (a shell script's children too).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from minicrm.i18n import _

#: Files in the hooks folder that are never run: editor backups and switched-off examples.
IGNORED_SUFFIXES = ("~", ".sample", ".disabled", ".bak", ".orig", ".swp")
#: Seconds a hook may run (config `hook_timeout` changes it).
DEFAULT_TIMEOUT = 10.0


def hooks_dir() -> Path:
    from minicrm.paths import config_dir

    return config_dir() / "hooks"


def _runnable_name(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(IGNORED_SUFFIXES)


def find(folder: Path, event: str) -> list[Path]:
    """The hooks of `event` (e.g. `deal.won`, `before-deal.won`): one stat when there are none."""
    path = folder / event
    try:
        mode = path.stat().st_mode
    except OSError:
        return []
    if stat.S_ISDIR(mode):
        try:
            return sorted(p for p in path.iterdir() if _runnable_name(p.name) and p.is_file())
        except OSError:
            return []
    return [path] if stat.S_ISREG(mode) else []


def installed(folder: Path) -> list[tuple[str, Path]]:
    """Every hook in the folder as (event, path), by event then name (for `hook list`)."""
    found: list[tuple[str, Path]] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if _runnable_name(entry.name):
            found += [(entry.name, path) for path in find(folder, entry.name)]
    return found


def executable(path: Path) -> bool:
    return os.access(path, os.X_OK)


@dataclass
class Outcome:
    """What one run of a hook did."""

    path: Path
    code: int | None = None  # the exit status; None when it did not start or was killed
    output: str = ""
    timed_out: bool = False
    error: str | None = None  # why it could not run

    @property
    def ok(self) -> bool:
        return self.code == 0

    def problem(self, timeout: float) -> str:
        if self.error:
            return self.error
        if self.timed_out:
            return _("timed out after {seconds}s and was stopped").format(seconds=f"{timeout:g}")
        if self.code is not None and self.code < 0:
            return _("was killed by signal {signal}").format(signal=-self.code)
        return _("exited with status {code}").format(code=self.code)


def run(path: Path, payload: bytes, env: dict[str, str], timeout: float) -> Outcome:
    """Run one hook with `payload` on stdin; never raises for a problem of the hook itself."""
    import signal
    import subprocess

    if not executable(path):
        return Outcome(path, error=_("is not executable (chmod +x it)"))
    try:
        proc = subprocess.Popen(
            [str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=path.parent,
            start_new_session=True,  # its own process group: a timeout stops its children too
        )
    except OSError as exc:
        return Outcome(path, error=_("could not start: {reason}").format(reason=exc.strerror or exc))
    timed_out = False
    try:
        out, _err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate()
    except BaseException:  # Ctrl-C while a hook runs: stop it, then let the interrupt through
        _kill_group(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    return Outcome(path, None if timed_out else proc.returncode, out.decode("utf-8", "replace"), timed_out)


def _kill_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except OSError:
        pass
