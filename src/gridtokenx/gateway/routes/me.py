"""The caller's own account: ``/v1/me`` (view), its wallets and its e-mail address."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.errors import EmailTokenInvalidError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.routes.auth import nonce_response
from gridtokenx.gateway.schemas import (
    AccountPublic,
    EmailAccepted,
    EmailRequest,
    EmailVerified,
    EmailVerifyRequest,
    LinkNonceRequest,
    NonceResponse,
    SignInRequest,
    WalletPublic,
)

router = APIRouter(prefix="/v1/me", tags=["account"], responses=error_responses(422, 500, 503))
_AUTH_ERRORS = error_responses(401, 403)


@router.get("", responses=_AUTH_ERRORS)
async def read_account(caller: Caller, context: ContextDep) -> AccountPublic:
    account, wallets = await context.account_service.account(caller)
    return AccountPublic(
        id=account.id,
        role=account.role,
        created_at=account.created_at,
        email=account.email,
        email_verified=account.email_verified_at is not None,
        wallets=[WalletPublic(address=w.address, linked_at=w.linked_at) for w in wallets],
    )


@router.post("/wallets/nonce", status_code=status.HTTP_201_CREATED, responses=_AUTH_ERRORS)
async def create_link_nonce(
    body: LinkNonceRequest, caller: Caller, context: ContextDep
) -> NonceResponse:
    """A nonce and message for the wallet to link; its statement names this account."""
    issued = await context.auth.issue_nonce(
        address=body.address, purpose="link_wallet", user_id=caller.user_id
    )
    return nonce_response(issued)


@router.post(
    "/wallets",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409),
)
async def link_wallet(body: SignInRequest, caller: Caller, context: ContextDep) -> WalletPublic:
    """Link the wallet that signed the message from ``/v1/me/wallets/nonce``."""
    wallet = await context.auth.link_wallet(
        caller, address=body.address, signed_message=body.signed_message, signature=body.signature
    )
    return WalletPublic(address=wallet.address, linked_at=wallet.linked_at)


@router.delete(
    "/wallets/{address}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409),
)
async def unlink_wallet(address: str, caller: Caller, context: ContextDep) -> Response:
    """Unlink one of the account's wallets (never its last one)."""
    await context.account_service.unlink_wallet(caller, address)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/email", status_code=status.HTTP_202_ACCEPTED, responses=error_responses(401, 403))
async def set_email(body: EmailRequest, caller: Caller, context: ContextDep) -> EmailAccepted:
    """Set the account's address (unverified) and mail it a single-use verification link."""
    await context.account_service.set_email(caller, body.email)
    return EmailAccepted(email=body.email)


@router.post("/email/verify", responses=error_responses(400, 409))
async def verify_email(body: EmailVerifyRequest, context: ContextDep) -> EmailVerified:
    """Use the token of a verification link (public: the single-use token is the credential)."""
    account = await context.account_service.verify_email(body.token)
    if account.email is None or account.email_verified_at is None:
        raise EmailTokenInvalidError("the address was not verified")
    return EmailVerified(email=account.email, verified_at=account.email_verified_at)
