"""Pyth's program ids, the feed ids the platform values USDC with, and push-feed addresses.

Facts and where they come from (pyth-network/pyth-crosschain at 7c915eb, read 2026-11-23):

- ``rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ`` is the Pyth Solana Receiver
  (``declare_id!`` in ``target_chains/solana/pyth_solana_receiver_sdk/src/lib.rs``), the owner of
  every PriceUpdateV2 account, on mainnet-beta and devnet alike.
- ``pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT`` is the push oracle (``PYTH_PUSH_ORACLE_ID``,
  same file). Its sponsored feeds live at the PDA ``[shard_id as u16 LE, feed_id]`` of the push
  oracle (``get_price_feed_address`` in ``programs/pyth-push-oracle/src/sdk.rs``), owned by the
  receiver, whose write authority is that PDA itself. The address depends on nothing but the
  program id, so it is the same on every cluster; ``Dpw1EAVrSB1ibxiDQyTAW6Zip3J4Btk2x4SgApQCeFbX``
  (USDC/USD, shard 0) matches the address Pyth's docs list for Solana mainnet
  (``apps/developer-hub/.../push-feeds/data/svm/solana-mainnet.json``). Whether a feed is
  actually pushed on devnet is Pyth's decision: a missing account is reported, not assumed.
- Feed ids: ``Crypto.USDC/USD`` and ``FX.EUR/USD`` appear in the same docs file and in many
  integrations; ``FX.USD/THB`` = ``ab1bdad3…9394`` comes from two independent third-party
  integrations in the stored code index (not confirmed against Hermes' feed list, which this
  machine cannot reach). Every id is a setting, so a correction needs no code change.

FX quotes come as Pyth names them: ``USD/THB`` is baht per dollar, ``EUR/USD`` dollars per euro,
so a currency records whether its feed must be inverted to read "local units per USD".
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import OracleConfigError

RECEIVER_PROGRAM_ID = Pubkey.from_string("rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ")
PUSH_ORACLE_PROGRAM_ID = Pubkey.from_string("pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT")
DEFAULT_SHARD_ID = 0

USDC_USD_FEED_ID = "eaa020c61cc479712813461ce153894a96a6c00b21ed0cfc2798d1f9a9e9c94a"
USD_THB_FEED_ID = "ab1bdad3d2984801e48480cca22df5d709fdfd2149246c9aef6e06a17a0a9394"
EUR_USD_FEED_ID = "a995d00bb36a63cef7fd2c287dc105fc8f3d93779f062f09551b0af3e81ec30b"
FEED_ID_BYTES = 32


@dataclass(frozen=True)
class CurrencyFeed:
    """How to read one local currency against USD from a Pyth FX feed."""

    currency: str
    feed_id: str
    """Hex, 64 characters, no ``0x``."""
    inverted: bool
    """True when the feed quotes USD per local unit (``EUR/USD``), false for local units per USD
    (``USD/THB``)."""
    minor_unit_digits: int
    """Decimal places of the currency's minor unit (satang, cents: 2)."""


DEFAULT_CURRENCIES: dict[str, CurrencyFeed] = {
    "THB": CurrencyFeed("THB", USD_THB_FEED_ID, inverted=False, minor_unit_digits=2),
    "EUR": CurrencyFeed("EUR", EUR_USD_FEED_ID, inverted=True, minor_unit_digits=2),
}


def feed_id_bytes(feed_id: str) -> bytes:
    """The 32 bytes of a hex feed id (an optional ``0x`` prefix is accepted)."""
    text = feed_id.removeprefix("0x")
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise OracleConfigError(f"feed id {feed_id!r} is not hex") from exc
    if len(raw) != FEED_ID_BYTES:
        raise OracleConfigError(f"feed id {feed_id!r} is {len(raw)} bytes, not {FEED_ID_BYTES}")
    return raw


def price_feed_address(
    program_id: Pubkey, feed_id: bytes, shard_id: int = DEFAULT_SHARD_ID
) -> Pubkey:
    """The PDA ``[shard_id u16 LE, feed_id]`` of ``program_id``: the push oracle's on public
    clusters, the local receiver's on the local node (same seeds, another program)."""
    address, _ = Pubkey.find_program_address([shard_id.to_bytes(2, "little"), feed_id], program_id)
    return address


def push_feed_address(feed_id: bytes, shard_id: int = DEFAULT_SHARD_ID) -> Pubkey:
    """Where Pyth's push oracle keeps the feed on mainnet-beta and devnet."""
    return price_feed_address(PUSH_ORACLE_PROGRAM_ID, feed_id, shard_id)
