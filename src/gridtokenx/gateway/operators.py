"""The set of operator wallets: configured addresses plus, optionally, the chain's operator."""

from __future__ import annotations

import logging

from gridtokenx.chain.addresses import AddressesFileError, load_addresses
from gridtokenx.config import Settings
from gridtokenx.gateway.errors import GatewayConfigError
from gridtokenx.gateway.siws import is_valid_address

_log = logging.getLogger(__name__)


def operator_wallets(settings: Settings) -> frozenset[str]:
    configured = settings.gateway.operator_wallets
    invalid = [address for address in configured if not is_valid_address(address)]
    if invalid:
        raise GatewayConfigError(
            f"GRIDTOKENX_GATEWAY__OPERATOR_WALLETS has addresses that are not base58 Ed25519 "
            f"keys: {invalid}"
        )
    wallets = set(configured)
    if settings.gateway.operators_from_chain:
        try:
            wallets.add(str(load_addresses(settings.chain_addresses_file).operator))
        except AddressesFileError as exc:
            _log.warning("no chain operator among the gateway's operators: %s", exc)
    return frozenset(wallets)
