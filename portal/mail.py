"""Outgoing e-mail: build a message, open the SMTP connection, send; ``queue`` sends it later
through the job queue (job ``mail.send``). Imports no domain code.

``PORTAL_SMTP_URL`` is ``smtp://[user:password@]host[:port]`` (``smtp+starttls://`` for
STARTTLS); without it nothing is sent. Messages come from ``PORTAL_MAIL_FROM``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, has_request_context, url_for

from portal import jobs

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(current_app.config.get("PORTAL_SMTP_URL"))


def site_link(endpoint: str, **values) -> str:
    """An absolute link for a mail, on ``PORTAL_SITE_URL`` (never the request's Host header,
    which the client chooses), inside a request or not (jobs, the command line)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return str(current_app.config["PORTAL_SITE_URL"]).rstrip("/") + path


def build(to: Iterable[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config.get("PORTAL_MAIL_FROM") or "portal@localhost"
    message["To"] = ", ".join(to)
    message.set_content(body)
    return message


def connect() -> smtplib.SMTP:
    """A logged-in connection to ``PORTAL_SMTP_URL`` (use it in a ``with``)."""
    url = current_app.config["PORTAL_SMTP_URL"]
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls"):
        raise ValueError(f"PORTAL_SMTP_URL must start with smtp:// or smtp+starttls://, "
                         f"not {parts.scheme}://")
    client = smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=20)
    if parts.scheme == "smtp+starttls":
        client.starttls()
    if parts.username:
        client.login(unquote(parts.username), unquote(parts.password or ""))
    return client


def send(message: EmailMessage) -> None:
    """Send one message now (an ``smtplib`` error reaches the caller)."""
    with connect() as client:
        client.send_message(message)


@jobs.job("mail.send", queue="default", retries=3)
def send_job(to: list[str], subject: str, body: str) -> None:
    """Send one message; a refused or unreachable server fails the run, which is retried."""
    if not configured():
        log.warning("mail to %s not sent: PORTAL_SMTP_URL is not set", ", ".join(to))
        return
    send(build(to, subject, body))


def queue(to: Iterable[str], subject: str, body: str) -> bool:
    """Ask the job queue to send a message (in the current unit of work, if any: a rolled-back
    change sends nothing). ``False`` when there is no recipient or no mail server."""
    to = [address for address in to if address]
    if not to or not configured():
        return False
    jobs.enqueue(send_job, to=to, subject=subject, body=body)
    return True
