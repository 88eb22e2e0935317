"""Errors of the Anchor-convention codecs; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class AnchorCodecError(GridTokenXError):
    """Bytes that do not decode as the expected account or instruction."""
