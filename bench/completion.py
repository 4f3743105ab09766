"""Time shell completion answers (one Tab = one `minicrm` process) against bare Python starting up.

    python bench/gen.py --scale M && python bench/completion.py --db /tmp/minicrm-bench/minicrm-M.db

Runs the `minicrm` script next to this interpreter as bash's completion function does
(`_MINICRM_COMPLETE=complete_bash COMP_WORDS=... COMP_CWORD=...`), after one warm-up Tab that caches the command
tree; interleaved rounds, medians of wall time and of CPU time (user + system) of the child.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "command names": "minicrm co",
    "options": "minicrm contact list --",
    "contact REF 'an'": "minicrm contact show an",
    "contact REF ''": "minicrm contact show ''",
    "company REF": "minicrm company show a",
    "tag": "minicrm contact list --tag c",
    "kind": "minicrm log 1 ",
    "stage": "minicrm deal move 1 ",
}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def tab_env(line: str, db: str, home: str) -> dict[str, str]:
    words = line.split(" ")
    return {
        **os.environ,
        "MINICRM_HOME": home,
        "MINICRM_DB": db,
        "_MINICRM_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database file or URL (e.g. made by bench/gen.py --scale M)")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("minicrm")
    minicrm = [str(script)] if script.exists() else [sys.executable, "-m", "minicrm"]
    with tempfile.TemporaryDirectory() as home:
        first = run(minicrm, tab_env(CASES["command names"], args.db, home))
        print(f"first Tab (no cached tree, Typer answers): {first[0] * 1000:.0f} ms")
        floor: list[tuple[float, float]] = []
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in CASES}
        answers: dict[str, int] = {}
        for _ in range(args.rounds):
            wall, cpu, _ = run([sys.executable, "-c", "pass"], dict(os.environ))
            floor.append((wall, cpu))
            for name, line in CASES.items():
                wall, cpu, out = run(minicrm, tab_env(line, args.db, home))
                times[name].append((wall, cpu))
                answers[name] = len(out.splitlines())

    def medians(samples: list[tuple[float, float]]) -> str:
        wall = statistics.median(s[0] for s in samples) * 1000
        cpu = statistics.median(s[1] for s in samples) * 1000
        return f"{wall:7.1f} ms wall {cpu:7.1f} ms cpu"

    print(f"{'python -c pass (floor)':28} {medians(floor)}")
    for name, samples in times.items():
        print(f"{name:28} {medians(samples)}   ({answers[name]} candidates)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
