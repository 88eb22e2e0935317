"""Meter registration routes: owners under ``/v1/me/meter-registrations`` (prosumers and
consumers), the approval queue under ``/v1/operator/meter-registrations`` (operators).

The owner creates a request (and gets the setup transaction that creates the request's
durable-nonce account; a setup that never landed can be renewed), gets the registration
transaction once that account is on chain, signs it and stores it; an operator whose account
holds the Registry authority's wallet adds its signature to approve (the gateway relays it and
records the meter for ingestion and minting), or rejects with a reason. Another user's request
answers 404, as an unknown id does.
The steps and their rules: :mod:`gridtokenx.gateway.registration_service`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status
from solders.pubkey import Pubkey

from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import ContextDep, OperatorCaller, require_role
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.registration_repository import RegistrationRepository, RequestRow
from gridtokenx.gateway.registration_schemas import (
    ApproveBody,
    MeterRegistrationPublic,
    MeterRegistrationRequest,
    MeterRegistrationsPublic,
    PreparedStep,
    QueuedRegistration,
    RefundPublic,
    RegistrationQueuePublic,
    RejectBody,
    RejectedPublic,
    SignedTransactionBody,
)
from gridtokenx.gateway.registration_service import (
    RegistrationService,
    b64,
    meter_address_of,
)

router = APIRouter(tags=["meter registration"], responses=error_responses(401, 403, 422, 500, 503))
OwnerCaller = Annotated[Principal, Depends(require_role("prosumer", "consumer"))]
RequestId = Annotated[uuid.UUID, Path(description="The registration request's id")]
_MINE = "/v1/me/meter-registrations"
_QUEUE = "/v1/operator/meter-registrations"
_STEP = error_responses(400, 404, 409)


def _service(context: GatewayContext) -> RegistrationService:
    return RegistrationService(
        RegistrationRepository(context.engine),
        context.orders.chain,
        context.energy.repository,
        context.accounts,
    )


def _public(context: GatewayContext, row: RequestRow) -> MeterRegistrationPublic:
    return MeterRegistrationPublic(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's CHECK lists the same values
        meter_id=row.meter_id,
        meter_address=str(meter_address_of(context.orders.chain, row.meter_id)),
        device_pubkey=str(Pubkey.from_bytes(row.device_pubkey)),
        kind=row.kind,
        zone_id=row.zone_id,
        max_export_w=row.max_export_w,
        max_import_w=row.max_import_w,
        owner_wallet=row.owner_wallet,
        nonce_account=row.nonce_account,
        registration_signature=row.registration_signature,
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        decided_at=row.decided_at,
    )


@router.post(_MINE, status_code=status.HTTP_201_CREATED, responses=error_responses(404, 409))
async def create_registration(
    body: MeterRegistrationRequest, caller: OwnerCaller, context: ContextDep
) -> PreparedStep:
    """Start registering a field meter for the caller's wallet. Answers the setup
    transaction: the owner's wallet signs and sends it (or POSTs it to ``/setup``); it creates
    the request's durable-nonce account (the owner pays its rent) and the owner's Registry user
    account when missing. 404 ``grid_topology_unknown`` when no grid is configured; 409
    ``meter_already_registered`` for a taken meter id or device key."""
    row, transaction = await _service(context).create(caller, body)
    return PreparedStep(registration=_public(context, row), transaction=b64(bytes(transaction)))


@router.get(_MINE)
async def my_registrations(caller: OwnerCaller, context: ContextDep) -> MeterRegistrationsPublic:
    """The caller's registration requests, newest first."""
    rows = await RegistrationRepository(context.engine).of_user(caller.user_id)
    data = [_public(context, row) for row in rows]
    return MeterRegistrationsPublic(data=data, count=len(data))


@router.get(_MINE + "/{request_id}", responses=error_responses(404))
async def my_registration(
    request_id: RequestId, caller: OwnerCaller, context: ContextDep
) -> MeterRegistrationPublic:
    """One of the caller's requests."""
    row = await RegistrationRepository(context.engine).get(request_id, caller.user_id)
    return _public(context, row)


@router.post(_MINE + "/{request_id}/setup-transaction", responses=_STEP)
async def renew_setup(
    request_id: RequestId, caller: OwnerCaller, context: ContextDep
) -> PreparedStep:
    """A new setup transaction (a new nonce account, a fresh blockhash) for a request whose
    setup has not landed, e.g. because its blockhash expired before the wallet sent it; the
    previous setup transaction is void from then on."""
    row, transaction = await _service(context).renew_setup(caller, request_id)
    return PreparedStep(registration=_public(context, row), transaction=b64(bytes(transaction)))


@router.post(_MINE + "/{request_id}/setup", responses=_STEP)
async def relay_setup(
    request_id: RequestId, body: SignedTransactionBody, caller: OwnerCaller, context: ContextDep
) -> PreparedStep:
    """Relay the owner-signed setup transaction (exactly the one created; waits until it
    landed), then answer the registration transaction as ``/registration-transaction`` does."""
    service = _service(context)
    await service.setup(caller, request_id, body.transaction)
    row, transaction = await service.prepare(caller, request_id)
    return PreparedStep(registration=_public(context, row), transaction=b64(bytes(transaction)))


@router.post(_MINE + "/{request_id}/registration-transaction", responses=_STEP)
async def prepare_registration(
    request_id: RequestId, caller: OwnerCaller, context: ContextDep
) -> PreparedStep:
    """The registration transaction for the owner to sign: advance the request's durable
    nonce, ``register_meter``, create the owner's GXT token account. Needs the nonce account on
    chain (409 ``meter_registration_nonce_missing`` before); asking again (also after 409
    ``meter_registration_nonce_stale``) prepares it on the current nonce."""
    row, transaction = await _service(context).prepare(caller, request_id)
    return PreparedStep(registration=_public(context, row), transaction=b64(bytes(transaction)))


@router.post(_MINE + "/{request_id}/sign", responses=_STEP)
async def sign_registration(
    request_id: RequestId, body: SignedTransactionBody, caller: OwnerCaller, context: ContextDep
) -> MeterRegistrationPublic:
    """Store the owner-signed registration transaction (exactly the prepared one, with a valid
    owner signature) for the operators' approval queue."""
    row = await _service(context).sign(caller, request_id, body.transaction)
    return _public(context, row)


@router.get(_QUEUE)
async def approval_queue(
    caller: OperatorCaller,
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RegistrationQueuePublic:
    """Requests awaiting approval, oldest first, each with the owner-signed transaction the
    operator's wallet co-signs."""
    service = _service(context)
    rows = await service.repository.with_status("pending_approval", limit)
    data = [
        QueuedRegistration(
            registration=_public(context, row), transaction=service.queued_transaction(row)
        )
        for row in rows
    ]
    return RegistrationQueuePublic(data=data, count=len(data))


@router.post(_QUEUE + "/{request_id}/approve", responses=_STEP)
async def approve_registration(
    request_id: RequestId, body: ApproveBody, caller: OperatorCaller, context: ContextDep
) -> MeterRegistrationPublic:
    """Relay the registration transaction signed by the owner and the Registry authority (the
    caller's wallet; 403 ``not_registry_authority`` otherwise), wait for it, and record the
    meter from its on-chain account for ingestion and minting; the owner, if a consumer,
    becomes a prosumer. Audited. 409 ``meter_registration_nonce_stale``: the owner must sign
    again."""
    row = await _service(context).approve(caller, request_id, body.transaction, body.reason)
    return _public(context, row)


@router.post(_QUEUE + "/{request_id}/reject", responses=_STEP)
async def reject_registration(
    request_id: RequestId, body: RejectBody, caller: OperatorCaller, context: ContextDep
) -> RejectedPublic:
    """Reject an open request with a reason (audited). Answers the unsigned transaction with
    which the Registry authority's wallet returns the nonce account's rent to the owner."""
    row, refund = await _service(context).reject(caller, request_id, body.reason)
    return RejectedPublic(
        registration=_public(context, row),
        refund_transaction=None if refund is None else b64(bytes(refund)),
    )


@router.get(_QUEUE + "/{request_id}/refund-transaction", responses=error_responses(404, 409))
async def refund_transaction(
    request_id: RequestId, caller: OperatorCaller, context: ContextDep
) -> RefundPublic:
    """For an approved or rejected request whose nonce account is still on chain: the unsigned
    transaction (base64) that closes it into the owner's wallet, returning the rent the owner
    paid; the Registry authority's wallet signs, pays and sends it. 409
    ``meter_registration_nonce_missing`` once it is gone."""
    transaction = await _service(context).refund(request_id)
    return RefundPublic(transaction=b64(bytes(transaction)))
