"""The values of a contact's fields as users type them: status, tag, custom field, e-mail, phone.

Each check returns the value as it is stored or raises BadInput naming what was wrong; the CLI, the TUI
forms and the importers share them.
"""

from __future__ import annotations

from minicrm.cells import has_control
from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.text import phone_key

STATUSES = ("lead", "client", "former-client", "partner", "supplier", "competitor")


def normalize_status(status: str) -> str:
    key = "-".join(status.strip().lower().replace("_", " ").split())
    if key not in STATUSES:
        raise BadInput(
            _("unknown status '{status}' (one of: {choices})").format(status=status, choices=", ".join(STATUSES))
        )
    return key


def normalize_tag(tag: str) -> str:
    value = " ".join(tag.strip().lower().split())
    if not value or "," in value or has_control(value):
        raise BadInput(_("invalid tag '{tag}' (no commas, not empty)").format(tag=tag))
    return value


def parse_field(spec: str) -> tuple[str, str]:
    """`key=value` → (key, value); an empty value means: remove the field."""
    key, sep, value = spec.partition("=")
    key = key.strip()
    if not sep or not key or "\x00" in spec:
        raise BadInput(_("invalid field '{spec}' (expected key=value)").format(spec=spec))
    return key, value.strip()


def check_email(email: str) -> str:
    value = email.strip()
    local, at, domain = value.rpartition("@")
    if (
        not at
        or not local
        or "." not in domain
        or domain.startswith(".")
        or any(c.isspace() for c in value)
        or has_control(value)
    ):
        raise BadInput(_("invalid email '{email}'").format(email=email))
    return value


def check_phone(phone: str) -> str:
    value = " ".join(phone.strip().split())
    if len(phone_key(value)) < 3 or has_control(value):
        raise BadInput(_("invalid phone number '{phone}'").format(phone=phone))
    return value
