"""The template every harvest backend follows.

A backend (a ``Harvester`` subclass in the top-level ``harvesters`` package) says only two
things: how to list the remote items (``list_items``) and how to turn one into a dataset
(``to_dataset``), plus, when its listing is light, how to fetch one item whole (``fetch``).

``run_harvest`` does the rest, the same way for every backend: it skips items whose content hash
has not changed, prepares each dataset (entity, provenance, clean-up), hands it to a writer (the
database, or nothing at all for a preview), turns every exception into the item's status with a
message, removes what disappeared at the source only after a complete listing, and stops a job
that makes no progress for the configured time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from flask_babel import lazy_gettext as _l

from portal.errors import PortalError, ValidationError
from portal.harvest.mapping import prepare_dataset
from portal.harvest.rdf import RdfError
from portal.outbound import Fetcher, FetchError

log = logging.getLogger(__name__)

#: Bumped when the preparation of datasets changes, so every item is written again once.
MAPPING_VERSION = "2"


@dataclass
class RemoteItem:
    """One remote item as listed. ``payload`` is what its content hash is computed from (JSON
    values); ``partial`` items were listed without content and need ``Harvester.fetch``."""

    remote_id: str
    url: str = ""
    title: str = ""
    payload: Any = None
    modified: str = ""
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # backend's own data, never hashed


@dataclass(frozen=True)
class SourceSpec:
    """What a backend may know of its source (no database object reaches a backend)."""

    name: str
    type: str
    url: str
    entity: str
    config: Mapping[str, Any]


@dataclass(frozen=True)
class PreviousItem:
    """What the last successful write of a remote item left."""

    remote_id: str
    dataset_id: str | None
    content_hash: str
    remote_modified: str
    status: str

    @property
    def live(self) -> bool:
        return self.dataset_id is not None and self.status != "deleted"


@dataclass
class ItemOutcome:
    remote_id: str
    status: str
    message: str = ""
    remote_url: str = ""
    title: str = ""
    content_hash: str = ""
    dataset_id: str | None = None


class SkipItem(Exception):
    """Raised by a backend or a writer: the item is left out on purpose, with a reason."""

    def __init__(self, message: Any, dataset_id: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.dataset_id = dataset_id


class ListingError(Exception):
    """A problem with the listing itself (not one item): a page loop, a page that is not what
    the backend expects. The listing is then incomplete, so nothing will be deleted."""

    def __init__(self, type: str, message: Any, url: str = ""):
        super().__init__(str(message))
        self.type = type
        self.message = str(message)
        self.url = url


class JobTimedOut(Exception):
    pass


class Writer(Protocol):
    """Where the outcome of a harvest goes: ``services.DatabaseWriter`` or a preview."""

    previous: Mapping[str, PreviousItem]
    known_themes: set[str]

    def write(self, item: RemoteItem, data: dict[str, Any], content_hash: str
              ) -> tuple[str, str | None]: ...

    def delete(self, previous: PreviousItem) -> str: ...

    def record(self, outcome: ItemOutcome) -> None: ...

    def error(self, type: str, message: str, url: str = "") -> None: ...


class Harvester:
    """Base class of the backends. Subclasses set ``type`` and ``label`` and implement
    ``list_items`` and ``to_dataset``."""

    type: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    #: Configuration keys the backend understands, with their defaults.
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, source: SourceSpec, fetcher: Fetcher, *,
                 previous: Mapping[str, PreviousItem] | None = None):
        self.source = source
        self.fetcher = fetcher
        self.previous = previous or {}
        self.config = {**self.common_defaults(), **self.defaults, **dict(source.config)}
        #: Number of items, when the source says it (for the progress bar).
        self.expected: int | None = None
        self.listing_problems: list[ListingError] = []

    @staticmethod
    def common_defaults() -> dict[str, Any]:
        return {"remove_missing": True, "default_license": "", "license_map": {},
                "private": None, "max_pages": 1000}

    @classmethod
    def check_config(cls, config: Mapping[str, Any]) -> list[str]:
        """Problems with a source configuration (empty when fine)."""
        known = {*cls.common_defaults(), *cls.defaults}
        problems = [str(_l("Opción desconocida: «{key}».")).format(key=key)
                    for key in config if key not in known]
        if "license_map" in config and not isinstance(config["license_map"], dict):
            problems.append(str(_l("«license_map» debe ser un objeto {remota: local}.")))
        return problems

    # -- what a backend implements -----------------------------------------------------------

    def list_items(self) -> Iterator[RemoteItem]:
        raise NotImplementedError

    def fetch(self, item: RemoteItem) -> RemoteItem:
        """Complete a ``partial`` item. Backends with light listings override this."""
        return item

    def to_dataset(self, item: RemoteItem) -> dict[str, Any]:
        """Catalog input fields plus ``resources`` (a list of resource input dicts)."""
        raise NotImplementedError

    def release(self, item: RemoteItem) -> None:
        """Free what ``fetch`` or ``list_items`` held for the item (temporary files)."""

    def close(self) -> None:
        """Free what the harvester holds after the job."""

    # -- helpers for backends ----------------------------------------------------------------

    def problem(self, type: str, message: Any, url: str = "") -> None:
        """Note a listing problem and go on: the listing is then incomplete."""
        self.listing_problems.append(ListingError(type, message, url))

    def get_json(self, url: str) -> Any:
        return self.fetcher.get(url, accept="application/json").json()


def content_hash(payload: Any, source: SourceSpec) -> str:
    """A stable hash of an item's content, of the source settings that shape the dataset, and
    of the mapping version: any of them changing makes the item be written again."""
    digest = hashlib.sha256()
    for part in (MAPPING_VERSION, source.type, source.entity, dict(source.config), payload):
        digest.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False)
                      .encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def error_message(exc: BaseException) -> str:
    """A clear message for an exception raised while handling one item."""
    if isinstance(exc, ValidationError):
        details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.fields.items())
        return str(_l("Datos no válidos: {details}")).format(details=details)
    if isinstance(exc, PortalError | FetchError | RdfError | ListingError | SkipItem):
        return exc.message
    return str(_l("Error inesperado ({kind}): {error}")).format(
        kind=type(exc).__name__, error=str(exc)[:500])


@dataclass
class RunResult:
    counts: dict[str, int]
    listing_complete: bool
    timed_out: bool
    errors: list[tuple[str, str, str]]
    seen: int


class HarvestRun:
    """One run of a harvester into a writer. ``hang_seconds``: the longest the run may go
    without finishing an item; ``progress(outcome, harvester)`` is called after each item."""

    def __init__(self, harvester: Harvester, writer: Writer, *, hang_seconds: float,
                 progress: Callable[[ItemOutcome, Harvester], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.harvester = harvester
        self.writer = writer
        self.hang_seconds = hang_seconds
        self.progress = progress
        self.clock = clock
        self.counts = dict.fromkeys(("added", "updated", "unchanged", "deleted", "failed",
                                     "skipped"), 0)
        self.errors: list[tuple[str, str, str]] = []
        self._last_progress = clock()

    def _alive(self) -> None:
        self._last_progress = self.clock()
        self.harvester.fetcher.deadline = self._last_progress + self.hang_seconds

    def _check_hang(self) -> None:
        if self.clock() - self._last_progress > self.hang_seconds:
            raise JobTimedOut()

    def _error(self, type: str, message: str, url: str = "") -> None:
        self.errors.append((type, message, url))
        self.writer.error(type, message, url)

    def run(self) -> RunResult:
        seen: set[str] = set()
        complete = True
        timed_out = False
        self._alive()
        try:
            for item in self.harvester.list_items():
                self._check_hang()
                if item.remote_id in seen:
                    self._finish(ItemOutcome(item.remote_id, "skipped", str(_l(
                        "El elemento aparece más de una vez en el listado; se cosechó la primera "
                        "aparición.")), item.url, item.title))
                    continue
                seen.add(item.remote_id)
                self._finish(self._process(item))
        except JobTimedOut:
            timed_out, complete = True, False
            self._error("timed-out", str(_l(
                "El trabajo no avanzó durante {seconds:g} s y se dio por terminado.")).format(
                    seconds=self.hang_seconds))
        except (FetchError, ListingError) as exc:
            complete = False
            timed_out = isinstance(exc, FetchError) and exc.type == "job-deadline"
            self._error(exc.type, exc.message, exc.url)
        except RdfError as exc:
            complete = False
            self._error(exc.type, exc.message)
        except Exception as exc:  # a backend bug must not hide what was harvested
            log.exception("harvest listing of %s failed", self.harvester.source.name)
            complete = False
            self._error("listing-error", error_message(exc))
        for problem in self.harvester.listing_problems:
            complete = False
            self._error(problem.type, problem.message, problem.url)
        if complete:
            self._remove_missing(seen)
        return RunResult(self.counts, complete, timed_out, self.errors, len(seen))

    def _process(self, item: RemoteItem) -> ItemOutcome:
        previous = self.writer.previous.get(item.remote_id)
        outcome = ItemOutcome(item.remote_id, "failed", remote_url=item.url, title=item.title)
        try:
            if (item.partial and previous is not None and previous.live and item.modified
                    and previous.remote_modified == item.modified):
                outcome.status, outcome.dataset_id = "unchanged", previous.dataset_id
                outcome.content_hash = previous.content_hash
                return outcome
            if item.partial:
                item = self.harvester.fetch(item)
                outcome.remote_url = item.url or outcome.remote_url
            digest = content_hash(item.payload, self.harvester.source)
            outcome.content_hash = digest
            if previous is not None and previous.live and previous.content_hash == digest:
                outcome.status, outcome.dataset_id = "unchanged", previous.dataset_id
                return outcome
            data = self.harvester.to_dataset(item)
            outcome.title = str(data.get("title") or outcome.title)[:500]
            data, notes = prepare_dataset(data, self.harvester.source, item,
                                          known_themes=self.writer.known_themes,
                                          config=self.harvester.config)
            outcome.status, outcome.dataset_id = self.writer.write(item, data, digest)
            outcome.message = " ".join([*item.extra.get("notes", []), *notes])
        except SkipItem as exc:
            outcome.status, outcome.message, outcome.dataset_id = "skipped", exc.message, \
                exc.dataset_id
        except Exception as exc:
            if not isinstance(exc, PortalError | FetchError | RdfError | ListingError):
                log.exception("harvest item %s of %s failed", item.remote_id,
                              self.harvester.source.name)
            outcome.status, outcome.message = "failed", error_message(exc)
        finally:
            self.harvester.release(item)
        return outcome

    def _finish(self, outcome: ItemOutcome) -> None:
        self.counts[outcome.status] += 1
        self.writer.record(outcome)
        self._alive()
        if self.progress is not None:
            try:
                self.progress(outcome, self.harvester)
            except Exception:  # a display problem must not stop the harvest
                log.exception("harvest progress callback failed")

    def _remove_missing(self, seen: set[str]) -> None:
        gone = [p for remote_id, p in self.writer.previous.items()
                if remote_id not in seen and p.live]
        if not gone:
            return
        if not self.harvester.config.get("remove_missing", True):
            return
        if not seen:
            self._error("empty-listing", str(_l(
                "La fuente no listó ningún elemento, pero antes tenía {n}; por seguridad no se "
                "eliminó nada. Revise la fuente.")).format(n=len(gone)))
            return
        for previous in gone:
            outcome = ItemOutcome(previous.remote_id, "deleted", str(_l(
                "Ya no está en la fuente: el conjunto de datos se dio de baja.")),
                dataset_id=previous.dataset_id)
            try:
                outcome.status = self.writer.delete(previous)
            except Exception as exc:
                outcome.status, outcome.message = "failed", error_message(exc)
            self._finish(outcome)
