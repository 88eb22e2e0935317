"""The oracle's errors; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class OracleError(GridTokenXError):
    """Reference prices could not be read, decoded, trusted or published."""


class PriceAccountError(OracleError):
    """An account is not the Pyth price update it must be."""


class PriceAccountMissingError(PriceAccountError):
    """No account at a price feed's address (the feed is not pushed on this cluster)."""


class WrongOwnerError(PriceAccountError):
    """A price account is not owned by the Pyth Solana Receiver program."""


class WrongDiscriminatorError(PriceAccountError):
    """The account's first 8 bytes are not PriceUpdateV2's discriminator."""


class MalformedPriceUpdateError(PriceAccountError):
    """The account is too short or holds an unknown verification level."""


class FeedIdMismatchError(PriceAccountError):
    """The account holds a price of another feed than the one asked for."""


class PriceUnusableError(OracleError):
    """A price was read but must not be used; ``reasons`` names every flag that was raised."""

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons


class InvalidPriceError(OracleError):
    """A valuation needs prices above zero with exponents within ±64."""


class PriceSourceError(OracleError):
    """The publisher's price source (e.g. Pyth Hermes) did not answer usable prices."""


class OracleConfigError(OracleError):
    """The oracle settings name an unknown currency, a malformed feed id or address."""
