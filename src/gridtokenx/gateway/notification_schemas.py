"""Bodies of ``/v1/me/notifications`` and ``/v1/me/notification-preferences``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gridtokenx.notifications.events import NotificationKind


class NotificationPublic(BaseModel):
    id: int
    kind: str
    """``order_filled``, ``trade_settled``, ``tokens_minted``, ``new_sign_in``,
    ``refresh_token_reused`` or ``meter_key_rotated``."""
    title: str
    body: str
    data: dict[str, Any]
    """The kind's details (amounts in base units, transaction signatures, ids)."""
    created_at: datetime
    read_at: datetime | None


class NotificationsPage(BaseModel):
    data: list[NotificationPublic]
    next_cursor: str | None
    """Pass as ``cursor`` for the next (older) page; null on the last page."""
    unread_count: int
    """How many of the caller's notifications are unread (all pages)."""


class ReadAllResult(BaseModel):
    marked: int
    """Notifications marked read by this request."""


class PreferencePublic(BaseModel):
    kind: NotificationKind
    in_app: bool
    email: bool
    """E-mail goes only to a verified address."""


class PreferencesPublic(BaseModel):
    data: list[PreferencePublic]


class PreferenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NotificationKind
    in_app: bool | None = None
    """Leave out (or null) to keep the current setting."""
    email: bool | None = None


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preferences: list[PreferenceUpdate] = Field(min_length=1, max_length=12)
