"""The minting service against a real private node (bootstrapped as the stack bootstraps it),
the real Registry program and a scratch PostgreSQL: register, mint, crash, reconcile, refuse."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

import psycopg
import pytest
from solders.hash import Hash
from solders.keypair import Keypair
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.accounts import MeterKind, MeterStatus
from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.minting.chain import Landed
from gridtokenx.minting.core import GXT_BASE_UNITS_PER_WH, ChainRegisters, SignedWatermark
from gridtokenx.minting.errors import MeterRegistrationError
from gridtokenx.minting.service import CycleReport
from gridtokenx.minting.transactions import mint_transaction
from gridtokenx.simulator.config import FleetConfig, KindMix
from tests.minting.rig import START_MS, MintRig, mint_rig
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

SOLAR_ONLY = KindMix(consumer=0, solar_prosumer=1, battery_prosumer=0, ev_charger=0)
MINUTE_MS = 60_000


def _run(
    settings: Settings, seed: int, count: int, body: Callable[[MintRig], Awaitable[None]]
) -> None:
    async def scenario() -> None:
        config = FleetConfig(meter_count=count, seed=seed, mix=SOLAR_ONLY)
        async with mint_rig(settings, config) as rig:
            await body(rig)

    asyncio.run(scenario())


def test_meters_are_registered_once_and_minted_exactly(minting_settings: Settings) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()  # registers the fleet; nothing signed to mint yet
        for index, meter in enumerate(rig.meters):
            account = await rig.meter_account(index)
            assert account.device_pubkey == meter.device_pubkey
            assert account.kind == MeterKind.SOLAR
            assert account.status == MeterStatus.ACTIVE
            assert await rig.balance_base_units(index) == 0
        again = await rig.process.registrar.register_commissioned(rig.meters)
        assert again == 0

        exports_wh = [1_234, 5, 77_777, 1, 900]
        for index, export_wh in enumerate(exports_wh):
            rig.ingest(index, export_wh, 10 * index, START_MS + MINUTE_MS)
        report = await rig.process.cycle()
        assert report.confirmed_wh == sum(exports_wh)
        assert report.submitted_transactions == 2  # 5 readings: 3 + 2
        for index, export_wh in enumerate(exports_wh):
            assert await rig.balance_base_units(index) == export_wh * GXT_BASE_UNITS_PER_WH
            assert (await rig.meter_account(index)).last_export_wh == export_wh

        rig.ingest(0, 2_000, 0, START_MS + 2 * MINUTE_MS)
        report = await rig.process.cycle()
        assert report.confirmed_wh == 2_000 - 1_234
        assert await rig.balance_base_units(0) == 2_000 * GXT_BASE_UNITS_PER_WH
        assert rig.process.ledger.registers(rig.meters[0].meter_id) == ChainRegisters(
            2_000, 0, START_MS + 2 * MINUTE_MS, 2_000
        )
        quiet = await rig.process.cycle()
        assert quiet.submitted_transactions == 0
        assert quiet.confirmed_wh == 0

    _run(minting_settings, 701, 5, body)


def test_a_crash_between_recording_and_sending_resends_the_same_transaction(
    minting_settings: Settings,
) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()
        rig.ingest(0, 4_321, 0, START_MS + MINUTE_MS)
        watermark = rig.process.ledger.signed_watermarks()[0]
        pending = await rig.process.minter.prepare([watermark])  # recorded, never sent: crash

        restarted = rig.new_process()
        report = await restarted.cycle()
        assert report.submitted_transactions == 0  # nothing new: the recorded bytes were resent
        assert rig.statuses(watermark.meter_id) == [("confirmed", 4_321, None)]
        assert await rig.balance_base_units(0) == 4_321 * GXT_BASE_UNITS_PER_WH
        statuses = await rig.chain.statuses([pending_signature(pending.signed_transaction)])
        assert statuses[0] is not None

    _run(minting_settings, 702, 1, body)


def test_a_crash_after_landing_before_recording_is_confirmed_not_minted_again(
    minting_settings: Settings,
) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()
        rig.ingest(0, 9_000, 3, START_MS + MINUTE_MS)
        rig.ingest(1, 50, 0, START_MS + MINUTE_MS)
        batch = rig.process.ledger.signed_watermarks()
        pending = await rig.process.minter.prepare(batch)
        landed = await rig.chain.land(VersionedTransaction.from_bytes(pending.signed_transaction))
        assert isinstance(landed, Landed)  # on chain; the process dies before recording it

        report = await rig.new_process().cycle()
        assert report.submitted_transactions == 0
        assert report.confirmed_wh == 9_050
        assert await rig.balance_base_units(0) == 9_000 * GXT_BASE_UNITS_PER_WH
        assert await rig.balance_base_units(1) == 50 * GXT_BASE_UNITS_PER_WH
        assert (await rig.meter_account(0)).minted_wh == 9_000

    _run(minting_settings, 703, 2, body)


def test_an_expired_unlanded_submission_is_superseded_and_rebuilt(
    minting_settings: Settings,
) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()
        rig.ingest(0, 600, 0, START_MS + MINUTE_MS)
        [watermark] = rig.process.ledger.signed_watermarks()
        minter = rig.process.minter
        targets = rig.process.ledger.mint_targets([watermark.meter_id])
        # Signed over a blockhash the cluster never had: it can never land.
        stale = mint_transaction(
            minter.registry_program,
            minter.gxt_mint,
            [watermark],
            targets,
            minter.payer,
            Hash.new_unique(),
        )
        rig.process.ledger.record_pending(
            [watermark], str(stale.signatures[0]), str(stale.message.recent_blockhash), bytes(stale)
        )

        report = await rig.new_process().cycle()
        assert report.submitted_transactions == 1
        assert [status for status, _, _ in rig.statuses(watermark.meter_id)] == [
            "superseded",
            "confirmed",
        ]
        assert await rig.balance_base_units(0) == 600 * GXT_BASE_UNITS_PER_WH

    _run(minting_settings, 704, 1, body)


def test_a_tampered_watermark_never_mints_and_its_batch_mates_still_do(
    minting_settings: Settings,
) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()
        honest = rig.sign(1, 100, 0, START_MS + MINUTE_MS)
        # The stored export was raised after the device signed 100 Wh.
        rig.store_watermark(
            SignedWatermark(honest.meter_id, 100_000, 0, honest.timestamp_ms, honest.signature)
        )
        rig.ingest(0, 250, 0, START_MS + MINUTE_MS)
        rig.ingest(2, 75, 0, START_MS + MINUTE_MS)

        await rig.process.cycle()
        assert await rig.balance_base_units(0) == 250 * GXT_BASE_UNITS_PER_WH
        assert await rig.balance_base_units(2) == 75 * GXT_BASE_UNITS_PER_WH
        assert await rig.balance_base_units(1) == 0
        assert (await rig.meter_account(1)).last_export_wh == 0
        [batch, alone] = rig.statuses(honest.meter_id)
        assert batch[0] == "superseded"
        assert alone[0] == "failed"
        assert alone[2] is not None

        quiet = await rig.process.cycle()  # a failed reading is not retried
        assert quiet.submitted_transactions == 0
        rig.ingest(1, 180, 0, START_MS + 2 * MINUTE_MS)  # the device's next honest reading
        await rig.process.cycle()
        assert await rig.balance_base_units(1) == 180 * GXT_BASE_UNITS_PER_WH

    _run(minting_settings, 705, 3, body)


def test_a_reading_minted_by_someone_else_is_adopted_not_minted_again(
    minting_settings: Settings,
) -> None:
    async def body(rig: MintRig) -> None:
        await rig.process.cycle()
        rig.ingest(0, 3_000, 0, START_MS + MINUTE_MS)
        [watermark] = rig.process.ledger.signed_watermarks()
        minter = rig.process.minter
        pending = await minter.prepare([watermark])
        # Anyone may submit a signed reading: another party (another fee payer, so another
        # signature) lands it between our recording and our sending.
        someone = Keypair()
        airdrop = await rig.client.rpc.request_airdrop(someone.pubkey(), 10**9)
        await rig.client.confirm_signature(airdrop)
        other = mint_transaction(
            minter.registry_program,
            minter.gxt_mint,
            [watermark],
            rig.process.ledger.mint_targets([watermark.meter_id]),
            someone,
            await rig.chain.latest_blockhash(),
        )
        assert isinstance(await rig.chain.land(other), Landed)

        await minter.dispatch(pending, CycleReport())
        [(status, minted_wh, error)] = rig.statuses(watermark.meter_id)
        assert (status, minted_wh) == ("superseded", None)
        assert error is not None
        assert "RegisterNotIncreasing" in error
        assert rig.process.ledger.registers(watermark.meter_id) == ChainRegisters(
            3_000, 0, START_MS + MINUTE_MS, 3_000
        )
        assert await rig.balance_base_units(0) == 3_000 * GXT_BASE_UNITS_PER_WH
        assert (await rig.process.cycle()).submitted_transactions == 0

    _run(minting_settings, 706, 1, body)


def pending_signature(signed_transaction: bytes) -> Signature:
    return VersionedTransaction.from_bytes(signed_transaction).signatures[0]


def test_meters_already_on_chain_are_recorded_without_a_transaction(
    running_stack: Settings, minting_settings: Settings
) -> None:
    """A second ledger (a rebuilt database) of the same fleet finds every meter registered and
    minted on chain: it sends nothing and starts from the chain's registers."""
    config = FleetConfig(meter_count=2, seed=707, mix=SOLAR_ONLY)

    async def first_ledger() -> None:
        async with mint_rig(minting_settings, config) as rig:
            await rig.process.cycle()
            rig.ingest(0, 512, 0, START_MS + MINUTE_MS)
            await rig.process.cycle()
            assert _registration_signatures(minting_settings) == {True}

    async def second_ledger(settings: Settings) -> None:
        async with mint_rig(settings, config) as rig:
            recorded = await rig.process.registrar.register_commissioned(rig.meters)
            assert recorded == 2
            assert _registration_signatures(settings) == {False}
            assert rig.process.ledger.registers(rig.meters[0].meter_id) == ChainRegisters(
                512, 0, START_MS + MINUTE_MS, 512
            )
            rig.ingest(0, 512, 0, START_MS + MINUTE_MS)  # the same reading, ingested again
            assert (await rig.process.cycle()).submitted_transactions == 0
            assert await rig.balance_base_units(0) == 512 * GXT_BASE_UNITS_PER_WH

    asyncio.run(first_ledger())
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        asyncio.run(second_ledger(minting_settings.model_copy(update={"postgres": postgres})))


def _registration_signatures(settings: Settings) -> set[bool]:
    """Whether each recorded registration sent a transaction."""
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT registration_signature IS NOT NULL FROM meter_chain_accounts"
        ).fetchall()
    return {row[0] for row in rows}


def test_a_meter_id_held_on_chain_by_another_device_is_refused_and_the_rest_register(
    running_stack: Settings, minting_settings: Settings
) -> None:
    config = FleetConfig(meter_count=2, seed=708, mix=SOLAR_ONLY)

    async def impostor_first() -> None:
        async with mint_rig(minting_settings, config) as rig:
            impostor = replace(rig.meters[0], device_pubkey=Keypair().pubkey())
            await rig.process.registrar.register(impostor)

    async def fleet_after(settings: Settings) -> None:
        async with mint_rig(settings, config) as rig:
            with pytest.raises(MeterRegistrationError, match="device key"):
                await rig.process.registrar.register(rig.meters[0])
            assert await rig.process.registrar.register_commissioned(rig.meters) == 1
            assert rig.process.ledger.registered_meter_ids() == {rig.meters[1].meter_id}

    asyncio.run(impostor_first())
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        asyncio.run(fleet_after(minting_settings.model_copy(update={"postgres": postgres})))
