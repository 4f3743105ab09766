"""Real executables for the hook tests (#22): each hook the tests write is a small program that appends what it got
(its stdin JSON and its MINICRM_* variables) as one JSON line to a log file, then does what the test asks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RECORDER = """#!{python}
import json, os, sys
payload = json.load(sys.stdin)
env = {{k: v for k, v in os.environ.items() if k.startswith("MINICRM_")}}
with open({log!r}, "a", encoding="utf-8") as out:
    out.write(json.dumps({{"hook": os.path.basename(sys.argv[0]), "payload": payload, "env": env}}) + "\\n")
{then}
"""


def write_hook(folder: Path, name: str, *, log: Path, then: str = "", executable: bool = True) -> Path:
    """A recording hook at folder/name (name may be EVENT or EVENT/FILE, a folder per event); `then` is Python run
    after the recording (print, sys.exit(1), time.sleep(60)...)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RECORDER.format(python=sys.executable, log=str(log), then=then))
    path.chmod(0o755 if executable else 0o644)
    return path


def write_shell_hook(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def calls(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def minicrm_env(target: str) -> dict[str, str]:
    """The environment a child `python -m minicrm` needs to find this checkout and the test's database."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {"MINICRM_DB": target, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
