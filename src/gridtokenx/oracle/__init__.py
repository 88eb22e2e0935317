"""Reference prices from Pyth for cross-currency valuation: USDC → a local currency (THB by
default; EUR built in; others by setting).

- ``price_update``: PriceUpdateV2 accounts decoded byte for byte (both verification levels).
- ``quotes``: the checks of every read (owner = Pyth's receiver, discriminator, feed id) and
  its flags (stale by the cluster clock, low confidence, partial verification); a value is only
  reachable through ``usable()``, which raises ``PriceUnusableError`` naming every flag.
- ``valuation``: USDC base units → local minor units with integers only and explicit rounding.
- ``reader``: the RPC adapter (Clock sysvar + both accounts in one ``getMultipleAccounts``);
  it reads the local node and devnet or mainnet-beta unchanged.
- ``program``, ``local_feeds``, ``sources``, ``publisher``: the local node's stand-in for Pyth
  (``programs/pyth_local`` at the receiver's id, loaded at node start), the accounts bootstrap
  creates, and the publisher that keeps them fresh from a static walk or Pyth Hermes.

The pure modules (``price_update``, ``quotes``, ``valuation``, ``feeds``) do no I/O.
"""

from gridtokenx.oracle.errors import OracleError, PriceUnusableError
from gridtokenx.oracle.price_update import PriceUpdate, VerificationLevel, decode_price_update
from gridtokenx.oracle.quotes import FeedPrice, PriceFlags, PricePolicy, UsableQuote, UsdcQuote
from gridtokenx.oracle.valuation import Price, Rounding, usdc_to_local_minor

__all__ = [
    "FeedPrice",
    "OracleError",
    "Price",
    "PriceFlags",
    "PricePolicy",
    "PriceUnusableError",
    "PriceUpdate",
    "Rounding",
    "UsableQuote",
    "UsdcQuote",
    "VerificationLevel",
    "decode_price_update",
    "usdc_to_local_minor",
]
