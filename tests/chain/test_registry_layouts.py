"""The Registry's accounts have the sizes and field offsets docs/onchain.md gives."""

from __future__ import annotations

from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterAccount, RegistryConfig, UserAccount


def test_account_sizes_match_the_contract() -> None:
    assert RegistryConfig.size() == 80
    assert UserAccount.size() == 56
    assert MeterAccount.size() == 136


def test_meter_fields_sit_at_their_documented_offsets() -> None:
    owner, device = Pubkey.new_unique(), Pubkey.new_unique()
    meter = MeterAccount(
        meter_id=bytes(range(16)),
        owner=owner,
        device_pubkey=device,
        last_export_wh=1,
        last_import_wh=2,
        last_timestamp_ms=3,
        minted_wh=4,
        zone=5,
        kind=6,
        status=7,
        bump=8,
    )
    data = meter.encode()
    assert data[8:24] == bytes(range(16))
    assert data[24:56] == bytes(owner)
    assert data[56:88] == bytes(device)
    assert [int.from_bytes(data[o : o + 8], "little") for o in (88, 96, 104, 112)] == [1, 2, 3, 4]
    assert int.from_bytes(data[120:124], "little") == 5
    assert list(data[124:127]) == [6, 7, 8]
