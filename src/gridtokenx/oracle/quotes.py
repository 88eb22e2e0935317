"""Trusting a price: the checks every read makes and the flags it returns (pure, no I/O).

``check_price_account`` turns an account into a :class:`PriceUpdate` or a typed error (wrong
owner, wrong discriminator, malformed bytes, another feed). ``assess`` then compares it with the
cluster's clock and the :class:`PricePolicy`:

- **stale**: ``cluster_time - publish_time > max_age_s``;
- **low confidence**: ``conf / price > max_confidence_bps / 10 000`` (a price ≤ 0 has no usable
  ratio and is flagged too);
- **partial verification**: fewer guardian signatures than a full quorum were checked
  (accepted only when the policy allows it).

A flagged price is never used silently: the only way to a number is ``usable()``, which raises
:class:`PriceUnusableError` naming the feed and every reason; valuations accept only what
``usable()`` returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import FeedIdMismatchError, PriceUnusableError, WrongOwnerError
from gridtokenx.oracle.feeds import CurrencyFeed
from gridtokenx.oracle.price_update import PriceUpdate, decode_price_update
from gridtokenx.oracle.valuation import Price, Rounding, usdc_to_local_minor

BPS = 10_000


@dataclass(frozen=True)
class PricePolicy:
    max_age_s: int
    """Older prices (by the cluster's clock) are stale."""
    max_confidence_bps: int
    """Wider confidence intervals (conf / price, in basis points) are low confidence."""
    allow_partial_verification: bool = False


@dataclass(frozen=True)
class PriceFlags:
    stale: bool
    low_confidence: bool
    partial_verification: bool

    @property
    def raised(self) -> tuple[str, ...]:
        names = ("stale", "low_confidence", "partial_verification")
        return tuple(name for name in names if getattr(self, name))


def check_price_account(
    owner: Pubkey, data: bytes, *, receiver: Pubkey, feed_id: bytes, address: Pubkey
) -> PriceUpdate:
    """The account's price update, if it is a receiver-owned PriceUpdateV2 of ``feed_id``."""
    if owner != receiver:
        raise WrongOwnerError(
            f"{address} is owned by {owner}, not the Pyth receiver {receiver}: anyone can write "
            "a look-alike account, so it is refused"
        )
    update = decode_price_update(data)
    if update.feed_id != feed_id:
        raise FeedIdMismatchError(
            f"{address} holds feed {update.feed_id.hex()}, not {feed_id.hex()}; check the price "
            "account addresses in the oracle settings"
        )
    return update


def assess_flags(update: PriceUpdate, cluster_time: int, policy: PricePolicy) -> PriceFlags:
    age_s = cluster_time - update.publish_time
    if update.price <= 0:
        low_confidence = True
    else:
        low_confidence = update.conf * BPS > policy.max_confidence_bps * update.price
    return PriceFlags(
        stale=age_s > policy.max_age_s,
        low_confidence=low_confidence,
        partial_verification=not update.verification.full and not policy.allow_partial_verification,
    )


@dataclass(frozen=True)
class FeedPrice:
    """One feed's price as read, with its flags; ``usable()`` is the way to its value."""

    name: str
    address: Pubkey
    update: PriceUpdate
    cluster_time: int
    flags: PriceFlags

    @property
    def age_s(self) -> int:
        return self.cluster_time - self.update.publish_time

    def reasons(self) -> tuple[str, ...]:
        """Human-readable reasons, one per raised flag."""
        update = self.update
        found = []
        if self.flags.stale:
            found.append(f"stale: published {self.age_s} s before the cluster clock")
        if self.flags.low_confidence:
            found.append(f"low confidence: ±{update.conf} on {update.price} (10^{update.exponent})")
        if self.flags.partial_verification:
            found.append(f"partially verified: {update.verification}")
        return tuple(found)

    def usable(self) -> Price:
        """The price, or PriceUnusableError naming every raised flag."""
        if self.flags.raised:
            raise PriceUnusableError(
                f"{self.name} at {self.address} is not usable: {'; '.join(self.reasons())}",
                self.flags.raised,
            )
        return Price(self.update.price, self.update.exponent)


def assess(
    name: str, address: Pubkey, update: PriceUpdate, cluster_time: int, policy: PricePolicy
) -> FeedPrice:
    return FeedPrice(
        name, address, update, cluster_time, assess_flags(update, cluster_time, policy)
    )


@dataclass(frozen=True)
class UsableQuote:
    """Both prices of a conversion, checked: only ``UsdcQuote.usable()`` makes one."""

    currency: CurrencyFeed
    usdc_usd: Price
    fx: Price

    def to_local_minor(self, usdc_base_units: int, rounding: Rounding) -> int:
        return usdc_to_local_minor(
            usdc_base_units,
            self.usdc_usd,
            self.fx,
            inverted=self.currency.inverted,
            minor_unit_digits=self.currency.minor_unit_digits,
            rounding=rounding,
        )


@dataclass(frozen=True)
class UsdcQuote:
    """USDC → ``currency``: the USDC/USD and FX feeds as read, each with its flags."""

    currency: CurrencyFeed
    usdc_usd: FeedPrice
    fx: FeedPrice

    @property
    def feeds(self) -> tuple[FeedPrice, FeedPrice]:
        return (self.usdc_usd, self.fx)

    def usable(self) -> UsableQuote:
        """Both prices, or PriceUnusableError naming each flagged feed and why."""
        flagged = [feed for feed in self.feeds if feed.flags.raised]
        if flagged:
            raise PriceUnusableError(
                f"USDC→{self.currency.currency} is not usable: "
                + " | ".join(f"{feed.name}: {'; '.join(feed.reasons())}" for feed in flagged),
                tuple(sorted({flag for feed in flagged for flag in feed.flags.raised})),
            )
        return UsableQuote(self.currency, self.usdc_usd.usable(), self.fx.usable())
