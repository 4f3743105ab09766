"""Shell completion: Typer's scripts run in the real shells, answers from the cached tree equal click's own.

The bash tests source the script `minicrm --show-completion` prints, set COMP_WORDS / COMP_CWORD as bash does
and call the function `complete -p minicrm` names, then read COMPREPLY; zsh and fish (when installed) run their
own completion entry points. `minicrm` on the PATH is a wrapper around this interpreter's `-m minicrm`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from minicrm.cli import app
from minicrm.completion import fast, rules, tree
from minicrm.completion.shells import MinicrmBash

EVIL = "Evil\x1b[31mRed"


@pytest.fixture
def crm(cli, tmp_path, hermetic_home):
    """A database with a few names, tags and a quote or two; `minicrm` on a PATH; no cached tree yet."""
    cli.ok("contact", "add", "Ada Lovelace", "--tag", "vip", "--tag", "vendor-a")
    cli.ok("contact", "add", "Adèle Blanc", "--company", "Acme Corp")
    cli.ok("contact", "add", "Bob O'Hara $HOME")
    cli.ok("contact", "add", EVIL)
    cli.ok("company", "add", "Acme Labs", "--tag", "supplier")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "minicrm"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m minicrm "$@"\n')
    wrapper.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "MINICRM_HOME": str(hermetic_home),
        "MINICRM_DB": cli.target,
        "HOME": str(tmp_path / "user"),
    }
    return cli, env


def shell_run(shell: str, script: str, env: dict, stdin: str | None = None) -> str:
    res = subprocess.run([shell, "-c", script], capture_output=True, text=True, env=env, timeout=120, input=stdin)
    assert res.returncode == 0, res.stderr
    return res.stdout


def script_for(shell: str, env: dict) -> str:
    """What `minicrm --show-completion` prints when run from `shell` (Typer detects the shell)."""
    return shell_run(shell, "minicrm --show-completion; true", env)


BASH_TAB = """
source /dev/stdin
spec=$(complete -p minicrm)
func=${spec#*-F }; func=${func%% *}
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    "$func" minicrm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\\n' "${COMPREPLY[@]}"
    echo ---
}
"""


def bash_tabs(env: dict, *lines: list[str]) -> list[list[str]]:
    """COMPREPLY for each command line (its last word is the one being completed), from the real bash."""
    script = script_for("bash", env)
    calls = "\n".join("tab " + " ".join(f"'{w}'" for w in words) for words in lines)
    out = shell_run("bash", BASH_TAB + calls, env, stdin=script)
    return [[line for line in block.split("\n") if line] for block in out.split("---\n")[: len(lines)]]


def test_bash_completes_commands_options_and_refs(crm):
    _, env = crm
    cached = Path(tree.cache_file())
    lines = [
        ["minicrm", "co"],
        ["minicrm", "contact", "li"],
        ["minicrm", "contact", "list", "--ta"],
        ["minicrm", "contact", "show", "ad"],
        ["minicrm", "log", "Ada", "m"],
        ["minicrm", "contact", "list", "--tag", "v"],
        ["minicrm", "deal", "move", "1", "pro"],
        ["minicrm", "deal", "add", "Renewal", "--company", "acme"],
        ["minicrm", "contact", "show", "bob"],
    ]
    first = bash_tabs(env, *lines)  # no cached tree: Typer answers and writes it
    assert cached.is_file() and cached.stat().st_mode & 0o777 == 0o600
    assert first == [
        ["contact", "company", "config"],
        ["list"],
        ["--tag"],
        ["Ada\\ Lovelace", "Adèle\\ Blanc"],
        ["meeting", "message"],
        ["vendor-a", "vip"],
        ["proposal"],
        ["Acme\\ Corp", "Acme\\ Labs"],
        ["Bob\\ O\\'Hara\\ \\$HOME"],
    ]
    assert bash_tabs(env, *lines) == first  # the cached tree answers the same


def test_a_completed_ref_is_one_word_that_resolves(crm):
    _, env = crm
    script = script_for("bash", env)
    out = shell_run(
        "bash",
        BASH_TAB + 'tab minicrm contact show "bob" >/dev/null\neval "minicrm contact show ${COMPREPLY[0]} -f json"',
        env,
        stdin=script,
    )
    assert json.loads(out)["name"] == "Bob O'Hara $HOME"


def test_names_with_control_characters_are_never_offered(crm):
    _, env = crm
    assert bash_tabs(env, ["minicrm", "contact", "show", "e"], ["minicrm", "contact", "show", ""])[0] == []
    everyone = bash_tabs(env, ["minicrm", "contact", "show", ""])[0]
    assert len(everyone) == 3 and not any("\x1b" in name for name in everyone)


def test_no_database_means_no_values_and_no_file(crm, tmp_path):
    _, env = crm
    missing = tmp_path / "nowhere" / "crm.db"
    env = {**env, "MINICRM_DB": str(missing)}
    assert bash_tabs(env, ["minicrm", "contact", "show", "a"], ["minicrm", "con"]) == [[], ["contact", "config"]]
    assert not missing.parent.exists()


def test_a_server_that_does_not_answer_means_no_values(crm):
    _, env = crm
    env = {**env, "MINICRM_DB": "postgresql+psycopg://minicrm:pw@127.0.0.1:9/nothing"}  # nobody listens
    assert bash_tabs(env, ["minicrm", "contact", "show", "a"], ["minicrm", "tim"]) == [[], ["timeline"]]


def test_the_fast_path_does_not_import_typer(crm):
    """With the tree cached, a Tab is answered before `import typer` (the start-up that costs ~100 ms)."""
    _, env = crm
    bash_tabs(env, ["minicrm", "co"])  # caches the tree
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('TYPER', 'typer' in sys.modules, file=sys.stderr))\n"
        "from minicrm.cli import main\n"
        "main()\n"
    )
    env = {**env, "_MINICRM_COMPLETE": "complete_bash", "COMP_WORDS": "minicrm contact show ad", "COMP_CWORD": "3"}
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert res.stdout.splitlines() == ["Ada\\ Lovelace", "Adèle\\ Blanc"]
    assert "TYPER False" in res.stderr


def test_a_stale_or_broken_cache_is_rebuilt(crm):
    _, env = crm
    cached = Path(tree.cache_file())
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text('{"key": "an older minicrm", "root": {"options": [], "arguments": [], "commands": {}}}')
    assert bash_tabs(env, ["minicrm", "tim"]) == [["timeline"]]
    assert json.loads(cached.read_text())["key"] == tree.fingerprint()
    cached.write_text("{not json")
    assert bash_tabs(env, ["minicrm", "tim"]) == [["timeline"]]


def needs_shell(name: str):
    """Skip where the shell is not installed, except in CI (.ci/run installs it and sets MINICRM_REQUIRE_SHELLS)."""
    if shutil.which(name) or os.environ.get("MINICRM_REQUIRE_SHELLS"):
        return lambda test: test
    return pytest.mark.skip(reason=f"{name} is not installed")


@needs_shell("zsh")
def test_zsh_gets_the_candidates(crm):
    _, env = crm
    script = script_for("zsh", env)
    assert "compdef" in script
    calls = """
compdef() { :; }
eval "$(cat)"
_arguments() { print -r -- "ARGS $*"; }
_files() { print -r -- FILES; }
words=(minicrm contact show ad); CURRENT=4; _minicrm_completion
words=(minicrm contact show zzz); CURRENT=4; _minicrm_completion
"""
    out = shell_run("zsh", calls, env, stdin=script).splitlines()
    assert out == ['ARGS *: :(("Ada Lovelace" "Adèle Blanc"))', "FILES"]


@needs_shell("fish")
def test_fish_gets_the_candidates_with_their_help(crm):
    _, env = crm
    script = script_for("fish", env)
    out = shell_run(
        "fish",
        'source; complete -C "minicrm contact show ad"; complete -C "minicrm contact li"',
        env,
        stdin=script,
    )
    assert out.splitlines() == ["Ada Lovelace", "Adèle Blanc", "list\tList contacts."]


def test_install_completion_writes_the_script_for_bash(crm):
    _, env = crm
    out = shell_run("bash", "minicrm --install-completion; true", env)
    home = Path(env["HOME"])
    installed = home / ".bash_completions" / "minicrm.sh"
    assert "bash completion installed" in out and installed.is_file()
    assert f"source '{installed}'" in (home / ".bashrc").read_text()
    assert Path(tree.cache_file()).is_file()  # installing caches the tree: the first Tab is fast


# -- the fast path reads a command line as click does ------------------------------------------------------
CASES = [
    ([], ""),
    ([], "co"),
    ([], "-"),
    (["--as"], ""),
    (["--db"], ""),
    (["contact"], ""),
    (["contact", "bogus"], ""),
    (["contact", "show"], ""),
    (["contact", "show"], "AD"),
    (["contact", "show"], "-"),
    (["contact", "show"], "="),
    (["log"], "a"),
    (["log", "Ada"], ""),
    (["log", "Ada", "call"], ""),
    (["log", "Ada", "call", "x"], "--"),
    (["log", "--at"], ""),
    (["contact", "list", "--tag"], "v"),
    (["contact", "list", "-t"], ""),
    (["contact", "list", "-f"], ""),
    (["contact", "list", "-ft"], ""),
    (["contact", "list", "--format", "json"], "--"),
    (["contact", "list"], "--format="),
    (["contact", "list"], "--tag=v"),
    (["contact", "tag", "add"], ""),
    (["contact", "tag", "add", "vip"], "a"),
    (["contact", "tag", "add", "vip", "Ada"], "a"),
    (["contact", "edit", "Ada", "--untag"], ""),
    (["company", "show"], ""),
    (["company", "edit", "Acme", "--tag"], ""),
    (["deal", "move", "1"], ""),
    (["deal", "add", "x", "--stage"], "q"),
    (["deal", "add", "x", "--company"], "a"),
    (["pipeline", "stages", "reorder", "lead"], ""),
    (["timeline", "--kind"], "c"),
    (["due", "-n", "5"], "-"),
    (["due", "-n5"], "--o"),
    (["due", "--overdue"], "--"),
    (["report", "campaigns", "--by"], ""),
    (["history"], "a"),
    (["kind", "edit"], "c"),
    (["handover", "--to"], ""),
    (["import", "csv"], ""),
]


@pytest.fixture(scope="module")
def built():
    """The click tree and the tree the cache would hold (building every command takes a while)."""
    root = typer.main.get_command(app)
    return root, tree.build(root)


@pytest.mark.parametrize("args, incomplete", CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else repr(v))
def test_the_cached_tree_answers_as_click_does(crm, built, args, incomplete):
    cli, _ = crm
    root, cached = built
    words = ["--db", cli.target, *args]
    click = MinicrmBash(root, {}, "minicrm", fast.COMPLETE_VAR)
    expected = [(item.value, item.help) for item in click.get_completions(list(words), incomplete)]
    assert fast.complete(cached, words, incomplete) == expected


@pytest.mark.parametrize(
    "args", [["contact", "list", "--bogus"], ["--", "contact"], ["contact", "list", "-f=json"]], ids=" ".join
)
def test_what_only_click_can_read_is_left_to_click(built, args):
    with pytest.raises(fast.Unsure):
        fast.complete(built[1], args, "")


def test_every_ref_kind_stage_tag_and_user_parameter_completes(built):
    """The rules reach the parameters they are meant for (a renamed parameter would silently lose them)."""
    root = built[1]

    def source(path: str, name: str) -> str | None:
        node = root
        for word in path.split():
            node = node["commands"][word]
        params = [p for p in node["options"] + node["arguments"] if p["name"] == name]
        assert len(params) == 1, (path, name)
        return (params[0]["values"] or {}).get("source")

    expected = {
        ("contact show", "ref"): "contact",
        ("contact tag add", "tag"): "contact-tag",
        ("contact tag add", "refs"): "contact",
        ("contact add", "tag"): "contact-tag",
        ("contact add", "company"): "company",
        ("company show", "ref"): "company",
        ("company add", "tag"): "company-tag",
        ("log", "ref"): "contact",
        ("log", "kind"): "kind",
        ("log", "summary"): None,
        ("next", "ref"): "contact",
        ("timeline", "kind"): "kind",
        ("history", "ref"): "contact",
        ("deal move", "stage"): "stage",
        ("deal add", "stage"): "stage",
        ("deal add", "contact"): "contact",
        ("deal list", "owner"): "user",
        ("task add", "assignee"): "user",
        ("pipeline stages rename", "old"): "stage",
        ("pipeline stages rename", "new"): None,
        ("campaign show", "ref"): "campaign",
        ("segment show", "name"): "segment",
        ("handover", "to_user"): "user",
        ("kind edit", "name"): "kind",
        ("kind add", "name"): None,
    }
    assert {key: source(*key) for key in expected} == expected
    assert rules.source_of((), next(p for p in built[0].params if p.name == "as_user")) == "user"


@needs_shell("fish")
def test_descriptions_follow_the_shells_language(crm):
    """The cached tree holds help texts, so a Russian shell and an English one each get their own (#23)."""
    _, env = crm
    script = script_for("fish", env)
    russian = {**env, "LANG": "ru_RU.UTF-8"}
    for _ in range(2):  # the second round answers from the cached trees
        out = shell_run("fish", 'source; complete -C "minicrm tim"', russian, stdin=script)
        assert out.splitlines() == ["timeline\tВзаимодействия с контактом, сначала новые."]
        out = shell_run("fish", 'source; complete -C "minicrm tim"', env, stdin=script)
        assert out.splitlines() == ["timeline\tA contact's interactions, newest first."]
