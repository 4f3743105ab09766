"""The lazy command table in cli.py matches what the command modules register."""

from __future__ import annotations

from minicrm.cli import COMMANDS, module_commands


def test_table_matches_the_modules():
    registered: dict[str, str] = {}
    for module in sorted({m for m, _ in COMMANDS.values()}):
        for name in module_commands(module):
            assert name not in registered, f"{name} registered by {registered.get(name)} and {module}"
            registered[name] = module
    assert registered == {name: module for name, (module, _) in COMMANDS.items()}


def test_help_lines_are_the_commands_own():
    for name, (module, help_line) in COMMANDS.items():
        command = module_commands(module)[name]
        own = (command.short_help or command.help or "").strip().splitlines()[0]
        assert own == help_line, name


def test_unknown_command_is_a_usage_error(cli):
    res = cli("frobnicate")
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "frobnicate" in res.stderr
