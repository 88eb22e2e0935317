"""Rotating a meter's device key without custody: the gateway prepares the Registry's
``rotate_device_key`` for the grid operator's wallet (the Registry operator authority; the
caller's account must hold it), relays the signed transaction and waits for it, checks that the
meter account on chain holds the new key, then moves ``meters.device_pubkey`` — the key the
readings intake (``POST /v1/readings/batch``) checks device signatures against — records the
rotation and its audit row in one transaction, and sends the owner the ``meter_key_rotated``
security notice. Readings signed with the old key are refused from then on (401
``reading_signature_invalid`` at the intake; on chain, ``mint_from_reading`` checks the new key).

Known gap: the ingestion service keeps the keys of the meters it knows in memory and reads a
meter's key only when it first sees the meter, so a running ingestion process learns the new key
at its next start.
"""

from __future__ import annotations

import uuid

from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client import ChainRpcError, ChainTransportError
from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.energy_errors import MeterNotFoundError
from gridtokenx.gateway.energy_repository import EnergyRepository, MeterRow
from gridtokenx.gateway.meter_key_errors import (
    MeterKeyChainMismatchError,
    MeterKeyInvalidError,
    MeterNotOnChainError,
)
from gridtokenx.gateway.meter_key_repository import MeterKeyRepository, RotationRow
from gridtokenx.gateway.meter_key_transactions import (
    KeyRotation,
    check_rotation,
    rotation_message,
)
from gridtokenx.gateway.order_chain import Blockhash, OrderChain
from gridtokenx.gateway.order_errors import ChainUnavailableError
from gridtokenx.gateway.order_transactions import decode_transaction
from gridtokenx.gateway.registration_service import require_authority_wallet
from gridtokenx.gateway.registration_transactions import unsigned
from gridtokenx.gateway.repository import AccountsRepository
from gridtokenx.gateway.security_events import SecurityEvents


def parse_device_key(text: str) -> Pubkey:
    try:
        key = Pubkey.from_string(text)
    except ValueError as exc:
        raise MeterKeyInvalidError(f"{text!r} is not a base58 public key") from exc
    if not key.is_on_curve():
        raise MeterKeyInvalidError(f"{key} is not an Ed25519 public key (not on the curve)")
    return key


class MeterKeyService:
    def __init__(
        self,
        *,
        chain: OrderChain,
        energy: EnergyRepository,
        accounts: AccountsRepository,
        repository: MeterKeyRepository,
        security: SecurityEvents | None,
    ) -> None:
        self.chain = chain
        self.energy = energy
        self.accounts = accounts
        self.repository = repository
        self.security = security

    async def prepare(
        self, operator: Principal, meter_id: uuid.UUID, new_key: str
    ) -> tuple[KeyRotation, VersionedTransaction, Blockhash]:
        rotation, _ = await self._rotation(operator, meter_id, new_key)
        blockhash = await self.chain.latest_blockhash()
        return rotation, unsigned(rotation_message(rotation, blockhash.blockhash)), blockhash

    async def submit(
        self, operator: Principal, meter_id: uuid.UUID, new_key: str, signed: str, reason: str
    ) -> RotationRow:
        rotation, meter = await self._rotation(operator, meter_id, new_key)
        transaction = decode_transaction(signed)
        check_rotation(transaction, rotation)
        relayed = await self.chain.relay(transaction, wait=True)
        account = await self._meter_account(rotation)
        if account is None or bytes(account.device_pubkey) != bytes(rotation.new_device_pubkey):
            raise MeterKeyChainMismatchError(
                f"rotation {relayed.signature} landed but meter {meter_id} on chain does not hold "
                f"the key {rotation.new_device_pubkey}",
                {"signature": str(relayed.signature)},
            )
        signature = str(relayed.signature)
        rotated_at = await self.repository.record(
            meter_id,
            old=meter.device_pubkey,
            new=bytes(rotation.new_device_pubkey),
            signature=signature,
            slot=relayed.slot,
            actor=operator.user_id,
            reason=reason,
        )
        history = await self.repository.history(meter_id)
        [row] = [item for item in history if item.signature == signature]
        if rotated_at is not None and self.security is not None:
            owner = await self.accounts.account_of_wallet(meter.owner) if meter.owner else None
            if owner is not None:
                await self.security.meter_key_rotated(
                    user_id=owner.id, meter_id=meter_id, signature=signature, at=rotated_at
                )
        return row

    async def _rotation(
        self, operator: Principal, meter_id: uuid.UUID, new_key: str
    ) -> tuple[KeyRotation, MeterRow]:
        meter = (await self.energy.meters([meter_id])).get(meter_id)
        if meter is None:
            raise MeterNotFoundError(
                f"no meter {meter_id} is commissioned", {"meter_id": str(meter_id)}
            )
        key = parse_device_key(new_key)
        if bytes(key) == meter.device_pubkey:
            raise MeterKeyInvalidError(f"{key} is already the device key of meter {meter_id}")
        addresses = self.chain.addresses()
        authority = addresses.operator
        await require_authority_wallet(self.accounts, operator, authority, "rotating a device key")
        rotation = KeyRotation(
            registry_program=addresses.registry_program,
            authority=authority,
            meter_id=meter_id.bytes,
            new_device_pubkey=key,
        )
        if await self._meter_account(rotation) is None:
            raise MeterNotOnChainError(
                f"meter {meter_id} has no Registry account on chain: register it first",
                {"meter_id": str(meter_id)},
            )
        return rotation, meter

    async def _meter_account(self, rotation: KeyRotation) -> MeterAccount | None:
        address = meter_address(rotation.registry_program, rotation.meter_id)[0]
        try:
            [account] = await self.chain.client.rpc.get_multiple_accounts([address])
        except (ChainTransportError, ChainRpcError) as exc:
            raise ChainUnavailableError(
                f"the cluster did not answer: {exc}", {"service": "chain"}
            ) from exc
        if account is None or account.owner != rotation.registry_program:
            return None
        return MeterAccount.decode(account.data)
