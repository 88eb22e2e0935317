"""Sign-In With Solana and sessions: ``/v1/auth/...``.

``nonce`` → the wallet signs (``solana:signIn``, or ``signMessage`` on the returned message) →
``sign-in`` answers an access token and sets the refresh-token cookie (HttpOnly, Secure,
SameSite=Strict, path ``/v1/auth``) → ``refresh`` rotates it → ``sign-out`` ends the session.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, status

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway import siws
from gridtokenx.gateway.auth_service import IssuedMessage, Tokens
from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.errors import (
    GatewayError,
    RefreshTokenInvalidError,
    RefreshTokenReusedError,
)
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.metrics import AUTH_EVENTS
from gridtokenx.gateway.schemas import (
    NonceRequest,
    NonceResponse,
    SessionPublic,
    SessionsPublic,
    SignInInput,
    SignInRequest,
    TokenResponse,
)

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=error_responses(422, 500, 503))


def nonce_response(issued: IssuedMessage) -> NonceResponse:
    fields = issued.fields
    return NonceResponse(
        input=SignInInput.model_validate(dataclasses.asdict(fields)),
        message=siws.format_message(fields) if fields.address else None,
        expires_at=issued.expires_at,
    )


def _set_refresh_cookie(response: Response, settings: GatewaySettings, token: str) -> None:
    response.set_cookie(
        settings.refresh_cookie_name,
        token,
        max_age=settings.refresh_token_ttl_s,
        path=settings.refresh_cookie_path,
        domain=settings.refresh_cookie_domain,
        secure=settings.refresh_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def _clear_refresh_cookie(response: Response, settings: GatewaySettings) -> None:
    response.delete_cookie(
        settings.refresh_cookie_name,
        path=settings.refresh_cookie_path,
        domain=settings.refresh_cookie_domain,
        secure=settings.refresh_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def _token_response(tokens: Tokens, now: datetime) -> TokenResponse:
    return TokenResponse(
        access_token=tokens.access_token,
        expires_in_s=max(0, int((tokens.access_expires_at - now).total_seconds())),
        expires_at=tokens.access_expires_at,
        session_id=tokens.session_id,
        user_id=tokens.account.id,
        role=tokens.account.role,
    )


@router.post("/nonce", status_code=status.HTTP_201_CREATED)
async def create_nonce(body: NonceRequest, context: ContextDep) -> NonceResponse:
    """A single-use nonce and the ``SolanaSignInInput`` around it (valid ``nonce_ttl_s``)."""
    return nonce_response(await context.auth.issue_nonce(address=body.address))


@router.post("/sign-in", responses=error_responses(400, 401))
async def sign_in(
    body: SignInRequest, request: Request, response: Response, context: ContextDep
) -> TokenResponse:
    """Check the signed message (domain, nonce once, fields, time bounds, Ed25519 signature)
    and open a session; the refresh token goes into the HttpOnly cookie."""
    try:
        tokens = await context.auth.sign_in(
            address=body.address,
            signed_message=body.signed_message,
            signature=body.signature,
            user_agent=request.headers.get("user-agent", ""),
        )
    except GatewayError as exc:
        if exc.status < 500:
            AUTH_EVENTS.labels("sign_in_failure").inc()
        raise
    AUTH_EVENTS.labels("sign_in_success").inc()
    _set_refresh_cookie(response, context.settings.gateway, tokens.refresh_token)
    return _token_response(tokens, datetime.now(UTC))


def _refresh_cookie(request: Request, settings: GatewaySettings) -> str | None:
    return request.cookies.get(settings.refresh_cookie_name)


@router.post("/refresh", responses=error_responses(401))
async def refresh(request: Request, response: Response, context: ContextDep) -> TokenResponse:
    """Exchange the refresh cookie for a new access token and a new refresh cookie. A refresh
    token used twice ends its session (``refresh_token_reused``)."""
    settings = context.settings.gateway
    gtx_refresh = _refresh_cookie(request, settings)
    if gtx_refresh is None:
        raise RefreshTokenInvalidError("no refresh cookie: sign in first")
    try:
        tokens = await context.auth.refresh(gtx_refresh)
    except RefreshTokenInvalidError:
        _clear_refresh_cookie(response, settings)
        raise
    except RefreshTokenReusedError:
        AUTH_EVENTS.labels("refresh_reuse").inc()
        raise
    AUTH_EVENTS.labels("refresh").inc()
    _set_refresh_cookie(response, settings, tokens.refresh_token)
    return _token_response(tokens, datetime.now(UTC))


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(request: Request, context: ContextDep) -> Response:
    """End the session of the refresh cookie and clear the cookie (204 even without one)."""
    gtx_refresh = _refresh_cookie(request, context.settings.gateway)
    if gtx_refresh is not None:
        with contextlib.suppress(RefreshTokenInvalidError):
            await context.auth.sign_out(gtx_refresh)
            AUTH_EVENTS.labels("sign_out").inc()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_refresh_cookie(response, context.settings.gateway)
    return response


@router.get("/sessions", responses=error_responses(401, 403))
async def list_sessions(caller: Caller, context: ContextDep) -> SessionsPublic:
    """The caller's live sessions (one per signed-in device), oldest first."""
    records = await context.auth.sessions(caller)
    data = [
        SessionPublic(
            id=record.session_id,
            wallet=record.wallet,
            created_at=datetime.fromtimestamp(record.created_at_ms / 1000, UTC),
            last_used_at=datetime.fromtimestamp(record.last_used_at_ms / 1000, UTC),
            user_agent=record.user_agent,
            current=record.session_id == caller.session_id,
        )
        for record in records
    ]
    return SessionsPublic(data=data, count=len(data))


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def end_session(session_id: str, caller: Caller, context: ContextDep) -> Response:
    """End one of the caller's sessions (its refresh and access tokens stop working)."""
    await context.auth.end_session(caller, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
