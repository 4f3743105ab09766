#!/usr/bin/env bash
# `minicrm tui` on a big database, driven through tmux like a user would:
# 100,000 contacts / 1,000,000 interactions / 50,000 deals (bench/gen.py --scale L, made once and reused).
# Checks that the dashboard appears and that a search narrows the contact list; prints the timings.
#
#   bench/tui_tmux.sh                 # PYTHON=/path/to/python OUT=/tmp/minicrm-bench to override
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python}
OUT=${OUT:-${TMPDIR:-/tmp}/minicrm-bench}
DB=$OUT/minicrm-L.db
SESSION=minicrm-tui-$$
[ -s "$DB" ] || "$PY" "$ROOT/bench/gen.py" --scale L --out "$OUT"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
pane() { tmux capture-pane -p -t "$SESSION"; }
wait_for() {  # wait_for TEXT [TIMEOUT_S]
    local deadline=$(( $(date +%s) + ${2:-30} ))
    until pane | grep -q -- "$1"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "FAIL: '$1' did not appear"; pane; tmux kill-session -t "$SESSION"; exit 1
        fi
        sleep 0.05
    done
}
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true' EXIT

start=$(now)
# Textual draws on stderr: never redirect it under tmux.
tmux new-session -d -s "$SESSION" -x 120 -y 36 \
    "cd '$ROOT' && TERM=xterm-256color PYTHONPATH=src '$PY' -m minicrm --db '$DB' --today 2026-11-22 tui; sleep 30"
wait_for "Quit"
footer=$(since "$start")
wait_for " overdue ─"          # the due queue is filled (its border subtitle counts the overdue items)
first=$(since "$start")
pane | sed -n 1,12p

t=$(now); tmux send-keys -t "$SESSION" 2
wait_for "of 100,000 contacts"
contacts=$(since "$t")

tmux send-keys -t "$SESSION" /; sleep 0.2   # focus moves to the filter on the next refresh
t=$(now); tmux send-keys -t "$SESSION" -l "Иван Петров"
wait_for "matching ·"
search=$(since "$t")
pane | sed -n 5,12p
pane | grep -q "Иван Петров" || { echo "FAIL: the search did not narrow to Иван Петров"; exit 1; }

tmux send-keys -t "$SESSION" Escape q
echo "footer (app mounted): ${footer}s; dashboard with data: ${first}s; contacts screen: ${contacts}s;" \
     "search shown (incl. 0.15 s debounce): ${search}s"
echo "OK"
