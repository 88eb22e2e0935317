"""Prometheus metrics of the notifier (served by `gridtokenx notifier run` on 9109)."""

from __future__ import annotations

from prometheus_client import Counter

CHANGES_READ = Counter(
    "gridtokenx_notifier_changes_read", "Changes read from notification_changes and decided"
)
DELIVERIES = Counter("gridtokenx_notifier_deliveries", "Per-user deliveries decided")
NOTIFICATIONS = Counter(
    "gridtokenx_notifier_notifications", "In-app notification rows written by the notifier"
)
EVENTS_PUBLISHED = Counter(
    "gridtokenx_notifier_events_published", "Per-user events published on Redis, by kind", ["kind"]
)
EVENTS_ALREADY_PUBLISHED = Counter(
    "gridtokenx_notifier_events_already_published",
    "Outbox events found published before (a crash between Redis and PostgreSQL): not resent",
)
EMAILS = Counter(
    "gridtokenx_notifier_emails",
    "E-mail attempts by outcome (sent, retry: the server did not take it, failed: given up)",
    ["outcome"],
)
FAILURES = Counter(
    "gridtokenx_notifier_failures",
    "Passes that stopped on an unavailable dependency (postgres, redis), retried",
    ["dependency"],
)
