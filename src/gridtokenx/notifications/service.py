"""The notifier's loop: changes → decisions (PostgreSQL, one transaction per batch) → the
outbox drained to Redis and SMTP.

One pass (:meth:`Notifier.run_pass`):

1. ``process_changes`` until a batch comes back short: notifications, outbox rows and the cursor
   are committed together, so each change takes effect exactly once in PostgreSQL;
2. publish every unpublished outbox event in outbox order with
   :func:`~gridtokenx.notifications.channel.publish_user_event`, whose Redis marker
   ``gtx:notifier:published:<event_id>`` (set in the same MULTI as INCR and PUBLISH) makes a
   repeat after a crash a no-op: each event is published once; the first failure stops the
   drain so a user's events never overtake each other;
3. send due e-mails; a server that does not take one is retried every
   ``email_retry_interval_s`` up to ``email_max_attempts``. SMTP cannot be made exactly once: a
   crash after the server accepted a message and before ``sent`` is recorded sends it again
   (with the same Message-ID, so a mail client can drop the copy);
4. prune outbox rows that are done.

PostgreSQL or Redis down: the pass stops, is counted, and the next one starts from the cursor
and the outbox after ``retry_interval_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from redis.asyncio import Redis

from gridtokenx.config import GatewaySettings, NotifierSettings
from gridtokenx.notifications import metrics
from gridtokenx.notifications.channel import publish_user_event
from gridtokenx.notifications.core import decide
from gridtokenx.notifications.errors import NotifierError, NotifierStoreError
from gridtokenx.notifications.smtp import (
    SmtpRefusedError,
    SmtpUnavailableError,
    build_message,
    send_message,
)
from gridtokenx.notifications.store import NotifierStore, message_id

_log = logging.getLogger(__name__)
_DRAIN_LIMIT = 500


def published_marker(event_id: uuid.UUID) -> str:
    """The Redis key that records that an outbox row's event was published."""
    return f"gtx:notifier:published:{event_id}"


@dataclass(slots=True)
class PassCounts:
    changes: int = 0
    deliveries: int = 0
    notifications: int = 0
    published: int = 0
    emails_sent: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.changes or self.published or self.emails_sent)


class Notifier:
    def __init__(
        self,
        settings: NotifierSettings,
        smtp: GatewaySettings,
        *,
        store: NotifierStore,
        redis: Redis,
    ) -> None:
        self._settings = settings
        self._smtp = smtp
        self._store = store
        self._redis = redis
        self._decide = partial(decide, app_url=settings.app_url)

    async def run(self, stop: asyncio.Event, *, exit_when_idle: int | None = None) -> PassCounts:
        """Run passes until ``stop`` is set (or ``exit_when_idle`` idle passes in a row);
        answers the totals."""
        totals = PassCounts()
        idle = 0
        while not stop.is_set():
            counts = await self.run_pass()
            totals.changes += counts.changes
            totals.deliveries += counts.deliveries
            totals.notifications += counts.notifications
            totals.published += counts.published
            totals.emails_sent += counts.emails_sent
            totals.failures += counts.failures
            idle = 0 if counts.busy or counts.failures else idle + 1
            if exit_when_idle is not None and idle >= exit_when_idle:
                break
            if counts.busy:
                continue
            pause = (
                self._settings.retry_interval_s
                if counts.failures
                else self._settings.poll_interval_ms / 1000
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
        return totals

    async def run_pass(self) -> PassCounts:
        counts = PassCounts()
        try:
            await self._process(counts)
        except NotifierStoreError as exc:
            self._failed(counts, "postgres", exc)
            return counts
        for step, dependency in ((self._publish, "redis"), (self._send_emails, "postgres")):
            try:
                await step(counts)
            except NotifierError as exc:
                self._failed(counts, dependency, exc)
        try:
            await self._store.prune()
        except NotifierStoreError as exc:
            self._failed(counts, "postgres", exc)
        return counts

    def _failed(self, counts: PassCounts, dependency: str, exc: Exception) -> None:
        metrics.FAILURES.labels(dependency).inc()
        counts.failures.append(dependency)
        _log.warning("notifier pass stopped: %s", exc)

    async def _process(self, counts: PassCounts) -> None:
        limit = self._settings.batch_changes
        while True:
            result = await self._store.process_changes(limit, self._decide)
            counts.changes += result.changes
            counts.deliveries += result.deliveries
            counts.notifications += result.notifications
            metrics.CHANGES_READ.inc(result.changes)
            metrics.DELIVERIES.inc(result.deliveries)
            metrics.NOTIFICATIONS.inc(result.notifications)
            if result.changes < limit:
                return

    async def _publish(self, counts: PassCounts) -> None:
        while True:
            events = await self._store.unpublished(_DRAIN_LIMIT)
            done: list[int] = []
            try:
                for event in events:
                    sequence = await publish_user_event(
                        self._redis,
                        event.user_id,
                        event.kind,
                        event.data,
                        marker=published_marker(event.event_id),
                        marker_ttl_s=self._settings.published_marker_ttl_s,
                    )
                    done.append(event.outbox_id)
                    if sequence is None:
                        metrics.EVENTS_ALREADY_PUBLISHED.inc()
                    else:
                        metrics.EVENTS_PUBLISHED.labels(event.kind).inc()
                        counts.published += 1
            finally:
                # One write per chunk: a crash before it only leaves events whose Redis
                # markers make publishing them again a no-op.
                if done:
                    await self._store.mark_published(done)
            if len(events) < _DRAIN_LIMIT:
                return

    async def _send_emails(self, counts: PassCounts) -> None:
        settings = self._settings
        for email in await self._store.due_emails(_DRAIN_LIMIT):
            message = build_message(
                self._smtp,
                to=email.to,
                subject=email.subject,
                body=email.body,
                message_id=message_id(email.event_id),
            )
            try:
                await send_message(self._smtp, message)
            except (SmtpRefusedError, SmtpUnavailableError) as exc:
                give_up = isinstance(exc, SmtpRefusedError) or (
                    email.attempts + 1 >= settings.email_max_attempts
                )
                await self._store.mark_email_retry(
                    email.outbox_id,
                    str(exc),
                    retry_in=timedelta(seconds=settings.email_retry_interval_s),
                    give_up=give_up,
                )
                metrics.EMAILS.labels("failed" if give_up else "retry").inc()
                _log.warning("e-mail of outbox row %d not sent: %s", email.outbox_id, exc)
                if isinstance(exc, SmtpUnavailableError):
                    return
                continue
            await self._store.mark_email_sent(email.outbox_id)
            metrics.EMAILS.labels("sent").inc()
            counts.emails_sent += 1
