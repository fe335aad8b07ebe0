"""Settings, declared once as data.

Each setting has a name, a default, a parser and a help text. The app, the CLI (``portal config``),
the docs and the tests read this one declaration. Values come from the environment variable of the
same name, or from the mapping passed to ``create_app``.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class SettingError(ValueError):
    """A setting with a value the portal cannot start with; the message names the setting."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("PORTAL_INSTANCE_PATH", None,
            "Folder for the SQLite file, uploads, the search index and dumps "
            "(default: ./instance)."),
    Setting("PORTAL_DATABASE_URL", None,
            "SQLAlchemy URL of the database (default: a SQLite file in the instance folder). "
            "PostgreSQL: postgresql+psycopg://user:password@host/dbname."),
    Setting("PORTAL_SECRET_KEY", None,
            "Secret used to sign sessions and forms. Required in production; a random key is "
            "generated and kept in the instance folder when unset."),
    Setting("PORTAL_SITE_URL", "http://127.0.0.1:5000",
            "Public base URL of the portal, used in feeds and RDF identifiers."),
    Setting("PORTAL_SITE_TITLE", "Datos Abiertos de Bolivia", "Name of the portal."),
    Setting("PORTAL_TRUSTED_PROXIES", 0,
            "Reverse proxies in front of the portal whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed (0: none; never set it without a proxy).", int),
    Setting("PORTAL_MAX_UPLOAD_MB", 100, "Largest file a publisher may upload, in megabytes.",
            int),
    Setting("PORTAL_API_MAX_BODY_MB", 10, "API: largest JSON or form body of an action "
            "(files sent as multipart parts excepted), in megabytes.", int),
    Setting("PORTAL_UPLOAD_FORBIDDEN_EXTENSIONS",
            "exe,dll,bat,cmd,com,msi,scr,sh,ps1,vbs,vbe,js,jse,wsf,wsh,jar,php,php3,php4,php5,"
            "php7,phtml,phar,asp,aspx,jsp,cgi,pl,html,htm,xhtml,xht,shtml,shtm,hta,svg,svgz,"
            "mht,mhtml,xsl,xslt,swf,lnk,pif,cpl,reg,msc,htaccess",
            "Comma-separated file extensions refused on upload."),
    Setting("PORTAL_STORAGE", "local", "Where uploads and dumps live: local (the instance "
            "folder) or s3 (an S3-compatible bucket, shared by every node)."),
    Setting("PORTAL_STORAGE_ACCEL_PREFIX", "", "Local storage: nginx internal location that "
            "sends stored files (X-Accel-Redirect), e.g. /_storage/; empty: the portal sends "
            "them."),
    Setting("PORTAL_S3_BUCKET", "", "S3 storage: bucket name (it must exist)."),
    Setting("PORTAL_S3_ENDPOINT_URL", "", "S3 storage: endpoint of a non-AWS store, e.g. "
            "https://minio.example:9000 (empty: AWS)."),
    Setting("PORTAL_S3_REGION", "", "S3 storage: region (empty: the client's default)."),
    Setting("PORTAL_S3_ACCESS_KEY_ID", "", "S3 storage: access key (empty: boto3's usual "
            "sources: environment, instance role)."),
    Setting("PORTAL_S3_SECRET_ACCESS_KEY", "", "S3 storage: secret key."),
    Setting("PORTAL_S3_PREFIX", "", "S3 storage: key prefix inside the bucket, e.g. portal/."),
    Setting("PORTAL_SERVE_BIND", "127.0.0.1:8000", "portal serve: address:port (or "
            "unix:/path) gunicorn listens on."),
    Setting("PORTAL_SERVE_WORKERS", 0, "portal serve: worker processes (0: 2 x cores + 1).",
            int),
    Setting("PORTAL_SERVE_THREADS", 4, "portal serve: threads per worker process.", int),
    Setting("PORTAL_SERVE_TIMEOUT", 60, "portal serve: seconds before a silent worker is "
            "restarted.", int),
    Setting("PORTAL_SERVE_MAX_REQUESTS", 100_000, "portal serve: a worker is replaced after "
            "about this many requests (a slow leak cannot grow for ever); 0: never.", int),
    Setting("PORTAL_RATELIMIT_STORAGE_URI", "memory://",
            "Where rate-limit counters live: memory:// (one process), or redis://host:6379 / "
            "memcached://host:11211 shared by every process of the portal."),
    Setting("PORTAL_RATELIMIT_LOGIN", "5 per minute;30 per hour",
            "Failed logins allowed per client address and per account name."),
    Setting("PORTAL_RATELIMIT_TOKEN_CREATE", "10 per hour",
            "API tokens a user may create through the API."),
    Setting("PORTAL_RATELIMIT_PASSWORD_RESET", "5 per hour",
            "Password-reset mails asked for, per client address and per account."),
    Setting("PORTAL_SESSION_IDLE_MINUTES", 120, "A login session unused this long ends "
            "(0: never; not for \"remember me\" sessions).", int),
    Setting("PORTAL_SESSION_MAX_HOURS", 336, "Every login session (and \"remember me\" "
            "cookie) ends this long after the login.", int),
    Setting("PORTAL_DEFAULT_LOCALE", "es", "Language of the interface.", str),
    Setting("PORTAL_PAGE_SIZE", 20, "Datasets per page in lists.", int),
    Setting("PORTAL_CACHE_SECONDS", 60, "Seconds a reverse proxy may keep an anonymous page or "
            "API read (Cache-Control: public, max-age); 0: proxies keep nothing.", int),
    Setting("PORTAL_CACHE_ENTRIES", 2000, "Serialised answers (datasets, documents, pages) each "
            "web process keeps, keyed by their revision; 0: none.", int),
    Setting("PORTAL_RESPONSE_CACHE_ENTRIES", 2000, "Whole answers to anonymous public reads "
            "each web process keeps in front of the app, revalidated on every request "
            "(portal.response_cache); 0: off.", int),
    Setting("PORTAL_STORE_DICTIONARIES", True, "Keep package_search's dictionaries of the "
            "public datasets in the database (about 6 kB each), written by the hourly job "
            "api.store_dictionaries (portal.api.stored_json); off: the job writes nothing and "
            "deletes what it wrote.", _bool),
    Setting("PORTAL_COMPRESS", True, "Compress HTML, JSON and RDF answers (gzip, or brotli when "
            "the client takes it); off when the reverse proxy compresses.", _bool),
    Setting("PORTAL_DEBUG_SQL", False, "Log every SQL statement.", _bool),
    Setting("PORTAL_SEARCH_BACKEND", "whoosh", "Search: the engine, whoosh (an index folder, "
            "the default) or postgresql (tables in the PostgreSQL database, shared by every web "
            "node; see docs/search.md)."),
    Setting("PORTAL_SEARCH_INDEX", None, "Search: folder of the whoosh index "
            "(default: <instance>/search-index)."),
    Setting("PORTAL_HARVEST_TIMEOUT", 30.0, "Fetch: seconds to connect or wait for data.", float),
    Setting("PORTAL_HARVEST_DOWNLOAD_SECONDS", 300.0, "Fetch: longest one download.", float),
    Setting("PORTAL_HARVEST_MAX_MB", 50, "Fetch: largest remote file read, in MB.", int),
    Setting("PORTAL_HARVEST_ALLOWED_NETWORKS", "", "Fetch: private CIDRs allowed, comma-sep."),
    Setting("PORTAL_HARVEST_HANG_SECONDS", 900, "Harvest: a job silent this long is ended.", int),
    Setting("PORTAL_PIGE_WINDOW_START", None, "PIGE: YYYY-MM-DD the 90-day window runs from."),
    Setting("PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE", "next_business_day",
            "PIGE: a calendar-day deadline ending on a non-business day moves to the "
            "next_business_day or stays (same_day)."),
    Setting("PORTAL_SMTP_URL", None, "E-mail (password resets, membership requests, PIGE "
            "notices): smtp://[user:password@]host[:port] or smtp+starttls://...; unset: no "
            "mail is sent."),
    Setting("PORTAL_MAIL_FROM", "pige@localhost", "E-mail: sender address of the portal's "
            "mail."),
    Setting("PORTAL_OCDS_STANDARD", None, "Validation: zip or folder of the OCDS 1.1.5 schemas."),
    Setting("PORTAL_DATAPACKAGE_MAX_UNZIPPED_MB", 500, "Validation: largest expanded zip.", int),
    Setting("PORTAL_MAX_JSON_DEPTH", 64, "Deepest nesting of uploaded or harvested JSON.", int),
    Setting("PORTAL_VALIDATION_MAX_COLUMNS", 1000, "Validation: most columns in a table.", int),
    Setting("PORTAL_VALIDATION_MAX_CELL_KB", 10240, "Validation: largest cell of a CSV, in KB.",
            int),
    Setting("PORTAL_VALIDATION_MAX_SHEET_MB", 200, "Validation: largest expanded XLSX file, in "
            "MB (an ODS, read whole into memory: an eighth).", int),
    Setting("PORTAL_VALIDATION_SECONDS", 600, "Validation: time budget of one file, in seconds.",
            float),
    Setting("PORTAL_PUBLISH_WITH_ERRORS", True, "Publishing: a resource or Data Package whose "
            "validation finds errors is published (marked) or, when off, refused.", _bool),
    Setting("PORTAL_VALIDATION_MODE", None, "Validation after saves: background (a job), "
            "sync (before the request ends) or off (off under TESTING)."),
    Setting("PORTAL_LINKCHECK_MODE", None, "Link checks of remote resources: background "
            "(on the schedule and after a URL changes, through the job queue) or off (off "
            "under TESTING)."),
    Setting("PORTAL_LINKCHECK_INTERVAL_HOURS", 24.0, "Link checks: hours before a link is "
            "checked again.", float),
    Setting("PORTAL_LINKCHECK_THREADS", 16, "Link checks: requests at a time in one run.", int),
    Setting("PORTAL_LINKCHECK_PER_HOST", 2, "Link checks: requests at a time to one host.", int),
    Setting("PORTAL_LINKCHECK_HOST_DELAY", 1.0, "Link checks: least seconds between two "
            "requests to one host.", float),
    Setting("PORTAL_LINKCHECK_TIMEOUT", 10.0, "Link checks: seconds to connect or wait for an "
            "answer (a whole check, redirects included, is cut at twice this).", float),
    Setting("PORTAL_DATASTORE_QUERY_SECONDS", 10.0, "DataStore: seconds a query (a search, "
            "a count, one batch of an export) may run before it is interrupted.", float),
    Setting("PORTAL_DATASTORE_MEMORY_MB", 512, "DataStore: DuckDB's memory limit per process, "
            "in MB (queries and ingests).", int),
    Setting("PORTAL_DATASTORE_THREADS", 2, "DataStore: DuckDB threads per process.", int),
    Setting("PORTAL_DATASTORE_CACHE_ROWS", 2_000_000, "DataStore: rows of the most recently "
            "queried tables each process keeps in memory (larger tables are read from their "
            "Parquet files; 0: none).", int),
    Setting("PORTAL_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "Maps: "
            "the tile URL template ({z}/{x}/{y}) of the resource pages' maps (Leaflet)."),
    Setting("PORTAL_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors", "Maps: the "
            "attribution the tile provider requires, shown on every map."),
    Setting("PORTAL_MUNICIPAL_BOUNDARIES", "", "Maps: path of a GeoJSON FeatureCollection of "
            "Bolivia's municipalities (GeoBolivia / INE) for municipal choropleths, served at "
            "/mapas/bolivia/municipios.geojson; empty: municipal codes count for their "
            "department. Check it with `portal maps check`."),
    Setting("PORTAL_MUNICIPAL_CODE_PROPERTY", "CODIGO", "Maps: the feature property of that "
            "file holding the INE municipal code (6 digits, leading zeros added)."),
    Setting("PORTAL_MUNICIPAL_NAME_PROPERTY", "MUNICIPIO", "Maps: the feature property of that "
            "file holding the municipality's name (absent: the code is shown)."),
    Setting("PORTAL_JOBS_BACKEND", "inprocess", "Jobs: inprocess (a table of the portal's "
            "database, threads in the process) or procrastinate (PostgreSQL; run `portal "
            "worker`)."),
    Setting("PORTAL_JOBS_MODE", None, "Jobs, inprocess backend: background, sync (at once, "
            "after the commit) or off (sync under TESTING)."),
    Setting("PORTAL_JOBS_WORKERS", 2, "Jobs: threads running jobs in each web process (0: "
            "none, leave them to `portal worker`) and in each `portal worker`.", int),
    Setting("PORTAL_JOBS_TICK_SECONDS", 60, "Jobs: seconds between two looks at the schedule "
            "(inprocess backend).", int),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def load(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Resolve every declared setting: overrides, then environment, then default."""
    overrides = dict(overrides or {})
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides.pop(setting.name)
        elif setting.name in os.environ:
            values[setting.name] = setting.parse(os.environ[setting.name])
        else:
            values[setting.name] = setting.default
    values.update(overrides)  # plain Flask settings such as TESTING
    return values


def mode(config: Mapping[str, Any], name: str, modes: tuple[str, ...], *,
         testing: str) -> str:
    """A mode setting (``PORTAL_JOBS_MODE``, ...): one of ``modes``, ``background`` when unset
    (``testing`` under ``TESTING``); any other value is a ``ValueError`` naming the setting."""
    value = (config.get(name) or "").strip().lower()
    if not value:
        return testing if config.get("TESTING") else "background"
    if value not in modes:
        raise ValueError(f"{name} must be one of {', '.join(modes)}, not {value!r}")
    return value


#: What a page or a dictionary is made from, besides the data: the code, the templates, the
#: message catalogs and the static files (``code_fingerprint``).
_FINGERPRINTED = (".py", ".html", ".json", ".css", ".js", ".svg")


@functools.cache
def code_fingerprint(roots: tuple[Path, ...] | None = None) -> str:
    """A digest of the code and files the portal serves with: the ``portal`` and
    ``harvesters`` packages' sources and templates, the message catalogs and ``static/``.

    The distribution's version alone stays the same from one deploy to the next, so anything
    kept under it (the stored ``package_show`` dictionaries shared by every node, entity tags
    given to clients) would outlive a change of its shape. Every process of one deployment runs
    the same files, so they all get the same digest. Catalogs count by their ``.po`` source
    where there is one (a checkout, whose ``.mo`` the app may compile later) and by their
    ``.mo`` otherwise (a wheel ships only those)."""
    from portal import datafiles

    package = Path(__file__).resolve().parent
    roots = roots or (package, package.parent / "harvesters", datafiles.STATIC_DIR)
    digest = hashlib.sha256()
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".mo" and path.with_suffix(".po").exists():
                continue
            if path.suffix not in (*_FINGERPRINTED, ".po", ".mo"):
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def portal_version() -> str:
    """The installed distribution's version; ``0+unknown`` in a checkout never installed."""
    from importlib import metadata

    try:
        return metadata.version("datos-abiertos-portal")
    except metadata.PackageNotFoundError:
        return "0+unknown"
