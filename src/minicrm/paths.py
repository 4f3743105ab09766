"""Where minicrm keeps its files: $MINICRM_HOME, else the platform's user data/config dirs."""

import os
from pathlib import Path


def _home() -> Path | None:
    home = os.environ.get("MINICRM_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    if home := _home():
        return home
    from platformdirs import user_data_path

    return user_data_path("minicrm", appauthor=False)


def config_dir() -> Path:
    if home := _home():
        return home
    from platformdirs import user_config_path

    return user_config_path("minicrm", appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "minicrm.db"


def backup_dir() -> Path:
    return data_dir() / "backups"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only; leave an existing folder as it is."""
    if not path.exists():
        old = os.umask(0o077)
        try:
            path.mkdir(parents=True, exist_ok=True)
        finally:
            os.umask(old)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (its folder 0700 when we create it)."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
