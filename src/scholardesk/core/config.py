"""Where the library lives and the user's settings.

The data folder comes from ``--home`` / ``SCHOLARDESK_HOME`` or platformdirs' user data dir.
The database URL from ``--db`` / ``SCHOLARDESK_DB`` or ``sqlite:///<home>/library.sqlite``.
Settings are a small JSON file in the data folder, so they survive a database switch.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from scholardesk.core.errors import InputError

logger = logging.getLogger(__name__)

APP_NAME = "ScholarDesk"
DB_FILENAME = "library.sqlite"
LANGUAGES = ("en", "zh_CN")


def _location_pointer() -> Path:
    """Remembers the library folder the user last chose in the GUI (File > Library location)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "library-location.txt"


def default_home() -> Path:
    env = os.environ.get("SCHOLARDESK_HOME")
    if env:
        return Path(env).expanduser()
    pointer = _location_pointer()
    if pointer.is_file():
        chosen = pointer.read_text(encoding="utf-8").strip()
        if chosen:
            return Path(chosen)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def remember_home(home: Path) -> None:
    pointer = _location_pointer()
    pointer.parent.mkdir(parents=True, exist_ok=True)
    pointer.write_text(str(home), encoding="utf-8")


@dataclass(frozen=True)
class Paths:
    """All the places ScholarDesk writes to, derived from one data folder."""

    home: Path
    db_url: str

    @classmethod
    def resolve(cls, home: str | Path | None = None, db_url: str | None = None) -> Paths:
        home_path = Path(home).expanduser() if home else default_home()
        url = db_url or os.environ.get("SCHOLARDESK_DB") or ""
        if not url:
            url = f"sqlite:///{(home_path / DB_FILENAME).as_posix()}"
        return cls(home=home_path.resolve(), db_url=url)

    @property
    def sqlite_file(self) -> Path | None:
        """The database file when the library is a SQLite file, else None."""
        prefix = "sqlite:///"
        if self.db_url.startswith(prefix) and ":memory:" not in self.db_url:
            return Path(self.db_url[len(prefix):].split("?", 1)[0])
        return None

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "scholardesk.log"

    @property
    def backup_dir(self) -> Path:
        return self.home / "backups"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.json"

    def ensure(self) -> None:
        for folder in (self.home, self.log_dir, self.backup_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)


# Base address of every web service, by name. Each can be changed in settings.json
# (``service_urls``) or by an environment variable ``SCHOLARDESK_SERVICE_<NAME>`` (mirrors
# behind the Great Firewall, local test servers); the variable wins.
SERVICE_DEFAULTS: dict[str, str] = {
    "arxiv": "https://export.arxiv.org/api/query",
    "crossref": "https://api.crossref.org",
    "semanticscholar": "https://api.semanticscholar.org",
    "dblp": "https://dblp.org",
    "openalex": "https://api.openalex.org",
}
SERVICE_ENV_PREFIX = "SCHOLARDESK_SERVICE_"


def _of_type(value: object, default: object) -> object | None:
    """``value`` as the type of ``default`` (an int where a float is expected), or None when
    it is not one (a hand-edited settings.json)."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(value) if ok else None  # type: ignore[arg-type]
    if isinstance(default, int):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return value if isinstance(value, type(default)) else None


@dataclass
class Settings:
    """User preferences edited in the settings dialog."""

    language: str = "en"
    contact_email: str = ""
    proxy: str = ""
    # Politeness limits for remote services (requests per second per host).
    crossref_rate: float = 3.0
    publisher_rate: float = 1.0
    arxiv_interval_s: float = 3.0
    timeout_s: float = 30.0
    max_retries: int = 3
    # Limits on one answer from any server: total seconds (a slow drip is cut off) and size.
    request_deadline_s: float = 120.0
    max_body_mb: float = 20.0
    ccf_catalogue_url: str = "https://www.ccf.org.cn/ccftjgjxskwml/"
    # Venues: the CCF edition shown by default ("" = the newest imported, or "2022", ...)
    # and the base address the rank lists are downloaded from ("" = ShowJCR on GitHub)
    ccf_edition: str = ""
    rank_lists_url: str = ""
    # name → base address, overriding SERVICE_DEFAULTS (see service_url)
    service_urls: dict[str, str] = field(default_factory=dict)
    # Optional Semantic Scholar API key (sent as x-api-key; allows faster requests).
    semantic_scholar_api_key: str = ""
    # Models: refuse a GPU run that would fall back to the CPU (wholly or some nodes), and
    # cuDNN's convolution search ("HEURISTIC", or "EXHAUSTIVE": ~0.6 s per new input shape).
    gpu_strict: bool = False
    cudnn_conv_algo_search: str = "HEURISTIC"
    # Shared library: the name you go by there (your reading status, notes, tags, feed and
    # submissions are kept under it); "" = your database role. A personal library ignores it.
    library_person: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def service_url(self, name: str) -> str:
        """The base address of web service ``name``: the environment variable
        ``SCHOLARDESK_SERVICE_<NAME>``, else ``service_urls[name]``, else the older
        ``extra["<name>_api_url"]``, else the public address."""
        env = os.environ.get(SERVICE_ENV_PREFIX + name.upper(), "").strip()
        if env:
            return env
        configured = str(self.service_urls.get(name) or self.extra.get(f"{name}_api_url") or "")
        return configured.strip() or SERVICE_DEFAULTS[name]

    def validate(self) -> None:
        if self.language not in LANGUAGES:
            raise InputError(
                f"Unknown language {self.language!r}.", f"Choose one of: {', '.join(LANGUAGES)}."
            )
        if self.contact_email and "@" not in self.contact_email:
            raise InputError(f"{self.contact_email!r} is not an e-mail address.")
        for name in ("crossref_rate", "publisher_rate"):
            if getattr(self, name) <= 0:
                raise InputError(f"{name} must be a positive number of requests per second.")
        for name in ("request_deadline_s", "max_body_mb"):
            if getattr(self, name) <= 0:
                raise InputError(f"{name} must be a positive number.")
        if str(self.cudnn_conv_algo_search).upper() not in ("HEURISTIC", "EXHAUSTIVE", "DEFAULT"):
            raise InputError(f"Unknown cudnn_conv_algo_search {self.cudnn_conv_algo_search!r}.",
                             "Choose HEURISTIC, EXHAUSTIVE or DEFAULT.")

    @classmethod
    def load(cls, path: Path) -> Settings:
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("Ignoring unreadable settings file %s: %s", path, exc)
            return cls()
        if not isinstance(raw, dict):
            logger.warning("Ignoring settings file %s: not a JSON object", path)
            return cls()
        defaults = cls()
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value = _of_type(raw[f.name], getattr(defaults, f.name))
            if value is None:  # e.g. "library_person": null — the default, not a crash later
                logger.warning("Ignoring setting %s=%r in %s: not a %s", f.name, raw[f.name],
                               path, type(getattr(defaults, f.name)).__name__)
                continue
            values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]

    def save(self, path: Path) -> None:
        self.validate()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
