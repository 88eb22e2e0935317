"""Meter registration, end to end: the owner signs, an operator approves and co-signs on chain.

The gateway holds neither the owner's key nor the operator's: it prepares transactions, checks
what the wallets signed, relays, and records what the chain says (see
:mod:`~gridtokenx.gateway.registration_transactions` for the two transactions and the durable
nonce). Steps and statuses:

1. ``create`` (owner): validate the meter (device key an Ed25519 point, zone in the grid
   topology, meter id and device key not taken, at most :data:`MAX_OPEN_REQUESTS` open
   requests), store it ``awaiting_nonce`` and return the setup transaction.
2. ``setup`` (owner, optional): relay the owner-signed setup transaction (checked byte for
   byte); a wallet may instead send it itself. ``renew_setup`` replaces a setup that never
   landed (its blockhash expired) with one on a new nonce account.
3. ``prepare`` (owner): once the nonce account is on chain with the operator authority as its
   authority, build the registration transaction on its stored nonce → ``awaiting_owner``.
4. ``sign`` (owner): store the owner-signed registration transaction → ``pending_approval``.
5. ``approve`` (operator whose account holds the Registry authority's wallet): check the fully
   signed transaction, relay it, wait for it, read the meter account back and record it for
   ingestion and minting → ``approved``. If the nonce moved on (the transaction can never land)
   the request returns to ``awaiting_owner`` (409 ``meter_registration_nonce_stale``); if the
   meter account is already on chain (relayed before, or sent by the wallet itself) the landing
   is recorded from the chain.
6. ``reject`` (operator): ``rejected`` with a reason, plus an unsigned transaction with which
   the operator authority returns the nonce account's rent to the owner; ``refund`` builds that
   transaction again for any decided request (approved ones too) whose nonce account exists.

Approve and reject write their audit rows in the same PostgreSQL transaction.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Awaitable
from typing import TypeVar

from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client import ChainRpcError, ChainTransportError
from gridtokenx.chain.client.rpc import AccountInfo
from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.chain.registry.pda import meter_address, user_address
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.energy_errors import GridTopologyUnknownError
from gridtokenx.gateway.energy_repository import EnergyRepository
from gridtokenx.gateway.grid_view import fleet_topology
from gridtokenx.gateway.order_chain import OrderChain
from gridtokenx.gateway.order_errors import ChainUnavailableError, TransactionRejectedError
from gridtokenx.gateway.order_transactions import decode_transaction
from gridtokenx.gateway.registration_errors import (
    NonceAccountMissingError,
    NonceStaleError,
    NotRegistryAuthorityError,
    RegistrationChainMismatchError,
    RegistrationInvalidError,
    RegistrationLimitError,
    RegistrationStateError,
)
from gridtokenx.gateway.registration_repository import (
    OPEN_STATUSES,
    Landing,
    NewRequest,
    RegistrationRepository,
    RequestRow,
    expect_status,
)
from gridtokenx.gateway.registration_schemas import MeterRegistrationRequest
from gridtokenx.gateway.registration_transactions import (
    NONCE_ACCOUNT_LEN,
    MeterRegistration,
    check_signed,
    message_bytes,
    nonce_state,
    refund_message,
    registration_message,
    setup_transaction,
    unsigned,
)
from gridtokenx.gateway.repository import AccountsRepository

MAX_OPEN_REQUESTS = 5
"""Open (not yet approved or rejected) requests one account may have."""
_STALE_NONCE_ERRORS = frozenset({"BlockhashNotFound"})
T = TypeVar("T")


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def meter_address_of(chain: OrderChain, meter_id: uuid.UUID) -> Pubkey:
    return meter_address(chain.addresses().registry_program, meter_id.bytes)[0]


async def require_authority_wallet(
    accounts: AccountsRepository, operator: Principal, authority: Pubkey, what: str
) -> None:
    """Raise :class:`NotRegistryAuthorityError` unless the operator's account holds the
    Registry operator authority's wallet, whose signature ``what`` (e.g. "approving") needs."""
    wallets = {wallet.address for wallet in await accounts.wallets(operator.user_id)}
    if str(authority) not in wallets:
        raise NotRegistryAuthorityError(
            f"{what} needs the signature of the Registry operator authority {authority}; sign "
            "in with an account that holds that wallet",
            {"authority": str(authority)},
        )


class RegistrationService:
    def __init__(
        self,
        repository: RegistrationRepository,
        chain: OrderChain,
        energy: EnergyRepository,
        accounts: AccountsRepository,
    ) -> None:
        self.repository = repository
        self.chain = chain
        self.energy = energy
        self.accounts = accounts

    # --- owner ------------------------------------------------------------------------------

    async def create(
        self, caller: Principal, body: MeterRegistrationRequest
    ) -> tuple[RequestRow, VersionedTransaction]:
        device = _device_key(body.device_pubkey)
        await self._check_zone(body.zone_id)
        if await self.repository.open_count(caller.user_id) >= MAX_OPEN_REQUESTS:
            raise RegistrationLimitError(
                f"you have {MAX_OPEN_REQUESTS} open meter registrations; finish or wait for "
                "them before starting another",
                {"limit": MAX_OPEN_REQUESTS},
            )
        owner = Pubkey.from_string(caller.wallet)
        meter_id = body.meter_id or uuid.uuid4()
        transaction, nonce_account = await self._setup(
            owner, meter_id, device, body.kind, body.zone_id
        )
        row = await self.repository.create(
            NewRequest(
                user_id=caller.user_id,
                owner_wallet=caller.wallet,
                meter_id=meter_id,
                device_pubkey=bytes(device),
                kind=body.kind,
                zone_id=body.zone_id,
                max_export_w=body.max_export_w,
                max_import_w=body.max_import_w,
                nonce_account=str(nonce_account),
                setup_message=message_bytes(transaction.message),
            )
        )
        return row, transaction

    async def renew_setup(
        self, caller: Principal, request_id: uuid.UUID
    ) -> tuple[RequestRow, VersionedTransaction]:
        """A new setup transaction (new nonce account, fresh blockhash) for a request whose
        setup never landed, e.g. because its blockhash expired before the wallet sent it."""
        request = await self.repository.get(request_id, caller.user_id)
        expect_status(request, ("awaiting_nonce",))
        [old] = await self._accounts([Pubkey.from_string(request.nonce_account)])
        if old is not None:
            raise RegistrationStateError(
                f"the setup of registration {request_id} landed already (nonce account "
                f"{request.nonce_account} exists): ask for the registration transaction",
                {"status": request.status, "nonce_account": request.nonce_account},
            )
        transaction, nonce_account = await self._setup(
            Pubkey.from_string(request.owner_wallet),
            request.meter_id,
            Pubkey.from_bytes(request.device_pubkey),
            request.kind,
            request.zone_id,
        )
        row = await self.repository.transition(
            request_id,
            user_id=caller.user_id,
            expected=("awaiting_nonce",),
            status="awaiting_nonce",
            nonce_account=str(nonce_account),
            setup_message=message_bytes(transaction.message),
        )
        return row, transaction

    async def _setup(
        self, owner: Pubkey, meter_id: uuid.UUID, device: Pubkey, kind: int, zone: int
    ) -> tuple[VersionedTransaction, Pubkey]:
        """A setup transaction on a new nonce account, and that account's address."""
        addresses = self.chain.addresses()
        nonce = Keypair()
        registration = MeterRegistration(
            registry_program=addresses.registry_program,
            gxt_mint=addresses.gxt_mint,
            authority=addresses.operator,
            owner=owner,
            meter_id=meter_id.bytes,
            device_pubkey=device,
            kind=kind,
            zone=zone,
            nonce_account=nonce.pubkey(),
        )
        user_pda = user_address(addresses.registry_program, owner)[0]
        [user_account] = await self._accounts([user_pda])
        rent = await self._rpc(
            self.chain.client.rpc.get_minimum_balance_for_rent_exemption(NONCE_ACCOUNT_LEN)
        )
        blockhash = await self.chain.latest_blockhash()
        transaction = setup_transaction(
            registration,
            nonce,
            nonce_rent=rent,
            register_user=user_account is None,
            blockhash=blockhash.blockhash,
        )
        # Its one signature is in the transaction; the secret goes with this frame.
        return transaction, registration.nonce_account

    async def setup(self, caller: Principal, request_id: uuid.UUID, signed: str) -> RequestRow:
        """Relay the owner-signed setup transaction (and wait for it), then ``prepare``."""
        request = await self.repository.get(request_id, caller.user_id)
        if request.status == "awaiting_nonce":
            transaction = decode_transaction(signed)
            check_signed(
                transaction,
                request.setup_message,
                [
                    Pubkey.from_string(request.owner_wallet),
                    Pubkey.from_string(request.nonce_account),
                ],
            )
            await self.chain.relay(transaction, wait=True)
        return request

    async def prepare(
        self, caller: Principal, request_id: uuid.UUID
    ) -> tuple[RequestRow, VersionedTransaction]:
        """The registration transaction on the nonce account's current stored nonce."""
        request = await self.repository.get(request_id, caller.user_id)
        registration = self._registration_of(request)
        stored = await self._stored_nonce(registration)
        message = registration_message(registration, stored)
        row = await self.repository.transition(
            request_id,
            user_id=caller.user_id,
            expected=("awaiting_nonce", "awaiting_owner"),
            status="awaiting_owner",
            registration_message=message_bytes(message),
            owner_signed_transaction=None,
        )
        return row, unsigned(message)

    async def sign(self, caller: Principal, request_id: uuid.UUID, signed: str) -> RequestRow:
        """Store the owner's signed registration transaction for the operators' queue."""
        request = await self.repository.get(request_id, caller.user_id)
        expect_status(request, ("awaiting_owner",))
        if request.registration_message is None:
            raise RegistrationStateError(
                f"registration {request_id} has no prepared registration transaction (its "
                "nonce moved on): ask for it again with /registration-transaction",
                {"status": request.status},
            )
        transaction = decode_transaction(signed)
        check_signed(
            transaction, request.registration_message, [Pubkey.from_string(request.owner_wallet)]
        )
        return await self.repository.transition(
            request_id,
            user_id=caller.user_id,
            expected=("awaiting_owner",),
            status="pending_approval",
            owner_signed_transaction=bytes(transaction),
        )

    # --- operator ---------------------------------------------------------------------------

    async def approve(
        self, operator: Principal, request_id: uuid.UUID, signed: str, reason: str
    ) -> RequestRow:
        request = await self.repository.get(request_id)
        registration = self._registration_of(request)
        authority = registration.authority
        await require_authority_wallet(self.accounts, operator, authority, "approving")
        meter = await self._meter_account(registration)
        if meter is None:
            transaction = decode_transaction(signed)
            expect_status(request, ("pending_approval",))
            assert request.registration_message is not None  # a CHECK of the table (0009)
            check_signed(transaction, request.registration_message, [registration.owner, authority])
            signature = str(transaction.signatures[0])
            try:
                await self.chain.relay(transaction, wait=True)
            except TransactionRejectedError as exc:
                if exc.details.get("error") not in _STALE_NONCE_ERRORS:
                    raise
                await self._after_unknown_nonce(request, registration, transaction, exc)
            meter = await self._meter_account(registration)
            if meter is None:
                raise RegistrationChainMismatchError(
                    f"the registration {signature} landed but meter account "
                    f"{meter_address_of(self.chain, request.meter_id)} is not on chain"
                )
        else:
            expect_status(request, OPEN_STATUSES)
            signature = await self._first_signature(meter_address_of(self.chain, request.meter_id))
        _check_meter(request, registration, meter)
        return await self.repository.approve(
            request_id,
            actor=operator.user_id,
            reason=reason,
            landing=Landing(
                signature=signature,
                owner_token_account=str(
                    associated_token_address(registration.owner, registration.gxt_mint)
                ),
                chain_status=meter.status,
                export_wh=meter.last_export_wh,
                import_wh=meter.last_import_wh,
                timestamp_ms=meter.last_timestamp_ms,
                minted_wh=meter.minted_wh,
                commissioned_at_ms=int(time.time() * 1000),
            ),
            expected=("pending_approval", "awaiting_owner", "awaiting_nonce"),
        )

    async def _after_unknown_nonce(
        self,
        request: RequestRow,
        registration: MeterRegistration,
        transaction: VersionedTransaction,
        error: TransactionRejectedError,
    ) -> None:
        """The cluster did not take the transaction's nonce as a blockhash (or the sender gave
        up on it). Landed after all: return. Nonce unchanged: it may still land, so nothing is
        reset (503, approve again). Nonce moved on: it can never land; back to the owner."""
        if await self._meter_account(registration) is not None:
            return
        stored = await self._stored_nonce(registration)
        if stored == transaction.message.recent_blockhash:
            raise ChainUnavailableError(
                "the registration transaction has not landed yet but still can (its nonce is "
                "unused); approve again shortly",
                {"service": "chain", "signature": str(transaction.signatures[0])},
            ) from error
        await self.repository.transition(
            request.id,
            expected=("pending_approval",),
            status="awaiting_owner",
            registration_message=None,
            owner_signed_transaction=None,
        )
        raise NonceStaleError(
            "the registration transaction's durable nonce was used or advanced, so it can "
            "never land; the owner must prepare and sign it again",
            {"error": error.details.get("error")},
        ) from error

    async def reject(
        self, operator: Principal, request_id: uuid.UUID, reason: str
    ) -> tuple[RequestRow, VersionedTransaction | None]:
        request = await self.repository.get(request_id)
        registration = self._registration_of(request)
        if await self._meter_account(registration) is not None:
            # Landed already (a wallet sent it): it is registered, not rejectable.
            expect_status(request, ("approved",))
        row = await self.repository.reject(request_id, actor=operator.user_id, reason=reason)
        [nonce] = await self._accounts([registration.nonce_account])
        refund = None if nonce is None else await self._refund(registration, nonce.lamports)
        return row, refund

    async def refund(self, request_id: uuid.UUID) -> VersionedTransaction:
        """For a decided request: the unsigned transaction that returns its nonce account's
        lamports to the owner (the Registry authority signs and pays)."""
        request = await self.repository.get(request_id)
        expect_status(request, ("approved", "rejected"))
        registration = self._registration_of(request)
        [nonce] = await self._accounts([registration.nonce_account])
        if nonce is None:
            raise NonceAccountMissingError(
                f"nonce account {registration.nonce_account} is not on chain (never created, "
                "or already refunded)",
                {"nonce_account": str(registration.nonce_account)},
            )
        return await self._refund(registration, nonce.lamports)

    async def _refund(self, registration: MeterRegistration, lamports: int) -> VersionedTransaction:
        # Not the cached blockhash: closing a nonce account needs a blockhash other than the
        # one it was stored under ("nonce can only advance once per slot").
        latest = await self._rpc(self.chain.client.rpc.get_latest_blockhash())
        return unsigned(refund_message(registration, lamports, latest.blockhash))

    def queued_transaction(self, request: RequestRow) -> str:
        assert request.owner_signed_transaction is not None
        return b64(request.owner_signed_transaction)

    # --- helpers ----------------------------------------------------------------------------

    async def _check_zone(self, zone_id: int) -> None:
        config = await self.energy.fleet_config()
        if config is None:
            raise GridTopologyUnknownError(
                "no grid topology is known yet (the simulator has no stored scenario), so no "
                "zone can be checked; try again once the grid is configured"
            )
        zones = int(fleet_topology(config).zone_feeder.size)
        if not 0 <= zone_id < zones:
            raise RegistrationInvalidError(
                f"zone {zone_id} is not in the grid topology (zones 0 to {zones - 1}); pick "
                "yours from GET /v1/grid/topology",
                {"zone_id": zone_id, "zones": zones},
            )

    def _registration_of(self, request: RequestRow) -> MeterRegistration:
        addresses = self.chain.addresses()
        return MeterRegistration(
            registry_program=addresses.registry_program,
            gxt_mint=addresses.gxt_mint,
            authority=addresses.operator,
            owner=Pubkey.from_string(request.owner_wallet),
            meter_id=request.meter_id.bytes,
            device_pubkey=Pubkey.from_bytes(request.device_pubkey),
            kind=request.kind,
            zone=request.zone_id,
            nonce_account=Pubkey.from_string(request.nonce_account),
        )

    async def _rpc(self, request: Awaitable[T]) -> T:
        try:
            return await request
        except (ChainTransportError, ChainRpcError) as exc:
            raise ChainUnavailableError(
                f"the cluster did not answer: {exc}", {"service": "chain"}
            ) from exc

    async def _accounts(self, addresses: list[Pubkey]) -> list[AccountInfo | None]:
        return list(await self._rpc(self.chain.client.rpc.get_multiple_accounts(addresses)))

    async def _first_signature(self, address: Pubkey) -> str:
        """The oldest transaction signature that touched ``address`` (its creation)."""
        found = await self._rpc(
            self.chain.client.rpc.call("getSignaturesForAddress", [str(address), {"limit": 1000}])
        )
        if not isinstance(found, list) or not found or not isinstance(found[-1], dict):
            raise RegistrationChainMismatchError(
                f"the cluster lists no transaction that created meter account {address}"
            )
        return str(found[-1]["signature"])

    async def _stored_nonce(self, registration: MeterRegistration) -> Hash:
        [account] = await self._accounts([registration.nonce_account])
        state = None if account is None else nonce_state(bytes(account.data))
        if state is None or account is None or account.owner != SYSTEM_PROGRAM_ID:
            raise NonceAccountMissingError(
                f"nonce account {registration.nonce_account} is not on chain yet: send the "
                "signed setup transaction (or POST it to /setup) and try again",
                {"nonce_account": str(registration.nonce_account)},
            )
        if state.authority != registration.authority:
            raise RegistrationChainMismatchError(
                f"nonce account {registration.nonce_account} has authority {state.authority}, "
                f"not the Registry authority {registration.authority}"
            )
        return state.nonce

    async def _meter_account(self, registration: MeterRegistration) -> MeterAccount | None:
        address = meter_address(registration.registry_program, registration.meter_id)[0]
        [account] = await self._accounts([address])
        if account is None or account.owner != registration.registry_program:
            return None
        return MeterAccount.decode(account.data)


def _device_key(text: str) -> Pubkey:
    try:
        key = Pubkey.from_string(text)
    except ValueError as exc:
        raise RegistrationInvalidError(
            "device_pubkey is not a base58 public key of 32 bytes", {"field": "device_pubkey"}
        ) from exc
    if not key.is_on_curve():
        raise RegistrationInvalidError(
            "device_pubkey is not an Ed25519 public key (not on the curve): the meter could "
            "never sign a reading with it",
            {"field": "device_pubkey"},
        )
    return key


def _check_meter(request: RequestRow, registration: MeterRegistration, meter: MeterAccount) -> None:
    expected = (registration.owner, registration.device_pubkey, request.zone_id, request.kind)
    found = (meter.owner, meter.device_pubkey, meter.zone, meter.kind)
    if found != expected:
        raise RegistrationChainMismatchError(
            f"meter account of {request.meter_id} on chain has owner, device key, zone and kind "
            f"{found}, not the request's {expected}",
        )
