"""The notifier (`gridtokenx notifier run`): order, fill, settlement and mint changes →
per-user Redis events (``gtx:user:<uuid>``), in-app notifications and e-mail.

It needs PostgreSQL (its change log, cursor and outbox; the schema is migrated before it
starts), Redis, and the mailbox (or whatever ``gateway.smtp_*`` names) for e-mail. Health is
its Prometheus endpoint on 9109.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class NotifierService(PlatformProcess):
    name = "notifier"
    version = "1"
    """The version of the per-user event contract (gridtokenx.notifications.events)."""
    command = ("notifier", "run")
    settings_group = "notifier"
    probe_metric = "gridtokenx_notifier_changes_read_total"
    reads_schema = True
    shared_settings = (
        "redis.host",
        "redis.port",
        "gateway.smtp_host",
        "gateway.smtp_port",
    )
