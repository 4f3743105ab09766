"""Per-invocation state shared by every command: which database, what "today" is, who is acting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from minicrm.errors import BadInput, MinicrmError
from minicrm.i18n import _

if TYPE_CHECKING:
    from minicrm.store.core.db import Database, Session
    from minicrm.store.people.rights import Identity


def parse_today(value: str | None) -> date | None:
    if not value:
        return None
    from minicrm.dates import FIRST_YEAR, LAST_YEAR

    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(_("invalid --today '{value}' (expected YYYY-MM-DD)").format(value=value)) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # dates computed from today must stay in range too
        raise BadInput(
            _("invalid --today '{value}': the year must be between {first} and {last}").format(
                value=value, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return day


@dataclass
class AppContext:
    db_target: str | None = None
    today_override: date | None = None
    user_label: str | None = None  # --as, MINICRM_USER or the config's user
    user_explicit: bool = False  # named by --as or MINICRM_USER (refused on PostgreSQL with rights, #21)
    read_only: bool = False  # --read-only / MINICRM_READ_ONLY=1
    settings: dict[str, Any] = field(default_factory=dict)
    config_error: MinicrmError | None = None
    _identity: Identity | None = field(default=None, repr=False)
    #: a report: say whose clients it counted when the server enforces roles (#21)
    counts_clients: bool = False
    hooks: bool = True  # --no-hooks / MINICRM_NO_HOOKS=1: no hook runs and no webhook is told
    _session: Session | None = field(default=None, repr=False)
    _database: Database | None = field(default=None, repr=False)
    _one_transaction: bool = field(default=False, repr=False)

    @classmethod
    def from_options(
        cls, db: str | None, today: str | None, user: str | None, *, read_only: bool = False
    ) -> AppContext:
        """Options win over MINICRM_* variables, which win over the config file."""
        from minicrm import config

        settings: dict[str, Any] = {}
        error = None
        try:
            settings = config.load()
        except MinicrmError as exc:  # `minicrm config ...` must still run to repair the file
            error = exc
        from minicrm.values.money import set_number_format

        set_number_format(_text(settings.get("number_format")))
        from minicrm import display

        display.configure(date_format=settings.get("date_format"), number_format=settings.get("number_format"))
        named = user or os.environ.get("MINICRM_USER")
        return cls(
            db_target=db or os.environ.get("MINICRM_DB") or _text(settings.get("db")),
            today_override=parse_today(today or os.environ.get("MINICRM_TODAY")),
            user_label=named or _text(settings.get("user")),
            user_explicit=bool(named),
            read_only=read_only or os.environ.get("MINICRM_READ_ONLY", "") not in ("", "0"),
            settings=settings,
            config_error=error,
            hooks=os.environ.get("MINICRM_NO_HOOKS", "") in ("", "0"),
        )

    def setting(self, key: str, default: Any = None) -> Any:
        """A value from the config file (`forgotten_days`, `default_cadence`, `currency`, `date_format`...)."""
        return self.settings.get(key, default)

    def now(self) -> datetime:
        """The current time, on the day given by --today when there is one."""
        real = datetime.now().replace(microsecond=0)
        if self.today_override is None:
            return real
        return datetime.combine(self.today_override, real.time())

    def today(self) -> date:
        return self.now().date()

    @property
    def database(self) -> Database:
        if self._database is None:
            from minicrm.paths import default_db_path
            from minicrm.store.core.db import Database

            self._database = Database(self.db_target or default_db_path(), read_only=self.read_only)
        return self._database

    @property
    def identity(self) -> Identity:
        """Who acts and with which role (store.people.rights); opens the session."""
        self.session()
        assert self._identity is not None
        return self._identity

    @property
    def user(self) -> str | None:
        """The acting user's name: on PostgreSQL with rights the login's user, else --as/MINICRM_USER/config."""
        if self.database.dialect.is_file:
            return self.user_label
        return self.identity.name

    def session(self) -> Session:
        """The open session, creating or migrating the database on first use."""
        if self._session is None:
            from minicrm.store.core.migrate import ensure_schema

            if self.config_error is not None:
                raise self.config_error
            from minicrm.store.people.rights import identify, viewer_denial

            session = self.database.connect()
            try:
                created = ensure_schema(self.database, session)
                self._identity = identify(session, self.user_label, explicit=self.user_explicit)
                session.writes_denied = viewer_denial(self._identity)
                if created and self.setting("default_cadence"):
                    _seed_default_cadence(session, int(self.setting("default_cadence")))
            except BaseException:
                session.close()
                raise
            if self._one_transaction:
                session.hold()
            self._configure_events(session)
            self._session = session
        return self._session

    def _configure_events(self, session: Session) -> None:
        """Hooks and webhooks of this session's events: who acts, our clock, remarks on stderr (#22)."""
        from minicrm.store.core import events

        env = {"MINICRM_DB": str(self.db_target or self.database.path)}
        if self.today_override is not None:
            env["MINICRM_TODAY"] = self.today_override.isoformat()
        identity = self._identity  # session() is still opening: self.user would open another
        user = self.user_label if self.database.dialect.is_file or identity is None else identity.name
        events.configure(session, enabled=self.hooks, user=user, now=self.now, report=_note, env=env,
                         timeout=float(self.setting("hook_timeout", events.HOOK_TIMEOUT)),
                         webhook_timeout=float(self.setting("webhook_timeout", events.WEBHOOK_TIMEOUT)))  # fmt: skip

    def without_hooks(self) -> None:
        """`--no-hooks` of one command (imports): nothing is told about its changes."""
        self.hooks = False
        if self._session is not None:
            from minicrm.store.core import events

            events.configure(self._session, enabled=False)

    @contextmanager
    def command_scope(self) -> Iterator[AppContext]:
        """One command: all its writes are one transaction, committed when it ends and undone when it fails.

        A deliberate exit (`typer.Exit`, e.g. `remind --exit-code`) is not a failure.
        """
        self._one_transaction = True
        try:
            yield self
        except BaseException as exc:
            self._end(commit=_deliberate_exit(exc))
            raise
        self._end(commit=True)
        identity = self._identity
        if self.counts_clients and identity is not None and identity.enforced and not identity.owner:
            from minicrm import output

            output.note(f"{identity.scope} ({identity.describe()})")

    def _end(self, *, commit: bool) -> None:
        session, self._session, self._one_transaction = self._session, None, False
        if session is None:
            return
        try:
            session.finish(commit=commit)
        finally:
            session.close()

    def user_id(self) -> int | None:
        """The acting user's id (created on first use), or None when no user is configured."""
        user = self.user
        if not user:
            return None
        if self.identity.enforced:
            return self.identity.user_id
        from minicrm.store.people.users import ensure_user

        return ensure_user(self.session(), user, now=self.now())

    def close(self) -> None:
        """Close the session, committing what the command wrote so far (the next session() opens a new one)."""
        held, session, self._session = self._one_transaction, self._session, None
        if session is None:
            return
        try:
            session.finish(commit=True)
        finally:
            session.close()
        self._one_transaction = held


def _note(message: str) -> None:
    from minicrm import output

    output.note(message)


def _deliberate_exit(exc: BaseException) -> bool:
    return type(exc).__name__ == "Exit" or (isinstance(exc, SystemExit) and exc.code in (0, None))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _seed_default_cadence(session: Session, days: int) -> None:
    """A new database starts with the configured stay-in-touch default (`config set default_cadence`)."""
    with session.write():
        if session.scalar("SELECT 1 FROM cadence_rule WHERE scope = 'default'") is None:
            session.execute("INSERT INTO cadence_rule (scope, days) VALUES ('default', ?)", (days,))
