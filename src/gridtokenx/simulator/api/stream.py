"""``WS /v1/stream``: one JSON frame (:class:`StreamFrame`) per published tick."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket

from gridtokenx.simulator.api.context import ws_context

router = APIRouter(prefix="/v1", tags=["stream"])


@router.websocket("/stream")
async def stream(websocket: WebSocket) -> None:
    hub = ws_context(websocket).hub
    assert hub is not None, "the hub exists while the server runs"
    await websocket.accept()
    subscription = hub.subscribe()
    # Watch for the client leaving while waiting for frames, so a quiet run (paused,
    # stopped) does not keep a dead client's subscription.
    disconnected = asyncio.ensure_future(_until_disconnect(websocket))
    try:
        while True:
            next_frame = asyncio.ensure_future(subscription.queue.get())
            await asyncio.wait({next_frame, disconnected}, return_when=asyncio.FIRST_COMPLETED)
            if disconnected.done():
                next_frame.cancel()
                return
            frame = next_frame.result()
            if subscription.dropped_frames:
                frame = frame.model_copy(update={"dropped_frames": subscription.dropped_frames})
            await websocket.send_text(frame.model_dump_json())
    finally:
        disconnected.cancel()
        hub.unsubscribe(subscription)


async def _until_disconnect(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
