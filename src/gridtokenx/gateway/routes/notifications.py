"""The caller's in-app notifications and notification preferences (any signed-in account, its
own data only): ``/v1/me/notifications`` and ``/v1/me/notification-preferences``.

The notifier writes market notifications (order filled, trade settled, tokens minted) and the
gateway security ones (``gateway.security_events``). Another account's notification answers
404 ``notification_not_found``, the same as one that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.errors import NotificationNotFoundError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.notification_repository import (
    NotificationRecord,
    NotificationRepository,
    effective_preferences,
)
from gridtokenx.gateway.notification_schemas import (
    NotificationPublic,
    NotificationsPage,
    PreferencePublic,
    PreferencesPublic,
    PreferencesUpdate,
    ReadAllResult,
)
from gridtokenx.gateway.order_errors import CursorInvalidError
from gridtokenx.gateway.order_repository import decode_cursor, encode_cursor
from gridtokenx.notifications.events import Channel, NotificationKind

router = APIRouter(
    prefix="/v1/me", tags=["notifications"], responses=error_responses(422, 500, 503)
)
_AUTH_ERRORS = error_responses(401, 403)
_LISTING = "notifications"
_MAX_ID = 2**63 - 1

Limit = Annotated[int, Query(ge=1, le=200, description="rows per page")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the last page")]
NotificationId = Annotated[int, Path(ge=1, le=_MAX_ID)]


def _repository(context: ContextDep) -> NotificationRepository:
    return NotificationRepository(context.engine)


def _public(record: NotificationRecord) -> NotificationPublic:
    return NotificationPublic(
        id=record.id,
        kind=record.kind,
        title=record.title,
        body=record.body,
        data=record.data,
        created_at=record.created_at,
        read_at=record.read_at,
    )


@router.get("/notifications", responses=_AUTH_ERRORS)
async def list_notifications(
    caller: Caller,
    context: ContextDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    unread: Annotated[bool, Query(description="only notifications not read yet")] = False,
) -> NotificationsPage:
    """The caller's notifications, newest first, with the number still unread."""
    before = decode_cursor(_LISTING, cursor, (int,))[0] if cursor else None
    if before is not None and not 1 <= before <= _MAX_ID:
        raise CursorInvalidError("the cursor is not one this API issued")
    records, unread_count = await _repository(context).page(
        caller.user_id, unread_only=unread, before_id=before, limit=limit
    )
    last = records[-1] if len(records) == limit else None
    return NotificationsPage(
        data=[_public(record) for record in records],
        next_cursor=encode_cursor(_LISTING, [last.id]) if last else None,
        unread_count=unread_count,
    )


@router.post("/notifications/{notification_id}/read", responses=error_responses(401, 403, 404))
async def read_notification(
    notification_id: NotificationId, caller: Caller, context: ContextDep
) -> NotificationPublic:
    """Mark one of the caller's notifications read (a read one keeps its first read time)."""
    record = await _repository(context).mark_read(
        caller.user_id, notification_id, datetime.now(UTC)
    )
    if record is None:
        raise NotificationNotFoundError(f"no notification {notification_id} of this account")
    return _public(record)


@router.post("/notifications/read-all", responses=_AUTH_ERRORS)
async def read_all_notifications(caller: Caller, context: ContextDep) -> ReadAllResult:
    """Mark every unread notification of the caller read."""
    marked = await _repository(context).mark_all_read(caller.user_id, datetime.now(UTC))
    return ReadAllResult(marked=marked)


def _preferences(stored: dict[tuple[str, str], bool]) -> PreferencesPublic:
    return PreferencesPublic(
        data=[
            PreferencePublic(kind=kind, in_app=channels["in_app"], email=channels["email"])
            for kind, channels in effective_preferences(stored)
        ]
    )


@router.get("/notification-preferences", responses=_AUTH_ERRORS)
async def read_preferences(caller: Caller, context: ContextDep) -> PreferencesPublic:
    """Each notification kind with whether it is shown in the app and mailed (the defaults
    unless changed: every kind in the app; e-mail for all but ``tokens_minted``)."""
    return _preferences(await _repository(context).preferences(caller.user_id))


@router.put("/notification-preferences", responses=_AUTH_ERRORS)
async def update_preferences(
    body: PreferencesUpdate, caller: Caller, context: ContextDep
) -> PreferencesPublic:
    """Change some kinds' channels (a field left out keeps its setting); answers them all."""
    updates: dict[tuple[NotificationKind, Channel], bool] = {}
    for item in body.preferences:
        if item.in_app is not None:
            updates[(item.kind, "in_app")] = item.in_app
        if item.email is not None:
            updates[(item.kind, "email")] = item.email
    stored = await _repository(context).set_preferences(caller.user_id, updates)
    return _preferences(stored)
