"""The Registry program in LiteSVM: every instruction's success path and its attack suite.

Each attack asserts the program's error code and that no account it touched changed.
"""

from __future__ import annotations

import uuid

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction_metadata import FailedTransactionMetadata

from gridtokenx.chain.anchor.program_errors import failed_custom_code
from gridtokenx.chain.ed25519 import SignedMessage, ed25519_instruction
from gridtokenx.chain.registry.accounts import (
    MeterAccount,
    MeterStatus,
    RegistryConfig,
    UserAccount,
    UserRole,
)
from gridtokenx.chain.registry.errors import RegistryErrorCode as E
from gridtokenx.chain.registry.instructions import RotateDeviceKey, SetMeterStatus
from gridtokenx.chain.registry.pda import config_address, meter_address, user_address
from tests.utils.registry import Meter, RegistryHarness, reading_message, sign_reading
from tests.utils.svm import build_program

WH = 1_000  # GXT base units per Wh


@pytest.fixture(scope="module")
def registry_so() -> bytes:
    return build_program("registry")


@pytest.fixture
def registry(registry_so: bytes) -> RegistryHarness:
    return RegistryHarness.deploy(registry_so)


def _operator_instruction(
    registry: RegistryHarness, instruction: SetMeterStatus | RotateDeviceKey, meter: Meter
) -> Instruction:
    return instruction.instruction(
        registry.program_id,
        {
            "config": config_address(registry.program_id)[0],
            "authority": registry.operator.pubkey(),
            "meter": meter_address(registry.program_id, meter.meter_id)[0],
        },
    )


def _unchanged_after(
    registry: RegistryHarness, meter: Meter, code: E, instructions: list[Instruction]
) -> None:
    watched = [
        meter_address(registry.program_id, meter.meter_id)[0],
        meter.token_account,
        registry.gxt_mint,
    ]
    before = registry.snapshot(watched)
    registry.expect_error(code, instructions)
    assert registry.snapshot(watched) == before


# --- success paths -----------------------------------------------------------------------


def test_initialize_records_operator_and_mint(registry: RegistryHarness) -> None:
    account = registry.svm.get_account(config_address(registry.program_id)[0])
    assert account is not None
    assert account.owner == registry.program_id
    config = RegistryConfig.decode(bytes(account.data))
    assert config.authority == registry.operator.pubkey()
    assert config.gxt_mint == registry.gxt_mint


def test_initialize_twice_is_refused(registry: RegistryHarness) -> None:
    from gridtokenx.chain.registry.instructions import Initialize
    from gridtokenx.chain.registry.pda import mint_authority_address

    again = Initialize().instruction(
        registry.program_id,
        {
            "config": config_address(registry.program_id)[0],
            "authority": registry.operator.pubkey(),
            "gxt_mint": registry.gxt_mint,
            "mint_authority": mint_authority_address(registry.program_id)[0],
        },
    )
    registry.expect_error(E.ALREADY_INITIALIZED, [again])


def test_register_user_and_meter(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    user_account = registry.svm.get_account(
        user_address(registry.program_id, meter.owner.pubkey())[0]
    )
    assert user_account is not None
    user = UserAccount.decode(bytes(user_account.data))
    assert (user.wallet, user.role) == (meter.owner.pubkey(), UserRole.PROSUMER)
    state = registry.meter_state(meter)
    assert state.meter_id == meter.meter_id
    assert state.owner == meter.owner.pubkey()
    assert state.device_pubkey == meter.device.pubkey()
    assert (state.status, state.zone, state.last_export_wh, state.minted_wh) == (1, 7, 0, 0)


def test_mint_from_reading_pays_the_exported_energy_to_the_owner(
    registry: RegistryHarness,
) -> None:
    meter = registry.new_meter()
    signed = sign_reading(meter.device, meter.meter_id, 1_500, 200, 1_000)
    result = registry.expect_ok(registry.mint([(meter, signed)]))
    assert registry.balance(meter.token_account) == 1_500 * WH
    signed = sign_reading(meter.device, meter.meter_id, 1_750, 260, 2_000)
    registry.expect_ok(registry.mint([(meter, signed)]))
    assert registry.balance(meter.token_account) == 1_750 * WH
    state = registry.meter_state(meter)
    assert (state.last_export_wh, state.last_import_wh, state.last_timestamp_ms) == (
        1_750,
        260,
        2_000,
    )
    assert state.minted_wh == 1_750
    assert registry.supply() == 1_750 * WH
    assert result.compute_units_consumed() < 20_000


def test_several_meters_in_one_transaction(registry: RegistryHarness) -> None:
    meters = [registry.new_meter() for _ in range(6)]
    readings = [
        (meter, sign_reading(meter.device, meter.meter_id, 100 * (i + 1), 0, 1_000))
        for i, meter in enumerate(meters)
    ]
    registry.expect_ok(registry.mint(readings))
    assert [registry.balance(m.token_account) for m in meters] == [
        100 * (i + 1) * WH for i in range(6)
    ]


def test_operator_suspends_reactivates_and_rotates(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    registry.expect_ok(
        [_operator_instruction(registry, SetMeterStatus(status=MeterStatus.SUSPENDED), meter)]
    )
    signed = sign_reading(meter.device, meter.meter_id, 10, 0, 1)
    _unchanged_after(registry, meter, E.METER_NOT_ACTIVE, registry.mint([(meter, signed)]))
    registry.expect_ok(
        [_operator_instruction(registry, SetMeterStatus(status=MeterStatus.ACTIVE), meter)]
    )
    new_device = Keypair()
    registry.expect_ok(
        [
            _operator_instruction(
                registry, RotateDeviceKey(new_device_pubkey=new_device.pubkey()), meter
            )
        ]
    )
    old_key_reading = sign_reading(meter.device, meter.meter_id, 10, 0, 1)
    _unchanged_after(
        registry, meter, E.DEVICE_KEY_MISMATCH, registry.mint([(meter, old_key_reading)])
    )
    registry.expect_ok(registry.mint([(meter, sign_reading(new_device, meter.meter_id, 10, 0, 1))]))
    assert registry.balance(meter.token_account) == 10 * WH


def test_decommissioning_is_final(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    decommission = SetMeterStatus(status=MeterStatus.DECOMMISSIONED)
    registry.expect_ok([_operator_instruction(registry, decommission, meter)])
    registry.expect_error(
        E.METER_NOT_ACTIVE,
        [_operator_instruction(registry, SetMeterStatus(status=MeterStatus.ACTIVE), meter)],
    )


# --- attacks -------------------------------------------------------------------------------


def test_register_meter_needs_the_operators_cosignature(registry: RegistryHarness) -> None:
    owner = registry.funded()
    registry.expect_ok(
        [registry.register_user_instruction(owner.pubkey(), UserRole.PROSUMER)], [owner]
    )
    meter_id = uuid.uuid4().bytes
    instruction = registry.register_meter_instruction(owner.pubkey(), meter_id, Pubkey.new_unique())
    unsigned = Instruction(
        instruction.program_id,
        instruction.data,
        [
            AccountMeta(m.pubkey, is_signer=False, is_writable=m.is_writable)
            if m.pubkey == registry.operator.pubkey()
            else m
            for m in instruction.accounts
        ],
    )
    # The owner pays, so the operator's key is in the transaction without any signature.
    registry.expect_error(E.MISSING_SIGNER, [unsigned], [owner], payer=owner)
    impostor = registry.funded()
    forged = Instruction(
        instruction.program_id,
        instruction.data,
        [
            AccountMeta(impostor.pubkey(), is_signer=True, is_writable=False)
            if m.pubkey == registry.operator.pubkey()
            else m
            for m in instruction.accounts
        ],
    )
    registry.expect_error(E.UNAUTHORIZED, [forged], [owner, impostor])
    assert registry.svm.get_account(meter_address(registry.program_id, meter_id)[0]) is None


def test_register_meter_refuses_unregistered_owner_and_misseeded_pda(
    registry: RegistryHarness,
) -> None:
    stranger = registry.funded()
    instruction = registry.register_meter_instruction(
        stranger.pubkey(), uuid.uuid4().bytes, Pubkey.new_unique()
    )
    registry.expect_error(E.USER_NOT_REGISTERED, [instruction], [stranger])
    owner = registry.funded()
    registry.expect_ok(
        [registry.register_user_instruction(owner.pubkey(), UserRole.PROSUMER)], [owner]
    )
    meter_id, other_id = uuid.uuid4().bytes, uuid.uuid4().bytes
    instruction = registry.register_meter_instruction(owner.pubkey(), meter_id, Pubkey.new_unique())
    wrong_pda = meter_address(registry.program_id, other_id)[0]
    misseeded = Instruction(
        instruction.program_id,
        instruction.data,
        [AccountMeta(wrong_pda, False, True), *instruction.accounts[1:]],
    )
    registry.expect_error(E.WRONG_PDA, [misseeded], [owner])


def test_users_cannot_appoint_themselves_operator(registry: RegistryHarness) -> None:
    wallet = registry.funded()
    registry.expect_error(
        E.INVALID_ARGUMENT, [registry.register_user_instruction(wallet.pubkey(), 3)], [wallet]
    )


def test_forged_device_signature_is_rejected_by_the_runtime(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    message = reading_message(meter.meter_id, 5_000, 0, 1)
    forged = SignedMessage(
        bytes(meter.device.pubkey()), bytes(Keypair().sign_message(message)), message
    )
    watched = [meter.token_account, registry.gxt_mint]
    before = registry.snapshot(watched)
    result = registry.send(registry.mint([(meter, forged)]))
    assert isinstance(result, FailedTransactionMetadata)
    # Instruction 0, the Ed25519 check itself, fails with PrecompileError::InvalidSignature (2).
    assert failed_custom_code(result.err()) == (0, 2)
    assert registry.snapshot(watched) == before


def test_reading_signed_by_another_key_is_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    other = sign_reading(Keypair(), meter.meter_id, 5_000, 0, 1)
    _unchanged_after(registry, meter, E.DEVICE_KEY_MISMATCH, registry.mint([(meter, other)]))


def test_reading_of_another_meter_is_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    other = sign_reading(meter.device, uuid.uuid4().bytes, 5_000, 0, 1)
    _unchanged_after(registry, meter, E.METER_ID_MISMATCH, registry.mint([(meter, other)]))


def test_ed25519_offsets_into_another_instruction_are_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    genuine = sign_reading(meter.device, meter.meter_id, 5_000, 0, 1)
    ed25519, mint = registry.mint([(meter, genuine)])
    # A second, valid Ed25519 instruction carries the reading; the first one's message offset
    # points into it (instruction index 1) instead of into its own data.
    carrier = ed25519_instruction([genuine])
    data = bytearray(ed25519.data)
    data[2 + 12 : 2 + 14] = (1).to_bytes(2, "little")
    data[2 + 8 : 2 + 10] = (2 + 14 + 32 + 64).to_bytes(2, "little")
    redirected = Instruction(ed25519.program_id, bytes(data), [])
    _unchanged_after(
        registry, meter, E.ED25519_OFFSETS_OUTSIDE_INSTRUCTION, [redirected, carrier, mint]
    )


def test_mint_without_an_ed25519_instruction_is_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    _, mint = registry.mint([(meter, sign_reading(meter.device, meter.meter_id, 5, 0, 1))])
    _unchanged_after(registry, meter, E.MISSING_ED25519_INSTRUCTION, [mint])


@pytest.mark.parametrize(
    ("export_wh", "import_wh", "timestamp_ms", "code"),
    [
        (1_000, 100, 2_000, E.REGISTER_NOT_INCREASING),  # replay: same registers
        (900, 100, 3_000, E.REGISTER_NOT_INCREASING),  # export register going back
        (1_100, 99, 3_000, E.REGISTER_NOT_INCREASING),  # import register going back
        (1_100, 100, 2_000, E.TIMESTAMP_NOT_INCREASING),  # same timestamp
        (1_100, 100, 1_500, E.TIMESTAMP_NOT_INCREASING),  # reordered: an older reading
    ],
)
def test_registers_and_time_only_move_forward(
    registry: RegistryHarness, export_wh: int, import_wh: int, timestamp_ms: int, code: E
) -> None:
    meter = registry.new_meter()
    registry.expect_ok(
        registry.mint([(meter, sign_reading(meter.device, meter.meter_id, 1_000, 100, 2_000))])
    )
    later = sign_reading(meter.device, meter.meter_id, export_wh, import_wh, timestamp_ms)
    _unchanged_after(registry, meter, code, registry.mint([(meter, later)]))
    assert registry.balance(meter.token_account) == 1_000 * WH


def test_replaying_the_same_reading_twice_in_one_transaction(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    signed = sign_reading(meter.device, meter.meter_id, 50, 0, 10)
    _unchanged_after(
        registry,
        meter,
        E.REGISTER_NOT_INCREASING,
        registry.mint([(meter, signed), (meter, signed)]),
    )


def test_minting_to_anyone_but_the_owner_is_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    thief_account = registry.token_account(registry.funded().pubkey())
    signed = sign_reading(meter.device, meter.meter_id, 5_000, 0, 1)
    before = registry.snapshot([thief_account])
    _unchanged_after(
        registry, meter, E.TOKEN_ACCOUNT_MISMATCH, registry.mint([(meter, signed)], thief_account)
    )
    assert registry.snapshot([thief_account]) == before


def test_fake_mint_and_fake_token_program_are_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    signed = sign_reading(meter.device, meter.meter_id, 5_000, 0, 1)
    ed25519, mint = registry.mint([(meter, signed)])
    fake_mint = Keypair()
    registry.expect_ok(registry.create_mint(fake_mint, registry.operator.pubkey()), [fake_mint])
    swapped = [
        AccountMeta(fake_mint.pubkey(), False, True) if i == 2 else m
        for i, m in enumerate(mint.accounts)
    ]
    _unchanged_after(
        registry,
        meter,
        E.MINT_MISMATCH,
        [ed25519, Instruction(mint.program_id, mint.data, swapped)],
    )
    fake_program = [
        AccountMeta(Pubkey.new_unique(), False, False) if i == 4 else m
        for i, m in enumerate(mint.accounts)
    ]
    _unchanged_after(
        registry,
        meter,
        E.WRONG_PROGRAM_ID,
        [ed25519, Instruction(mint.program_id, mint.data, fake_program)],
    )


def test_meter_account_not_owned_by_the_registry_is_refused(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    real = registry.meter_state(meter)
    impostor_address = Pubkey.new_unique()
    # Same bytes as the real meter, but a zero last export and owned by the System program.
    from solders.account import Account

    fake = MeterAccount(**{**real.__dict__, "last_export_wh": 0})
    registry.svm.set_account(
        impostor_address, Account(10**9, fake.encode(), Pubkey.default(), False, 0)
    )
    signed = sign_reading(meter.device, meter.meter_id, 5_000, 0, 1)
    ed25519, mint = registry.mint([(meter, signed)])
    swapped = [
        AccountMeta(impostor_address, False, True) if i == 5 else m
        for i, m in enumerate(mint.accounts)
    ]
    _unchanged_after(
        registry,
        meter,
        E.WRONG_ACCOUNT_OWNER,
        [ed25519, Instruction(mint.program_id, mint.data, swapped)],
    )
