"""The command tree as completion needs it, cached as JSON so a Tab is answered without Typer.

`build` walks the click commands the way click's completion sees them (`get_params`, `list_commands`,
`get_short_help_str`) and keeps, per command: its options (names, whether they take a value, whether they
may repeat, their help), its arguments (how many values), what each one completes (`choices`, a stored
`source` from `rules.py`, or `slow` when only click can say), and its sub-commands. The cache file is
keyed by minicrm's version and the size and time of the modules that declare commands, the config file and
the message catalogs, so an upgrade, an edited command or another language rebuilds it on the next Tab; its name
carries a checksum of the package's folder and the shell's language variables, so two installations (or an English
and a Russian shell) do not overwrite each other's. Reading it costs json and a few `stat` calls, nothing more.
"""

from __future__ import annotations

import os
import zlib

import minicrm

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the fast path counts milliseconds)
if TYPE_CHECKING:
    from typing import Any

#: Bumped when the layout of the cached tree changes.
LAYOUT = 1

PACKAGE = os.path.dirname(os.path.realpath(minicrm.__file__))


def cache_file() -> str:
    """`$MINICRM_HOME/cache/`, else the platform's cache folder (~/.cache/minicrm), one file per installation."""
    home = os.environ.get("MINICRM_HOME")
    if home:
        folder = os.path.join(os.path.expanduser(home), "cache")
    else:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("minicrm", appauthor=False)
    key = f"{PACKAGE}\0{_language_env()}"  # the help texts in the tree are in the language of the shell
    return os.path.join(folder, f"completion-{zlib.crc32(key.encode()):08x}.json")


def _language_env() -> str:
    return "|".join(os.environ.get(var, "") for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"))


def _config_file() -> str:
    home = os.environ.get("MINICRM_HOME")
    if home:
        return os.path.join(os.path.expanduser(home), "config.toml")
    from platformdirs import user_config_dir

    return os.path.join(user_config_dir("minicrm", appauthor=False), "config.toml")


def fingerprint() -> str:
    """What the cached tree was built from: the version and every module that declares commands."""
    parts = [f"{LAYOUT} {minicrm.__version__} {PACKAGE}"]
    entries = [e for folder in ("commands", "completion") for e in os.scandir(os.path.join(PACKAGE, folder))]
    for entry in sorted(entries, key=lambda e: e.path):
        if entry.name.endswith(".py"):
            info = entry.stat()
            parts.append(f"{entry.path} {info.st_size} {info.st_mtime_ns}")
    info = os.stat(os.path.join(PACKAGE, "cli.py"))
    parts.append(f"cli.py {info.st_size} {info.st_mtime_ns}")
    # the help texts' language: the config's `language` key and the catalogs
    for path in (_config_file(), *(os.path.join(PACKAGE, "locale", lang, "LC_MESSAGES", "minicrm.mo")
                                   for lang in ("ru", "uk", "bg"))):  # fmt: skip
        try:
            info = os.stat(path)
            parts.append(f"{path} {info.st_size} {info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path} -")
    return "\n".join(parts)


def load() -> dict[str, Any] | None:
    """The cached tree, or None when there is none or it was built from other code."""
    import json

    try:
        with open(cache_file(), "rb") as cached:
            data = json.loads(cached.read())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != fingerprint():
        return None
    root = data.get("root")
    return root if isinstance(root, dict) else None


def save(root: dict[str, Any]) -> None:
    """Write the tree atomically (a private folder, a 0600 file renamed into place)."""
    import json
    from pathlib import Path

    from minicrm.paths import private_dir

    path = Path(cache_file())
    private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"key": fingerprint(), "root": root}, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def build(root: Any, prog_name: str = "minicrm") -> dict[str, Any]:
    """The tree of `root` (a click group) and every command under it, as completion sees it."""
    with root.make_context(prog_name, [], resilient_parsing=True) as ctx:
        return _node(root, ctx)


def _node(command: Any, ctx: Any) -> dict[str, Any]:
    from typer.core import TyperArgument, TyperGroup, TyperOption

    node: dict[str, Any] = {"interspersed": bool(ctx.allow_interspersed_args), "options": [], "arguments": []}
    for param in command.get_params(ctx):
        if isinstance(param, TyperOption):
            node["options"].append(
                {
                    "name": param.name,
                    "opts": list(param.opts),
                    "names": [*param.opts, *param.secondary_opts],
                    "takes_value": not (param.is_flag or param.count),
                    "nargs": param.nargs,
                    "multiple": bool(param.multiple),
                    "listed": not param.hidden,
                    "help": param.help,
                    "values": _values(param),
                }
            )
        elif isinstance(param, TyperArgument):
            node["arguments"].append({"name": param.name, "nargs": param.nargs, "values": _values(param)})
        else:  # pragma: no cover - Typer builds only these two
            node["slow"] = True
    if isinstance(command, TyperGroup):
        node["commands"] = {}
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None:
                continue
            with sub.make_context(name, [], parent=ctx, resilient_parsing=True) as sub_ctx:
                child = _node(sub, sub_ctx)
            child["help"] = sub.get_short_help_str()
            child["hidden"] = bool(sub.hidden)
            node["commands"][name] = child
    return node


def _values(param: Any) -> dict[str, Any] | None:
    """What completes the value of `param`: a stored source, fixed choices, or only click (`slow`)."""
    from typer._param_types import choice_as_str

    from minicrm.completion.rules import Completer

    custom = param._custom_shell_complete
    if isinstance(custom, Completer):
        return {"source": custom.source}
    if custom is not None:
        return {"slow": True}
    desc = param.type_descriptor
    if desc.is_choice and desc.choices is not None:
        return {"choices": [choice_as_str(c) for c in desc.choices], "case_sensitive": bool(desc.case_sensitive)}
    if desc.is_file:
        return {"slow": True}
    return None
