"""Shell completion for bash, zsh and fish: Typer's scripts, and answers read from a cached command tree.

`minicrm --install-completion` / `--show-completion` are Typer's; the script they install runs
`_MINICRM_COMPLETE=complete_bash minicrm` (zsh, fish alike) on every Tab. Building the lazy command tree
and importing Typer costs more than a completion may take (~150 ms), so the answer comes in two ways:

- the fast path (`fast.answer`, called at the top of `minicrm.cli` before Typer is imported) reads the command
  tree from a JSON cache (`tree.py`), finds what the cursor is on as click would, and asks the store for the
  values (`values.py` → `minicrm.store.views.completion`);
- when the cache is missing or stale (a new minicrm), Typer/click answer themselves (`shells.py`), with the
  same value look-ups attached to the parameters (`rules.py`), and the cache is written for the next Tab.

`rules.py` says which parameter completes what: contact and company REFs, interaction kinds, pipeline stages,
tags, users, campaigns and segments. Everything else (choices, options, sub-commands) comes from the tree.
"""
