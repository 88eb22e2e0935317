"""Registering the simulator's meters on chain (issue 5, part 6), idempotently.

For each commissioned simulated meter the simulated owner (whose key the simulator holds as the
owner's stand-in) registers as a user, the meter is registered with the grid operator's
co-signature and the device key of the fleet, and the owner's GXT associated token account is
created. Whatever already exists on chain is checked and skipped, so a restart (or a second
process) repeats nothing. The operator pays the fees and gives each owner exactly the rent of
the accounts the owner creates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

from gridtokenx.chain.registry.accounts import (
    MeterAccount,
    MeterStatus,
    UserAccount,
)
from gridtokenx.chain.registry.instructions import RegisterMeter, RegisterUser
from gridtokenx.chain.registry.pda import config_address, meter_address, user_address
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
)
from gridtokenx.minting import metrics
from gridtokenx.minting.chain import Landed, MintChain
from gridtokenx.minting.core import ChainRegisters
from gridtokenx.minting.errors import MeterRegistrationError
from gridtokenx.minting.ledger import ChainAccountRecord, MintLedger
from gridtokenx.simulator.owners import SimulatedMeter

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RegistryKeys:
    program_id: Pubkey
    gxt_mint: Pubkey
    operator: Keypair


class MeterRegistrar:
    def __init__(self, ledger: MintLedger, chain: MintChain, keys: RegistryKeys) -> None:
        self.ledger = ledger
        self.chain = chain
        self.keys = keys

    async def register_commissioned(self, meters: Iterable[SimulatedMeter]) -> int:
        """Register every meter of ``meters`` that is commissioned in PostgreSQL and not yet
        recorded as registered; returns how many were recorded."""
        commissioned = self.ledger.commissioned_meter_ids()
        registered = self.ledger.registered_meter_ids()
        recorded = 0
        for meter in meters:
            if meter.meter_id in commissioned and meter.meter_id not in registered:
                try:
                    await self.register(meter)
                except MeterRegistrationError as exc:
                    # One meter that cannot register must not keep the others unminted.
                    metrics.CHAIN_ERRORS.labels("registration").inc()
                    _log.warning("%s", exc)
                    continue
                recorded += 1
        return recorded

    async def register(self, meter: SimulatedMeter) -> ChainRegisters:
        """Create what is missing on chain for ``meter`` and record it in the ledger."""
        keys = self.keys
        owner = meter.owner
        wallet = owner.pubkey()
        user = user_address(keys.program_id, wallet)[0]
        meter_pda = meter_address(keys.program_id, meter.meter_id.bytes)[0]
        token_account = associated_token_address(wallet, keys.gxt_mint)
        user_data, meter_data, token_data = await self.chain.account_data(
            [user, meter_pda, token_account]
        )
        if meter_data is not None:
            self._check_existing(meter, wallet, MeterAccount.decode(meter_data))
        owner_rent = 0
        instructions: list[Instruction] = []
        if user_data is None:
            owner_rent += await self.chain.rent_exempt_lamports(UserAccount.size())
            instructions.append(
                RegisterUser(role=meter.role).instruction(
                    keys.program_id, {"user": user, "wallet": wallet}
                )
            )
        if meter_data is None:
            owner_rent += await self.chain.rent_exempt_lamports(MeterAccount.size())
            instructions.append(self._register_meter(meter, wallet, user, meter_pda))
        if token_data is None:
            instructions.append(
                create_associated_token_account_idempotent(
                    keys.operator.pubkey(), wallet, keys.gxt_mint
                )
            )
        signature = None
        if instructions:
            if owner_rent:
                # The owner pays its accounts' rent in the program's CPI; give it exactly that.
                instructions.insert(
                    0,
                    transfer(
                        TransferParams(
                            from_pubkey=keys.operator.pubkey(),
                            to_pubkey=wallet,
                            lamports=owner_rent,
                        )
                    ),
                )
            signers = [owner] if owner_rent else []
            outcome = await self.chain.execute(instructions, signers, keys.operator)
            if not isinstance(outcome, Landed):
                raise MeterRegistrationError(
                    f"registering meter {meter.meter_id} on chain did not land: {outcome}; "
                    "check the operator's SOL balance and that the chain is bootstrapped"
                )
            signature = outcome.signature
            metrics.METERS_REGISTERED.inc()
        [meter_data] = await self.chain.account_data([meter_pda])
        if meter_data is None:
            raise MeterRegistrationError(
                f"meter {meter.meter_id} is not on chain after its registration landed"
            )
        account = MeterAccount.decode(meter_data)
        registers = ChainRegisters(
            account.last_export_wh,
            account.last_import_wh,
            account.last_timestamp_ms,
            account.minted_wh,
        )
        self.ledger.record_registration(
            ChainAccountRecord(
                meter_id=meter.meter_id,
                owner_wallet=wallet,
                owner_token_account=token_account,
                fleet_seed=meter.fleet_seed,
                meter_index=meter.meter_index,
                chain_status=MeterStatus(account.status),
                registration_signature=signature,
            ),
            registers,
        )
        return registers

    def _register_meter(
        self, meter: SimulatedMeter, wallet: Pubkey, user: Pubkey, meter_pda: Pubkey
    ) -> Instruction:
        keys = self.keys
        return RegisterMeter(
            meter_id=meter.meter_id.bytes,
            device_pubkey=meter.device_pubkey,
            kind=int(meter.kind),
            zone=meter.zone,
        ).instruction(
            keys.program_id,
            {
                "meter": meter_pda,
                "owner": wallet,
                "owner_user": user,
                "config": config_address(keys.program_id)[0],
                "authority": keys.operator.pubkey(),
            },
        )

    @staticmethod
    def _check_existing(meter: SimulatedMeter, wallet: Pubkey, account: MeterAccount) -> None:
        if account.owner != wallet or account.device_pubkey != meter.device_pubkey:
            raise MeterRegistrationError(
                f"meter {meter.meter_id} is registered on chain to owner {account.owner} with "
                f"device key {account.device_pubkey}, not the simulated fleet's ({wallet}, "
                f"{meter.device_pubkey}); a fleet of another seed with the same ids? use a new "
                "seed or a fresh chain"
            )
