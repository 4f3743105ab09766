"""Write the feed to a CalDAV calendar; the only module that imports caldav.

One resource per UID (CalDAV servers such as Radicale refuse several UIDs in one resource). Each resource
carries `X-MINICRM-HASH`, a digest of what minicrm rendered, so a second push with unchanged data sends
nothing; changed items are overwritten in place (by UID, with `increase_seqno=False`: SEQUENCE is minicrm's
revision), and items of this database that are no longer due are deleted. Objects that other programs (or
other minicrm databases) put in the calendar are never touched.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from minicrm.errors import MinicrmError
from minicrm.i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from minicrm.ical.entries import FeedEntry
    from minicrm.ical.feed import FeedOptions, Renderer
    from minicrm.store.core.db import Session

HASH_PROP = "X-MINICRM-HASH"
# scheme://userinfo@ : the userinfo ends at the last `@` before the first `/` (an `@` in the path is not one)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s?#]*)@")


class CalDavError(MinicrmError):
    """The CalDAV server could not be reached or refused a request."""


@dataclass
class Resource:
    uid: str
    is_todo: bool
    ics: bytes
    digest: str


@dataclass
class PushResult:
    url: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "created": len(self.created),
            "updated": len(self.updated),
            "deleted": len(self.deleted),
            "unchanged": self.unchanged,
        }


def masked_url(text: str) -> str:
    """`text` with the password of each URL in it replaced by `***`. Only the user info is touched: a path such
    as Nextcloud's `/remote.php/dav/calendars/alice@example.org/crm/` is kept as it is."""

    def hide(match: re.Match[str]) -> str:
        user, colon, _password = match.group(2).partition(":")
        return f"{match.group(1)}{user}{':***' if colon else ''}@"

    return _USERINFO.sub(hide, text)


def build_resources(
    session: Session,
    *,
    today: date,
    options: FeedOptions,
    days_back: int = 365,
    days_ahead: int = 90,
    include: tuple[str, ...] | None = None,
) -> list[Resource]:
    """The CalDAV objects of a database's feed, read in one snapshot."""
    from minicrm.ical.entries import database_id, iter_entries, window
    from minicrm.ical.feed import Renderer, refresh_value

    refresh_value(options.refresh)
    win = window(today=today, days_back=days_back, days_ahead=days_ahead, include=include)
    with session.snapshot():
        renderer = Renderer(database_id(session), options)  # a bad --tz fails before any work
        return resources(iter_entries(session, win), renderer)


def resources(entries: Iterable[FeedEntry], renderer: Renderer) -> list[Resource]:
    """One CalDAV object per UID (`Renderer.single`: the event, and the task when the feed has them), stamped
    with the digest of its content (`X-MINICRM-HASH`)."""
    out = []
    for entry in entries:
        for as_todo in (False, True) if renderer.options.todo and entry.todo else (False,):
            digest = hashlib.sha256(renderer.single(entry, as_todo=as_todo)).hexdigest()[:32]
            uid = renderer.uid(entry, "todo-" if as_todo else "")
            out.append(Resource(uid, as_todo, renderer.single(entry, as_todo=as_todo, digest=digest), digest))
    return out


def _safe(text: str, secret: str | None) -> str:
    text = masked_url(text)
    if secret:
        text = text.replace(secret, "***")
    return text


def _component(obj: Any) -> Any:
    cal = obj.icalendar_instance
    for sub in cal.walk():
        if sub.name in ("VEVENT", "VTODO"):
            return sub
    return None


def push(
    url: str,
    wanted: list[Resource],
    *,
    uid_suffix: str,
    username: str | None = None,
    password: str | None = None,
    display_name: str = "minicrm follow-ups",
) -> PushResult:
    """Make the calendar at `url` hold exactly `wanted` among this database's objects (UIDs ending `uid_suffix`)."""
    from caldav.davclient import DAVClient  # the class `caldav.DAVClient` names lazily (typed as object)
    from caldav.lib import error as caldav_error

    result = PushResult(masked_url(url))
    try:
        with DAVClient(url=url, username=username, password=password) as client:
            cal = client.calendar(url=url)
            try:
                cal.get_display_name()  # PROPFIND: does the calendar exist? (a REPORT on a missing one may say [])
            except caldav_error.NotFoundError:
                cal = _create(client, url, display_name)
            existing = [*cal.get_events(), *cal.get_todos(include_completed=True)]
            ours: dict[str, Any] = {}
            for obj in existing:
                comp = _component(obj)
                if comp is None:
                    continue
                uid = str(comp.get("uid", ""))
                if not uid.endswith(uid_suffix):
                    continue
                if uid in ours:  # a duplicate left by an interrupted run: keep one
                    obj.delete()
                    result.deleted.append(uid)
                    continue
                ours[uid] = (obj, str(comp.get(HASH_PROP, "")))
            for res in wanted:
                found = ours.pop(res.uid, None)
                if found is None:
                    (cal.add_todo if res.is_todo else cal.add_event)(res.ics.decode(), increase_seqno=False)
                    result.created.append(res.uid)
                elif found[1] != res.digest:
                    obj = found[0]
                    obj.data = res.ics.decode()
                    obj.save(increase_seqno=False)
                    result.updated.append(res.uid)
                else:
                    result.unchanged += 1
            for uid, (obj, _etag) in sorted(ours.items()):
                obj.delete()
                result.deleted.append(uid)
    except MinicrmError:
        raise
    except caldav_error.MkcalendarError as exc:
        status = re.search(r"\d{3}[^'\n]*", str(exc))
        said = status.group(0) if status else "no"
        raise CalDavError(
            _(
                "cannot create the calendar {url} (server said: {said}); create it in the calendar app, or check --user"
            ).format(url=masked_url(url), said=said)
        ) from None
    except caldav_error.AuthorizationError:
        raise CalDavError(_("CalDAV server refused the credentials for {url}").format(url=masked_url(url))) from None
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CalDavError(
            _("CalDAV {url}: {reason}").format(url=masked_url(url), reason=_safe(first, password)[:300])
        ) from None
    return result


def _create(client: Any, url: str, display_name: str) -> Any:
    """Create the calendar at `url` (MKCALENDAR in its parent collection)."""
    from urllib.parse import urlsplit

    from caldav.collection import CalendarSet
    from caldav.davclient import DAVClient

    parts = urlsplit(url)
    try:
        # Servers such as Radicale create the user's home collection when the principal is first looked up.
        DAVClient(url=f"{parts.scheme}://{parts.netloc}/", username=client.username,
                  password=client.password).principal()  # fmt: skip
    except Exception:  # not every server answers principal discovery at its root; MKCALENDAR may still work
        pass
    path = parts.path.rstrip("/")
    parent, _sep, cal_id = path.rpartition("/")
    parent_url = f"{parts.scheme}://{parts.netloc}{parent}/"
    return CalendarSet(client=client, url=parent_url).make_calendar(
        name=display_name, cal_id=cal_id, supported_calendar_component_set=["VEVENT", "VTODO"]
    )
