"""The oracle settings resolved into feeds, a policy and price account addresses."""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.config import OracleSettings
from gridtokenx.oracle.errors import OracleConfigError
from gridtokenx.oracle.feeds import (
    DEFAULT_CURRENCIES,
    RECEIVER_PROGRAM_ID,
    CurrencyFeed,
    feed_id_bytes,
    price_feed_address,
    push_feed_address,
)
from gridtokenx.oracle.quotes import PricePolicy


@dataclass(frozen=True)
class Feed:
    name: str
    """Pyth's pair name, e.g. ``USDC/USD``, ``USD/THB``, ``EUR/USD``."""
    feed_id: bytes


@dataclass(frozen=True)
class OracleConfig:
    currency: CurrencyFeed
    usdc_usd: Feed
    fx: Feed
    policy: PricePolicy

    @property
    def feeds(self) -> tuple[Feed, Feed]:
        return (self.usdc_usd, self.fx)


def fx_pair_name(currency: CurrencyFeed) -> str:
    return f"{currency.currency}/USD" if currency.inverted else f"USD/{currency.currency}"


def currency_feed(settings: OracleSettings) -> CurrencyFeed:
    code = settings.local_currency.upper()
    builtin = DEFAULT_CURRENCIES.get(code)
    if builtin is None and not settings.fx_feed_id:
        raise OracleConfigError(
            f"no built-in Pyth FX feed for {code} (built in: {', '.join(DEFAULT_CURRENCIES)}); set "
            "GRIDTOKENX_ORACLE__FX_FEED_ID, ..._FX_FEED_INVERTED and ..._LOCAL_MINOR_UNIT_DIGITS"
        )
    inverted = settings.fx_feed_inverted
    digits = settings.local_minor_unit_digits
    return CurrencyFeed(
        currency=code,
        feed_id=(settings.fx_feed_id or (builtin.feed_id if builtin else "")).removeprefix("0x"),
        inverted=inverted if inverted is not None else bool(builtin and builtin.inverted),
        minor_unit_digits=digits
        if digits is not None
        else (builtin.minor_unit_digits if builtin else 2),
    )


def oracle_config(settings: OracleSettings) -> OracleConfig:
    currency = currency_feed(settings)
    return OracleConfig(
        currency=currency,
        usdc_usd=Feed("USDC/USD", feed_id_bytes(settings.usdc_usd_feed_id)),
        fx=Feed(fx_pair_name(currency), feed_id_bytes(currency.feed_id)),
        policy=PricePolicy(
            max_age_s=settings.max_age_s,
            max_confidence_bps=settings.max_confidence_bps,
            allow_partial_verification=settings.allow_partial_verification,
        ),
    )


def local_feed_ids(settings: OracleSettings) -> list[bytes]:
    """Every feed the local node carries: USDC/USD, the built-in FX feeds and the configured one
    (so switching the local currency needs no new bootstrap)."""
    ids = [feed_id_bytes(settings.usdc_usd_feed_id)]
    ids += [feed_id_bytes(currency.feed_id) for currency in DEFAULT_CURRENCIES.values()]
    ids.append(feed_id_bytes(currency_feed(settings).feed_id))
    return list(dict.fromkeys(ids))


def price_account(
    settings: OracleSettings, feed_id: bytes, recorded: dict[str, Pubkey] | None = None
) -> Pubkey:
    """Where ``feed_id``'s PriceUpdateV2 is: an explicit setting, else the address bootstrap
    recorded (local), else the derived one (the local receiver's PDA, or Pyth's push feed)."""
    explicit = {
        key.removeprefix("0x").lower(): value for key, value in settings.price_accounts.items()
    }
    if feed_id.hex() in explicit:
        try:
            return Pubkey.from_string(explicit[feed_id.hex()])
        except ValueError as exc:
            raise OracleConfigError(
                f"price account {explicit[feed_id.hex()]!r} for feed {feed_id.hex()} is not a "
                "base58 address"
            ) from exc
    if settings.cluster == "local":
        if recorded and feed_id.hex() in recorded:
            return recorded[feed_id.hex()]
        return price_feed_address(RECEIVER_PROGRAM_ID, feed_id, settings.shard_id)
    return push_feed_address(feed_id, settings.shard_id)
