"""Device-key rotation of a registered meter (operators):
``POST /v1/operator/meters/{meter_id}/key-rotation/transaction`` prepares the Registry's
``rotate_device_key`` for the operator's wallet (the Registry operator authority) to sign,
``POST /v1/operator/meters/{meter_id}/key-rotation`` relays the signed transaction, waits for it
and records the new key for the readings intake, and ``GET /v1/operator/meters/{meter_id}/
key-rotations`` lists the meter's rotations. The steps and their rules:
:mod:`gridtokenx.gateway.meter_key_service`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import ContextDep, OperatorCaller
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.meter_key_repository import MeterKeyRepository, RotationRow
from gridtokenx.gateway.meter_key_schemas import (
    KeyRotationPublic,
    KeyRotationRequest,
    KeyRotationsPublic,
    KeyRotationSubmit,
    PreparedKeyRotation,
)
from gridtokenx.gateway.meter_key_service import MeterKeyService
from gridtokenx.gateway.registration_service import b64

router = APIRouter(
    prefix="/v1/operator/meters",
    tags=["operator"],
    responses=error_responses(401, 403, 422, 500, 503),
)
MeterIdPath = Annotated[uuid.UUID, Path(description="The meter's id")]
_STEP = error_responses(404, 409)


def _service(context: GatewayContext) -> MeterKeyService:
    return MeterKeyService(
        chain=context.orders.chain,
        energy=context.energy.repository,
        accounts=context.accounts,
        repository=MeterKeyRepository(context.engine),
        security=context.auth.security,
    )


def _public(meter_id: uuid.UUID, row: RotationRow) -> KeyRotationPublic:
    return KeyRotationPublic(
        meter_id=str(meter_id),
        old_device_pubkey=str(Pubkey.from_bytes(row.old_device_pubkey)),
        new_device_pubkey=str(Pubkey.from_bytes(row.new_device_pubkey)),
        signature=row.signature,
        slot=row.slot,
        actor_user_id=str(row.actor_user_id),
        reason=row.reason,
        rotated_at=row.rotated_at,
    )


@router.post("/{meter_id}/key-rotation/transaction", responses=_STEP)
async def prepare_key_rotation(
    meter_id: MeterIdPath, body: KeyRotationRequest, caller: OperatorCaller, context: ContextDep
) -> PreparedKeyRotation:
    """The unsigned ``rotate_device_key`` transaction for the caller's wallet, which must be
    the Registry operator authority (403 ``not_registry_authority``). 404 ``meter_not_found``;
    409 ``meter_not_on_chain``; 422 ``meter_key_invalid`` (not a key, or the current one)."""
    rotation, transaction, blockhash = await _service(context).prepare(
        caller, meter_id, body.new_device_pubkey
    )
    return PreparedKeyRotation(
        meter_id=str(meter_id),
        meter_address=str(meter_address(rotation.registry_program, rotation.meter_id)[0]),
        authority=str(rotation.authority),
        transaction=b64(bytes(transaction)),
        last_valid_block_height=blockhash.last_valid_block_height,
    )


@router.post("/{meter_id}/key-rotation", responses=_STEP)
async def submit_key_rotation(
    meter_id: MeterIdPath, body: KeyRotationSubmit, caller: OperatorCaller, context: ContextDep
) -> KeyRotationPublic:
    """Relay the signed rotation (exactly the prepared one for this meter and key; 422
    ``meter_key_transaction_mismatch`` otherwise), wait until it landed, then move the meter to
    the new key, record the rotation (audited) and notify the owner. Readings signed with the
    old key are refused from then on."""
    row = await _service(context).submit(
        caller, meter_id, body.new_device_pubkey, body.transaction, body.reason
    )
    return _public(meter_id, row)


@router.get("/{meter_id}/key-rotations")
async def key_rotations(
    meter_id: MeterIdPath, caller: OperatorCaller, context: ContextDep
) -> KeyRotationsPublic:
    """The meter's device-key rotations, newest first."""
    rows = await MeterKeyRepository(context.engine).history(meter_id)
    data = [_public(meter_id, row) for row in rows]
    return KeyRotationsPublic(data=data, count=len(data))
