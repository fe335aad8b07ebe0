"""``portal harvest ...``: sources, runs and previews, from the command line (scheduled runs go
through the job queue: ``portal.harvest.tasks``)."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from portal.auth.permissions import SYSTEM
from portal.errors import PortalError
from portal.harvest import registry, services
from portal.harvest.base import ItemOutcome


@click.group("harvest", help="Harvest remote catalogs (CKAN, DCAT, Data Package, OCDS).")
def harvest_group() -> None:
    pass


@harvest_group.group("source", help="Manage harvest sources.")
def source_group() -> None:
    pass


def _fail(exc: PortalError) -> click.ClickException:
    return click.ClickException(exc.message)


@source_group.command("add")
@click.argument("name")
@click.option("--type", "kind", required=True,
              help=f"Backend that reads the source: {', '.join(registry.BUILTIN)}.")
@click.option("--url", required=True, help="URL of the catalog, API or file.")
@click.option("--entity", required=True, help="Entity (name) the datasets belong to.")
@click.option("--schedule", default="", help="Cron expression, e.g. '0 * * * *' or @daily.")
@click.option("--config", "config", default="", help="Backend configuration as JSON.")
@click.option("--title", default="", help="Human title of the source.")
@with_appcontext
def add_source(name: str, kind: str, url: str, entity: str, schedule: str, config: str,
               title: str) -> None:
    """Add the harvest source NAME."""
    try:
        source = services.create_source({"name": name, "type": kind, "url": url,
                                         "entity": entity, "schedule": schedule,
                                         "config": config, "title": title}, SYSTEM)
    except PortalError as exc:
        raise _fail(exc) from None
    click.echo(f"Added harvest source {source.name} ({source.type}, {source.url}).")


@source_group.command("list")
@with_appcontext
def list_sources() -> None:
    """List harvest sources with their last job."""
    sources = services.list_sources(SYSTEM)
    if not sources:
        click.echo("No harvest sources.")
    for source in sources:
        job = services.last_job(source)
        last = f"{job.status} {job.started:%Y-%m-%d %H:%M}" if job else "never run"
        flag = "" if source.active else " [inactive]"
        click.echo(f"{source.name}\t{source.type}\t{source.entity.name}\t"
                   f"{source.schedule or '-'}\t{last}{flag}\t{source.url}")


@source_group.command("show")
@click.argument("name")
@with_appcontext
def show_source(name: str) -> None:
    """Show a source, its configuration and its recent jobs."""
    try:
        source = services.get_source(name)
    except PortalError as exc:
        raise _fail(exc) from None
    data = services.source_dict(source)
    data["datasets"] = services.datasets_of(source)
    data["jobs"] = [services.job_dict(job) for job in services.list_jobs(source, limit=10)]
    data.pop("last_job", None)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@source_group.command("remove")
@click.argument("name")
@with_appcontext
def remove_source(name: str) -> None:
    """Remove a source and its job history (its datasets stay in the catalog)."""
    try:
        services.delete_source(services.get_source(name), SYSTEM)
    except PortalError as exc:
        raise _fail(exc) from None
    click.echo(f"Removed harvest source {name}.")


class _Progress:
    """A progress bar once the source says how many items it has; a counter until then."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, outcome: ItemOutcome, harvester) -> None:
        self.done += 1
        if self.bar is None and harvester.expected:
            self.bar = click.progressbar(length=harvester.expected, label=self.label,
                                         file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
            self.bar.update(self.done - 1)
        if self.bar is not None:
            if self.done > self.bar.length:
                self.bar.length = self.done
            self.bar.update(1)
        elif self.done % 50 == 0:
            click.echo(f"{self.label}: {self.done} items", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _summary(name: str, counts: dict[str, int]) -> str:
    return (f"{name}: {counts['added']} added, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['deleted']} deleted, "
            f"{counts['failed']} failed, {counts['skipped']} skipped")


def _run_one(source, trigger: str, quiet: bool) -> bool:
    progress = None if quiet else _Progress(source.name)
    try:
        job = services.run_source(source, trigger=trigger, progress=progress)
    except PortalError as exc:
        click.echo(f"{source.name}: {exc.message}", err=True)
        return False
    finally:
        if progress is not None:
            progress.close()
    click.echo(f"{_summary(source.name, job.counts)}. Job {job.id}: {job.status}.")
    if job.status in ("failed", "timed_out", "errors"):
        click.echo(f"  {job.message}", err=True)
        for error in services.job_errors(job):
            click.echo(f"  [{error.type}] {error.message}", err=True)
    return job.status in ("done", "errors")


@harvest_group.command("run")
@click.argument("source", required=False)
@click.option("--due", is_flag=True, help="Run every active source whose schedule is due.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--trigger", default="manual", type=click.Choice(["manual", "schedule"]),
              hidden=True)
@with_appcontext
def run_command(source: str | None, due: bool, quiet: bool, trigger: str) -> None:
    """Harvest SOURCE now, or every due source with --due (for cron)."""
    if bool(source) == due:
        raise click.UsageError("Give a SOURCE or --due, not both.")
    if due:
        ended = services.reap_hung_jobs()
        for job_id in ended:
            click.echo(f"Ended hung job {job_id}.", err=True)
        sources = services.due_sources()
        if not sources:
            click.echo("No source is due.")
        ok = all([_run_one(s, "schedule", quiet) for s in sources])
    else:
        try:
            found = services.get_source(source)
        except PortalError as exc:
            raise _fail(exc) from None
        ok = _run_one(found, trigger, quiet)
    if not ok:
        raise SystemExit(1)


@harvest_group.command("preview")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@with_appcontext
def preview_command(source: str, as_json: bool) -> None:
    """Show what harvesting SOURCE would do, writing nothing."""
    try:
        found = services.get_source(source)
        preview = services.preview_source(found, progress=_Progress(f"{source} (preview)"))
    except PortalError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps({
            "source": preview.source, "counts": preview.counts,
            "listing_complete": preview.listing_complete,
            "errors": [{"type": t, "message": m, "url": u} for t, m, u in preview.errors],
            "items": [vars(item) for item in preview.items],
        }, indent=2, ensure_ascii=False, default=str))
        return
    for item in preview.items:
        line = f"{item.status:<9} {item.remote_id}  {item.title}"
        click.echo(line + (f"\n          {item.message}" if item.message else ""))
    for kind, message, _url in preview.errors:
        click.echo(f"error     [{kind}] {message}")
    click.echo(f"Preview (nothing written): {_summary(preview.source, preview.counts)}.")
