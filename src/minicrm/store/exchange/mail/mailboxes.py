"""The messages of Maildir folders and mbox files, one at a time (as bytes: nothing holds a whole mailbox).

A PATH is a Maildir (a folder with cur/ and new/; its Maildir++ subfolders `.Sent`... come with it), a folder
of Maildirs (mbsync's and offlineimap's ~/Mail/ACCOUNT/), an mbox file (it starts with "From "), or a file
holding one message (a file of a Maildir, as notmuch lists them; an .eml).
Every PATH is checked before any message is read, so a bad one is one error and nothing is logged.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from minicrm.errors import BadInput
from minicrm.i18n import _

#: A body line starting "From " is written ">From " in an mbox file (">>From " for ">From "...): undone on reading.
_MBOX_QUOTED = re.compile(rb"(\n)>(>*From )")
#: A file that starts with a header line ("Return-Path: <...>", "Received: from ...") holds one message.
_HEADER_START = re.compile(rb"[!-9;-~]+:")


@dataclass(frozen=True)
class Folder:
    path: Path
    kind: str  # maildir | mbox | message (one message in a file: a Maildir file, an .eml)

    @property
    def label(self) -> str:
        return str(self.path)


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def folders(paths: list[Path]) -> list[Folder]:
    """The mailboxes the PATHs name, in order; raises BadInput naming the first PATH that is none."""
    found: list[Folder] = []
    for path in paths:
        found += _folders_of(path)
    return found


def _folders_of(path: Path) -> list[Folder]:
    try:
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise BadInput(_("cannot read {path}: permission denied").format(path=path))
            if _is_maildir(path):
                subfolders = sorted(p for p in path.iterdir() if p.name.startswith(".") and _is_maildir(p))
                return [Folder(path, "maildir"), *(Folder(p, "maildir") for p in subfolders)]
            children = sorted(p for p in path.iterdir() if p.is_dir() and _is_maildir(p))
            if not children:
                raise BadInput(
                    _("{path} is not a mailbox: a folder without cur/ and new/, nor Maildir folders inside").format(
                        path=path
                    )
                )
            return [f for child in children for f in _folders_of(child)]
        with path.open("rb") as file:
            start = file.read(80)
    except FileNotFoundError:
        raise BadInput(_("no file or folder {path}").format(path=path)) from None
    except PermissionError:
        raise BadInput(_("cannot read {path}: permission denied").format(path=path)) from None
    except OSError as exc:
        raise BadInput(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    if not path.is_file():
        raise BadInput(_("{path} is not a mailbox: not a regular file or folder").format(path=path))
    if not start or start.startswith(b"From "):
        return [Folder(path, "mbox")]
    if _HEADER_START.match(start):
        return [Folder(path, "message")]
    raise BadInput(
        _(
            "{path} is not a mailbox: an mbox file starts with 'From ', a message with a header, a Maildir is a folder"
        ).format(path=path)
    )


def messages(folder: Folder) -> Iterator[bytes]:
    """The messages of one folder, as bytes; a message a mail client moved away meanwhile is passed over."""
    box: mailbox.Mailbox
    if folder.kind == "message":
        try:
            yield folder.path.read_bytes()
        except OSError as exc:
            raise BadInput(_("cannot read {path}: {reason}").format(path=folder.path, reason=exc.strerror)) from None
        return
    try:
        if folder.kind == "maildir":
            box = mailbox.Maildir(folder.path, factory=None, create=False)
        else:
            box = mailbox.mbox(folder.path, factory=None, create=False)
        keys = box.iterkeys()
        for key in keys:
            try:
                data = box.get_bytes(key)
            except (FileNotFoundError, KeyError):
                continue
            yield _MBOX_QUOTED.sub(rb"\1\2", data) if folder.kind == "mbox" else data
    except PermissionError as exc:
        raise BadInput(_("cannot read {path}: permission denied").format(path=exc.filename or folder.path)) from None
    except OSError as exc:
        raise BadInput(
            _("cannot read {path}: {reason}").format(path=exc.filename or folder.path, reason=exc.strerror)
        ) from None


_MBOX_SEPARATOR = re.compile(rb"(?:\A|\n)From [^\n]*\n")


def piped(data: bytes) -> list[bytes]:
    """The messages a mail client pipes: one message, or several in mbox form (aerc's and mutt's tagged
    messages: "From " lines between them, body lines quoted as ">From ")."""
    if not data.startswith(b"From "):
        return [data]
    return [_MBOX_QUOTED.sub(rb"\1\2", m) for m in _MBOX_SEPARATOR.split(data) if m.strip()]
