"""The `minicrm` command: global options, one sub-app per noun, and the error edge.

Only typer is imported here. Command modules are loaded lazily: turning all ~80 commands into click
commands at start-up cost ~120 ms per call, so the root group imports and builds only the module of
the command being run (`--help` lists the names and help lines from `COMMANDS`). Every command imports
what it needs inside its body, so nothing pays for Textual, icalendar or SQLAlchemy unless it uses them.

`--help` shows conventional metavariables (`log [OPTIONS] REF KIND SUMMARY`, `--next WHEN`, `--limit N`,
flags bare) rather than Typer's `{ref}` and `<str>` / `<int range>` / `<bool>`: `readable_help` gives every
command's parameters the `ReadableArgument` / `ReadableOption` display as the command tree is built.

Shell completion (`--install-completion`, `--show-completion`) is Typer's; `minicrm.completion` explains how a
Tab is answered in a few milliseconds: the block below, before `import typer`, answers from a cached tree,
and `MinicrmGroup._main_shell_completion` lets Typer answer (and caches the tree) when it cannot.
"""

from __future__ import annotations

import os
import sys

# a shell's Tab is answered from the cached command tree before Typer is imported
if os.environ.get("_MINICRM_COMPLETE"):
    from minicrm.completion.fast import answer

    answer()  # exits when the cache could answer; otherwise Typer answers below (MinicrmGroup)

from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

import typer
from typer.completion import install_callback, show_callback
from typer.core import TyperArgument, TyperGroup, TyperOption

from minicrm import __version__
from minicrm.cli_words import set_context, usage_message
from minicrm.completion import rules as completion_rules
from minicrm.errors import ExitCode, MinicrmError
from minicrm.i18n import N_, _

try:  # newer typer vendors click as typer._click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[assignment]  # older typer: click's own class
Abort = typer.Abort


#: Top-level command -> (module under minicrm.commands that registers it, its help line).
#: tests/test_cli_registry.py checks this table against what the modules really register.
COMMANDS: dict[str, tuple[str, str]] = {
    "contact": ("contacts", N_("Manage contacts (people).")),
    "company": ("companies", N_("Manage companies (counterparties).")),
    "log": (
        "interactions",
        N_("Record an interaction with a contact (or with --company, a company) and print its id."),
    ),
    "next": ("interactions", N_("Set or clear the next-contact date of a contact.")),
    "timeline": ("interactions", N_("A contact's interactions, newest first.")),
    "search": ("interactions", N_("Search contacts, companies and interactions.")),
    "due": (
        "followups",
        N_("What needs doing: follow-ups, tasks, deal next steps, birthdays and dates; overdue first."),
    ),
    "forgotten": (
        "followups",
        N_("Contacts and companies without news for N days and nothing planned, most valuable first."),
    ),
    "remind": (
        "followups",
        N_("The cron / systemd entry point: a short digest, and no output at all when there is nothing to say."),
    ),
    "cadence": ("followups", N_("Stay-in-touch cadences per tag, company, contact, or by default.")),
    "deal": ("reports", N_("Deals in the sales pipeline.")),
    "task": ("reports", N_("Tasks (to-dos with a due date).")),
    "pipeline": ("reports", N_("The sales funnel; `pipeline stages` configures the stages.")),
    "report": (
        "reports",
        N_("Reports: pipeline, sales, clients, lost, activity, time, service, plan, team, greetings..."),
    ),
    "plan": ("plans", N_("Sales plans: targets per user or for the team, per month, quarter or year.")),
    "tui": ("tui", N_("Open the full-screen dashboard (keyboard first; ? lists the keys).")),
    "ical": ("ical", N_("Calendar feed: export an .ics file, serve it, or push it to CalDAV.")),
    "import": ("io", N_("Import contacts (CSV, vCard) or a whole database (JSON).")),
    "export": ("io", N_("Export contacts (CSV, vCard) or the whole database (JSON).")),
    "backup": ("io", N_("Copy the database while it is in use; prints the backup's path.")),
    "restore": ("io", N_("Restore a backup after checking it.")),
    "campaign": ("campaigns", N_("Marketing campaigns: plan, members, responses, results.")),
    "segment": ("campaigns", N_("Saved segments: named contact filters.")),
    "request": ("requests", N_("Service requests: what clients asked and the time spent on it.")),
    "whois": ("whois", N_("Find the contact or company a phone number or e-mail belongs to.")),
    "user": ("team", N_("Users of a shared database: who owns and who logged what.")),
    "handover": (
        "team",
        N_("Move every contact, company, open deal and open task of one user to another, in one transaction."),
    ),
    "history": ("team", N_("Every recorded change of one record, oldest first: who, when, which fields, old → new.")),
    "audit": ("team", N_("Recent changes in the whole database, newest first.")),
    "config": ("team", N_("Your settings file (default database, user, ...).")),
    "migrate-to": (
        "team",
        N_("Copy this database into an empty one on another backend (SQLite <-> PostgreSQL), checking row counts."),
    ),
    "kind": ("interactions", N_("Interaction kinds (call, email, meeting...).")),
    "mail": ("mail", N_("E-mail in the timeline: import Maildir/mbox, log one piped message, sync IMAP.")),
    "field": ("fields", N_("Typed custom fields: define, list, remove.")),
    "demo": ("misc", N_("Fill the selected (empty) database with a realistic sample client base.")),
    "hook": ("hooks", N_("Hooks and webhooks run on events: a deal won, a contact added...")),
    "doctor": (
        "doctor",
        N_("Show the database, config, language and time zone in use; check file permissions and the calendar token."),
    ),
}


HELP_OPTION_NAMES = ["-h", "--help"]


#: The integers a database column holds (SQLite INTEGER, PostgreSQL BIGINT): a larger id or count cannot exist.
INT_LIMIT = 2**63 - 1


def _bounded(param: Any, ctx: Any, value: Any) -> Any:
    """Refuse an integer no database column can hold, as a usage error naming the parameter."""
    for number in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(number, int) and not isinstance(number, bool) and abs(number) > INT_LIMIT:
            from typer._click.exceptions import BadParameter

            raise BadParameter(_("{number} is too large").format(number=number), ctx=ctx, param=param)
    return value


class ReadableArgument(TyperArgument):
    """An argument as conventional help shows it: `NAME`, `[NAME]` when optional, `NAME...` when repeated.

    Typer renders arguments as `{name}` in the usage line and adds a `<str>` type column; the metavar
    (`readable_help` sets the name in capitals when the command gives none) says enough. Error messages
    keep the name: `Missing argument 'kind'.` is part of the output scripts see.
    """

    @property
    def display_name_raw(self) -> str:
        return (self.metavar or self.name.upper()) + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"

    def get_error_hint(self) -> str:
        return f"'{self.name}'"

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _bounded(self, ctx, super().process_value(ctx, value))


class ReadableOption(TyperOption):
    """An option's metavariable as conventional help shows it, when the command gives none (`metavar=`).

    Typer shows the Python type (`<str>`, `<int range>`, `<bool>` even for flags, `<list[str]>`).
    Here: flags show nothing, choices `[a|b|c]`, numbers `N`, anything else the option's name in capitals
    (`--email EMAIL`); commands pass `metavar=` where that name is not clear (`--next WHEN`).
    """

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _bounded(self, ctx, super().process_value(ctx, value))

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar or None
        if self.is_flag or self.count:
            return None
        desc = self.type_descriptor
        if desc.is_choice:
            label = super().display_type(ctx).strip("<>")  # Typer's "<a|b|c>" (or "<list[a|b|c]>")
            return f"[{label.removeprefix('list[').removesuffix(']')}]"
        if desc.is_ranged or self.bare_type() in ("int", "float"):
            return "N"
        long_names = [o for o in self.opts if o.startswith("--")] or self.opts
        return long_names[0].lstrip("-").replace("-", "_").upper()


def readable_help(command: Any) -> None:
    """Give a command, its help option and (recursively) its subcommands conventional metavariables, and their
    help in the user's language (the texts are extracted for the catalogs by tools/catalogs.py)."""
    set_context(command)
    for attr in ("help", "short_help", "epilog"):
        if text := getattr(command, attr, None):
            setattr(command, attr, _(text))
    params = list(command.params)
    help_option = command.get_help_option(typer.Context(command, help_option_names=HELP_OPTION_NAMES))
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if getattr(param, "help", None):
            param.help = _(param.help)
        if type(param) is TyperArgument:
            param.__class__ = ReadableArgument
            if param.metavar is None:
                param.metavar = param.name.upper()
        elif type(param) is TyperOption:
            param.__class__ = ReadableOption
    for sub in getattr(command, "commands", {}).values():
        readable_help(sub)


@cache
def module_commands(module: str, name: str | None = None) -> dict[str, Any]:
    """The click commands one module registers, built on first use (only `name`'s when given).

    Typer spends about a millisecond per command turning it into a click command, so running `pipeline` does not
    build the thirty others its module registers.
    """
    import importlib
    import inspect

    import typer.main

    holder = typer.Typer(add_completion=False)
    holder.callback()(lambda: None)  # a callback keeps even a one-command module a group
    register = importlib.import_module(f"minicrm.commands.{module}").register
    if name is not None and "only" in inspect.signature(register).parameters:
        register(holder, only=name)  # the module imports only what that command needs
    else:
        register(holder)
    if name is not None:
        holder.registered_commands = [
            c for c in holder.registered_commands
            if (c.name or typer.main.get_command_name(getattr(c.callback, "__name__", ""))) == name
        ]  # fmt: skip
        holder.registered_groups = [
            g for g in holder.registered_groups
            if (g.name or (g.typer_instance.info.name if g.typer_instance else None)) in (name, None)
        ]  # fmt: skip
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)  # the callback makes it a group
    readable_help(group)
    for name, command in group.commands.items():
        completion_rules.attach(command, (name,))
    return dict(group.commands)


class MinicrmGroup(TyperGroup):
    """Loads commands lazily; turns every error into one `error:` line on stderr and an exit code."""

    _listing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable_help(self)
        completion_rules.attach(self)

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """A Tab the cached tree could not answer: Typer answers, and the tree is cached for the next one."""
        if os.environ.get(complete_var or "_MINICRM_COMPLETE"):
            from minicrm.completion.shells import prepare

            prepare(self, prog_name)
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in self.commands:
            return self.commands[name]
        if name not in COMMANDS:
            return None
        module, help_line = COMMANDS[name]
        if self._listing:
            from typer.core import TyperCommand

            return TyperCommand(name, help=_(help_line))
        return module_commands(module, name).get(name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from minicrm import output

        try:
            code = super().main(
                args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra
            )
        except MinicrmError as exc:
            output.error(str(exc))
            code = exc.exit_code
        except ClickException as exc:
            output.error(usage_message(exc.format_message()))
            code = exc.exit_code
        except (Abort, KeyboardInterrupt):
            output.error(_("interrupted; nothing was written"))
            code = 130
        except BrokenPipeError:
            code = 0
        except Exception as exc:
            if os.environ.get("MINICRM_DEBUG"):
                raise
            output.error(
                _("internal error: {kind}: {problem} (MINICRM_DEBUG=1 shows the traceback)").format(
                    kind=type(exc).__name__, problem=exc
                )
            )
            code = ExitCode.FAILURE
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=MinicrmGroup,
    name="minicrm",
    help="A CRM that lives in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,  # the two options are declared on `root` below, to cache the tree first
    context_settings={"help_option_names": HELP_OPTION_NAMES},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"minicrm {__version__}\n")
        raise typer.Exit()


def _completion_option(typer_callback: Any) -> Any:
    """Typer's --install-completion / --show-completion, after caching the command tree (so the first Tab
    is fast too)."""

    def callback(ctx: Any, param: Any, value: Any) -> Any:
        if value and not ctx.resilient_parsing:
            from minicrm.completion import tree

            root_ctx = ctx.find_root()
            try:
                tree.save(tree.build(root_ctx.command, root_ctx.info_name or "minicrm"))
            except OSError:
                pass  # no cache: the Tabs take Typer's slower way
        return typer_callback(ctx, param, value)

    return callback


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH|URL", help="Database file or URL (env MINICRM_DB).", show_default=False),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="DATE", help="Pretend today is YYYY-MM-DD (env MINICRM_TODAY).", show_default=False
        ),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help="Act as this user (env MINICRM_USER); a label on SQLite, refused on PostgreSQL with roles.",
            show_default=False,
        ),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="Open the database read-only: every change fails (env MINICRM_READ_ONLY=1)."),
    ] = False,
    no_hooks: Annotated[
        bool,
        typer.Option("--no-hooks", help="Run no hooks and tell no webhook about this command's changes."),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=_completion_option(install_callback),
            expose_value=False,
            help="Install completion for the current shell (bash, zsh, fish).",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=_completion_option(show_callback),
            expose_value=False,
            help="Print the completion script for the current shell, to install it yourself.",
        ),
    ] = False,
) -> None:
    from minicrm.context import AppContext

    ctx.obj = AppContext.from_options(db, today, as_user, read_only=read_only)
    ctx.obj.counts_clients = ctx.invoked_subcommand in ("report", "pipeline")
    if no_hooks:
        ctx.obj.hooks = False
    ctx.with_resource(ctx.obj.command_scope())


def main() -> None:
    app(prog_name="minicrm")  # also under `python -m minicrm`: the completion scripts call `minicrm`
