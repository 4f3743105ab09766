"""The user's config file: TOML in `paths.config_dir()/config.toml`, mode 0600 (it may hold a database URL).

Keys (all optional): `db` (default database file or URL), `user` (who you are), `forgotten_days`
(when a contact counts as forgotten), `default_cadence` (stay-in-touch days for new databases),
`currency` (ISO code for new deals), `date_format` (iso | dmy | mdy), `me` (your own e-mail addresses, for
`minicrm mail`) and `language` (en | ru | uk | bg). Command-line options and MINICRM_* variables win over the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from minicrm.errors import BadInput, StoreError
from minicrm.i18n import N_, _


def _days(value: str) -> int:
    from minicrm.dates import parse_span

    days = parse_span(value)
    if days < 1:
        raise BadInput(_("invalid number of days '{value}' (at least 1)").format(value=value))
    return days


def _currency(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise BadInput(_("invalid currency '{value}' (a 3-letter ISO code such as EUR)").format(value=value))
    return code


def _date_format(value: str) -> str:
    key = value.strip().lower()
    if key not in DATE_FORMATS:
        raise BadInput(
            _("invalid date format '{value}' (one of: {choices})").format(value=value, choices=", ".join(DATE_FORMATS))
        )
    return key


def _number_format(value: str) -> str:
    from minicrm.values.money import NUMBER_FORMATS

    key = value.strip()
    if key not in NUMBER_FORMATS:
        raise BadInput(
            _("invalid number format '{value}' (one of: {choices})").format(
                value=value, choices=", ".join(NUMBER_FORMATS)
            )
        )
    return key


def _language(value: str) -> str:
    from minicrm.i18n import LANGUAGES

    key = value.strip().lower()
    if key not in LANGUAGES:
        raise BadInput(
            _("invalid language '{value}' (one of: {choices})").format(value=value, choices=", ".join(LANGUAGES))
        )
    return key


def _db(value: str) -> str:
    from minicrm.store.core.db import Database

    text = value.strip()
    if not text:
        raise BadInput(_("empty database"))
    Database(text)  # refuses unsupported URLs
    return text


def _me(value: str) -> str:
    """Your own e-mail addresses (`mail` logs what they send as outgoing): comma-separated; @domain for all of one."""
    items = [a.strip().lower() for a in value.replace(",", " ").split()]
    for item in items:
        _local, at, domain = item.partition("@")
        if not at or "." not in domain or " " in item:
            raise BadInput(
                _("invalid address '{item}' (you@example.com, or @example.com for a whole domain)").format(item=item)
            )
    if not items:
        raise BadInput(_("give at least one address"))
    return ", ".join(dict.fromkeys(items))


def _user(value: str) -> str:
    name = " ".join(value.split())
    if not name or name.lower() in ("me", "all"):
        raise BadInput(_("invalid user name '{value}'").format(value=value))
    return name


DATE_FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d.%m.%Y", "mdy": "%m/%d/%Y"}

#: key -> (parser of the typed text, description)
KEYS: dict[str, tuple[Callable[[str], Any], str]] = {
    "db": (_db, N_("default database file or URL (postgresql+psycopg://USER@HOST/DB)")),
    "user": (_user, N_("who you are: recorded as owner/created_by/logged_by")),
    "forgotten_days": (_days, N_("a contact not reached for this long counts as forgotten (e.g. 90d)")),
    "default_cadence": (_days, N_("stay-in-touch interval set on new databases (e.g. 4w)")),
    "currency": (_currency, N_("currency of new deals (ISO code)")),
    "date_format": (_date_format, N_("how dates are shown: iso, dmy or mdy")),
    "number_format": (_number_format, N_("how you write amounts: 1,234.56 or 1.234,56 (or 1 234,56)")),
    "region": (lambda v: v.strip().upper(), N_("region for phone numbers without +country (DE, GB, FR...)")),
    "me": (_me, N_("your own e-mail addresses, comma-separated (@domain for all of one): mail you send is outgoing")),
    "language": (_language, N_("language of messages: en, ru, uk or bg (default: from LANG)")),
    "hook_timeout": (lambda v: _seconds(v), N_("seconds a hook may run before it is stopped (default 10)")),
    "webhook_timeout": (lambda v: _seconds(v), N_("seconds a command waits for a webhook (default 5)")),
}


def _seconds(value: str) -> float:
    try:
        seconds = float(value.strip().removesuffix("s"))
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 3600:
        raise BadInput(_("invalid number of seconds '{value}' (more than 0, at most 3600)").format(value=value))
    return seconds


def config_path() -> Path:
    from minicrm.paths import config_dir

    return config_dir() / "config.toml"


#: path -> (the file's (mtime, size) when read, its settings): the language is looked up before the command's
#: context reads the settings, and one process should parse the file once.
_loaded: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def load(path: Path | None = None) -> dict[str, Any]:
    """The settings in the file ({} when there is none); unknown keys are kept but ignored."""
    path = path or config_path()
    try:
        stat = path.stat()
        if (cached := _loaded.get(path)) and cached[0] == (stat.st_mtime_ns, stat.st_size):
            return dict(cached[1])
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise StoreError(_("cannot read config file {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    import tomllib

    try:
        settings = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(_("invalid config file {path}: {reason}").format(path=path, reason=exc)) from None
    _loaded[path] = ((stat.st_mtime_ns, stat.st_size), settings)
    return dict(settings)


def parse_value(key: str, value: str) -> Any:
    if key not in KEYS:
        raise BadInput(_("unknown config key '{key}' (one of: {choices})").format(key=key, choices=", ".join(KEYS)))
    return KEYS[key][0](value)


def set_value(key: str, value: str | None, path: Path | None = None) -> Any:
    """Store `key = value` (None or '' removes the key); returns the stored value."""
    path = path or config_path()
    if key not in KEYS:
        raise BadInput(_("unknown config key '{key}' (one of: {choices})").format(key=key, choices=", ".join(KEYS)))
    data = load(path)
    if value is None or value == "":
        data.pop(key, None)
        stored = None
    else:
        stored = data[key] = parse_value(key, value)
    write(data, path)
    return stored


def write(data: dict[str, Any], path: Path) -> None:
    """Write a flat TOML table, atomically, mode 0600."""
    from minicrm.paths import private_dir

    private_dir(path.parent)
    lines = ["# minicrm settings: edit with `minicrm config set KEY VALUE`"]
    for key, value in data.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'
