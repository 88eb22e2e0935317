"""Bootstrapping a cluster for the platform: both programs, the GXT mint, the Registry and the
Trading market, then the addresses file every service reads.

Each step first looks at the chain and only acts when its result is missing, so running it on a
bootstrapped chain verifies and reprints. Against the local node everything it needs comes from
the state directory (keypair files, a local USDC-like mint and its faucet); any other cluster
needs a funded ``--keypair``, the quote mint (devnet's USDC) and program keypairs of its own.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import ChainAddresses, save_addresses
from gridtokenx.chain.anchor.errors import AnchorCodecError
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.program_errors import program_decoders
from gridtokenx.chain.client.rpc import AccountInfo
from gridtokenx.chain.deploy.loader_v3 import (
    LOADER_V3_ID,
    PROGRAMDATA_METADATA_LEN,
    programdata_address,
)
from gridtokenx.chain.deploy.rpc import deploy_program_over_rpc, upgrade_program_over_rpc
from gridtokenx.chain.keys import (
    FAUCET_KEY,
    MATCHER_KEY,
    OPERATOR_KEY,
    QUOTE_MINT_KEY,
    local_keypair,
    read_keypair,
)
from gridtokenx.chain.local_node import is_local_node
from gridtokenx.chain.node.genesis_programs import CHECKOUT_PROGRAM_DIR
from gridtokenx.chain.program_ids import REGISTRY, TRADING, local_program_keypair
from gridtokenx.chain.registry.accounts import RegistryConfig
from gridtokenx.chain.registry.instructions import Initialize
from gridtokenx.chain.registry.pda import config_address, mint_authority_address
from gridtokenx.chain.spl_token import (
    MINT_SIZE,
    TOKEN_PROGRAM_ID,
    associated_token_address,
    create_associated_token_account_idempotent,
    create_mint_instructions,
    parse_mint,
)
from gridtokenx.chain.trading.accounts import Market
from gridtokenx.chain.trading.builders import MarketKeys, initialize_market_instruction
from gridtokenx.config import Settings
from gridtokenx.errors import GridTokenXError
from gridtokenx.oracle.config import local_feed_ids
from gridtokenx.oracle.local_feeds import LocalReceiverMissingError, ensure_local_price_feeds

LAMPORTS_PER_SOL = 1_000_000_000
TOKEN_DECIMALS = 6
LOCAL_TOP_UP_BELOW_LAMPORTS = 10 * LAMPORTS_PER_SOL
LOCAL_AIRDROP_LAMPORTS = 100 * LAMPORTS_PER_SOL
MIN_DEPLOYER_LAMPORTS = 3 * LAMPORTS_PER_SOL
"""Enough for both programs' rent (with upgrade room), their buffers and the accounts."""
UPGRADE_ROOM = 2
"""Programs get twice their size as max_data_len so that later builds can be upgraded into."""
_SLOT_OFFSET = 4
"""Where ProgramData's slot of the last deployment starts (after the tag)."""
_SLOT_POLL_S = 0.1
_AUTHORITY_OFFSET = _SLOT_OFFSET + 8
"""Where ProgramData's ``Option<Pubkey>`` upgrade authority starts (after the tag and slot)."""
AccountT = TypeVar("AccountT", RegistryConfig, Market)


class BootstrapError(GridTokenXError):
    """The cluster cannot be bootstrapped, or holds a bootstrap this keypair cannot operate."""


class ProgramNotBuiltError(BootstrapError):
    """A program to deploy has no ``.so`` in the program folder (``make programs`` builds it)."""


@dataclass(frozen=True)
class BootstrapOptions:
    """What ``gridtokenx chain bootstrap`` takes; every None falls back to settings or, on the
    local node, to the state directory's keypair files."""

    rpc_url: str | None = None
    ws_url: str | None = None
    keypair_file: Path | None = None
    matcher_keypair_file: Path | None = None
    registry_program_keypair_file: Path | None = None
    trading_program_keypair_file: Path | None = None
    quote_mint: Pubkey | None = None
    fee_bps: int | None = None
    addresses_file: Path | None = None
    upgrade_programs: bool = False
    """Upgrade a deployed program whose bytes differ from the build (always on the local node;
    elsewhere only when asked: it changes the code everyone on that cluster runs)."""


@dataclass
class BootstrapReport:
    addresses: ChainAddresses
    addresses_file: Path
    actions: list[str] = field(default_factory=list)
    """What this run changed on chain (empty: the chain was bootstrapped and verified)."""
    warnings: list[str] = field(default_factory=list)


def program_dir(settings: Settings) -> Path:
    return settings.chain.program_dir or CHECKOUT_PROGRAM_DIR


async def run_bootstrap(settings: Settings, options: BootstrapOptions) -> BootstrapReport:
    """Bootstrap (or verify) the cluster at ``options.rpc_url`` or the settings' cluster."""
    ws_url = options.ws_url
    if ws_url is None and options.rpc_url is not None:
        ws_url = pubsub_url_of(options.rpc_url)
    chain = settings.chain.model_copy(
        update={
            key: value
            for key, value in (("cluster_rpc_url", options.rpc_url), ("cluster_ws_url", ws_url))
            if value is not None
        }
    )
    async with ChainClient.from_settings(chain) as client:
        local = await is_local_node(client.rpc, settings.chain_state_dir)
        signers = _signers(settings, options, local, client.rpc.url)
        registry, trading = signers.registry_program.pubkey(), signers.trading_program.pubkey()
        client.add_decoders(program_decoders(registry, trading))
        steps = _Bootstrap(
            client, signers.operator, program_dir(settings), local or options.upgrade_programs
        )
        if signers.faucet is not None:
            await steps.fund_locally(signers.operator.pubkey())
            await steps.fund_locally(signers.faucet.pubkey())
        else:
            await steps.check_funded(signers.operator.pubkey())
        await steps.ensure_program(signers.registry_program, "registry")
        await steps.ensure_program(signers.trading_program, "trading")
        config, gxt_mint = await steps.ensure_registry(registry)
        faucet = None
        if options.quote_mint is not None:
            quote_mint = options.quote_mint
            await steps.check_mint(quote_mint, "the quote mint", mint_authority=None)
        else:
            # Only the local node gets here (elsewhere _signers demands --quote-mint).
            assert signers.faucet is not None
            faucet = signers.faucet.pubkey()
            quote_mint = await steps.ensure_local_quote_mint(
                local_keypair(settings.chain_keys_dir, QUOTE_MINT_KEY), faucet
            )
        fee_bps = settings.chain.market_fee_bps if options.fee_bps is None else options.fee_bps
        keys, market = await steps.ensure_market(
            trading, gxt_mint, quote_mint, signers.matcher.pubkey(), fee_bps
        )
        price_feeds = await steps.ensure_local_price_feeds(settings) if local else {}
        addresses = ChainAddresses(
            rpc_url=client.rpc.url,
            genesis_hash=str(await client.rpc.get_genesis_hash()),
            local=local,
            registry_program=registry,
            trading_program=trading,
            registry_config=config,
            mint_authority=mint_authority_address(registry)[0],
            gxt_mint=gxt_mint,
            quote_mint=quote_mint,
            market=keys.market,
            energy_vault=keys.energy_vault,
            quote_vault=keys.quote_vault,
            fee_vault=keys.fee_vault,
            operator=signers.operator.pubkey(),
            matcher=market.matcher,
            fee_bps=market.fee_bps,
            faucet=faucet,
            price_feeds=price_feeds,
        )
    path = options.addresses_file or settings.chain_addresses_file
    save_addresses(path, addresses)
    return BootstrapReport(addresses, path, steps.actions, steps.warnings)


@dataclass(frozen=True)
class _Signers:
    operator: Keypair
    matcher: Keypair
    registry_program: Keypair
    trading_program: Keypair
    faucet: Keypair | None
    """The local USDC mint's authority; None on other clusters."""


def _signers(settings: Settings, options: BootstrapOptions, local: bool, url: str) -> _Signers:
    """The keypairs from the options; on the local node missing ones come from the state
    directory (created on first use), elsewhere they must be given."""
    keys_dir = settings.chain_keys_dir
    registry_file = options.registry_program_keypair_file
    trading_file = options.trading_program_keypair_file
    if not local:
        if options.keypair_file is None or options.quote_mint is None:
            raise BootstrapError(
                f"{url} is not the local node: pass a funded --keypair and the cluster's quote "
                "mint (--quote-mint, e.g. devnet USDC 4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU)"
            )
        if registry_file is None or trading_file is None:
            raise BootstrapError(
                "on a public cluster deploy with program keypairs of your own "
                "(--registry-program-keypair, --trading-program-keypair): the local ones "
                "are derived from a public seed, so anyone could take their addresses"
            )
    return _Signers(
        operator=_keypair_or_local(options.keypair_file, keys_dir, OPERATOR_KEY),
        matcher=_keypair_or_local(options.matcher_keypair_file, keys_dir, MATCHER_KEY),
        registry_program=_program_keypair(registry_file, REGISTRY),
        trading_program=_program_keypair(trading_file, TRADING),
        faucet=local_keypair(keys_dir, FAUCET_KEY) if local else None,
    )


def pubsub_url_of(rpc_url: str) -> str:
    """The PubSub URL of a JSON-RPC URL as the Solana CLI guesses it: ws(s), port + 1."""
    parts = urlsplit(rpc_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    netloc = parts.netloc
    if parts.port is not None:
        host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        netloc = f"{host}:{parts.port + 1}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def _keypair_or_local(path: Path | None, keys_dir: Path, name: str) -> Keypair:
    return read_keypair(path) if path is not None else local_keypair(keys_dir, name)


def _program_keypair(path: Path | None, name: str) -> Keypair:
    return read_keypair(path) if path is not None else local_program_keypair(name)


class _Bootstrap:
    """The steps, each idempotent; ``actions`` and ``warnings`` collect what happened."""

    def __init__(
        self, client: ChainClient, operator: Keypair, programs: Path, upgrade_programs: bool
    ) -> None:
        self.client = client
        self.rpc = client.rpc
        self.operator = operator
        self.programs = programs
        self.upgrade_programs = upgrade_programs
        self.actions: list[str] = []
        self.warnings: list[str] = []

    async def fund_locally(self, wallet: Pubkey) -> None:
        if await self.rpc.get_balance(wallet) >= LOCAL_TOP_UP_BELOW_LAMPORTS:
            return
        signature = await self.rpc.request_airdrop(wallet, LOCAL_AIRDROP_LAMPORTS)
        await self.client.confirm_signature(signature)
        sol = LOCAL_AIRDROP_LAMPORTS // LAMPORTS_PER_SOL
        self.actions.append(f"airdropped {sol} SOL to {wallet}")

    async def check_funded(self, wallet: Pubkey) -> None:
        balance = await self.rpc.get_balance(wallet)
        if balance < MIN_DEPLOYER_LAMPORTS:
            raise BootstrapError(
                f"{wallet} holds {balance / LAMPORTS_PER_SOL:.3f} SOL; bootstrap needs at least "
                f"{MIN_DEPLOYER_LAMPORTS // LAMPORTS_PER_SOL} SOL (devnet: `solana airdrop 2 "
                f"{wallet} -u devnet`, twice)"
            )

    def _program_bytes(self, name: str) -> bytes | None:
        path = self.programs / f"{name}.so"
        return path.read_bytes() if path.exists() else None

    async def ensure_program(self, program: Keypair, name: str) -> None:
        program_id = program.pubkey()
        account = await self.rpc.get_account_info(program_id)
        program_bytes = self._program_bytes(name)
        if account is None:
            if program_bytes is None:
                raise ProgramNotBuiltError(
                    f"{self.programs / (name + '.so')} does not exist; build the programs with "
                    "`make programs` (or set GRIDTOKENX_CHAIN__PROGRAM_DIR)"
                )
            await deploy_program_over_rpc(
                self.client,
                self.operator,
                program,
                program_bytes,
                max_data_len=UPGRADE_ROOM * len(program_bytes),
            )
            self.actions.append(f"deployed the {name} program at {program_id}")
            return
        if not account.executable or account.owner != LOADER_V3_ID:
            raise BootstrapError(
                f"{program_id} ({name}) exists but is not a program of the upgradeable loader "
                f"(owner {account.owner}, executable {account.executable}); use another "
                f"--{name}-program-keypair"
            )
        programdata = await self.rpc.get_account_info(programdata_address(program_id))
        if program_bytes is None or _holds_program(programdata, program_bytes):
            return
        build = self.programs / (name + ".so")
        if programdata is None:
            refusal: str | None = "its ProgramData account is missing"
        else:
            refusal = _upgrade_refusal(programdata, self.operator.pubkey(), len(program_bytes))
        if programdata is None or refusal is not None or not self.upgrade_programs:
            why = refusal or "pass --upgrade-programs to upgrade it on this cluster"
            self.warnings.append(
                f"the deployed {name} program differs from {build} and was kept: {why}"
            )
            return
        (deployed_slot,) = struct.unpack_from("<Q", programdata.data, _SLOT_OFFSET)
        # The loader refuses a second deployment of a program within one slot.
        while await self.rpc.get_slot() <= deployed_slot:
            await asyncio.sleep(_SLOT_POLL_S)
        await upgrade_program_over_rpc(self.client, self.operator, program_id, program_bytes)
        self.actions.append(f"upgraded the {name} program at {program_id} to {build}")

    async def check_mint(
        self, mint: Pubkey, what: str, *, mint_authority: Pubkey | None
    ) -> AccountInfo:
        account = await self.rpc.get_account_info(mint)
        parsed = None if account is None else parse_mint(account.data)
        if account is None or account.owner != TOKEN_PROGRAM_ID or parsed is None:
            raise BootstrapError(f"{what} {mint} is not an SPL Token mint on this cluster")
        if parsed.decimals != TOKEN_DECIMALS:
            raise BootstrapError(
                f"{what} {mint} has {parsed.decimals} decimals; the platform needs {TOKEN_DECIMALS}"
            )
        if mint_authority is not None and (
            parsed.mint_authority != mint_authority or parsed.freeze_authority is not None
        ):
            raise BootstrapError(
                f"{what} {mint} has mint authority {parsed.mint_authority} and freeze "
                f"authority {parsed.freeze_authority}; expected {mint_authority} and none"
            )
        return account

    async def ensure_registry(self, registry: Pubkey) -> tuple[Pubkey, Pubkey]:
        """The Registry's config address and its GXT mint, creating both if needed."""
        config, _ = config_address(registry)
        mint_authority, _ = mint_authority_address(registry)
        account = await self.rpc.get_account_info(config)
        if account is not None:
            state = _decode(RegistryConfig, account, registry, "the registry config")
            if state.authority != self.operator.pubkey():
                raise BootstrapError(
                    f"the registry at {registry} is operated by {state.authority}, not by "
                    f"{self.operator.pubkey()}; bootstrap with that operator's --keypair"
                )
            await self.check_mint(state.gxt_mint, "the GXT mint", mint_authority=mint_authority)
            return config, state.gxt_mint
        gxt_mint = Keypair()
        rent = await self.rpc.get_minimum_balance_for_rent_exemption(MINT_SIZE)
        operator = self.operator.pubkey()
        initialize = Initialize().instruction(
            registry,
            {
                "config": config,
                "authority": operator,
                "gxt_mint": gxt_mint.pubkey(),
                "mint_authority": mint_authority,
            },
        )
        # One transaction: a GXT mint never exists without the registry that mints it.
        await self.client.send_and_confirm(
            [
                *create_mint_instructions(
                    operator, gxt_mint.pubkey(), rent, TOKEN_DECIMALS, mint_authority
                ),
                initialize,
            ],
            [gxt_mint],
            self.operator,
        )
        self.actions.append(
            f"created the GXT mint {gxt_mint.pubkey()} and initialized the registry"
        )
        return config, gxt_mint.pubkey()

    async def ensure_local_quote_mint(self, mint: Keypair, faucet: Pubkey) -> Pubkey:
        if await self.rpc.get_account_info(mint.pubkey()) is None:
            rent = await self.rpc.get_minimum_balance_for_rent_exemption(MINT_SIZE)
            await self.client.send_and_confirm(
                create_mint_instructions(
                    self.operator.pubkey(), mint.pubkey(), rent, TOKEN_DECIMALS, faucet
                ),
                [mint],
                self.operator,
            )
            self.actions.append(f"created the local USDC mint {mint.pubkey()}")
        await self.check_mint(mint.pubkey(), "the local USDC mint", mint_authority=faucet)
        return mint.pubkey()

    async def ensure_market(
        self,
        trading: Pubkey,
        gxt_mint: Pubkey,
        quote_mint: Pubkey,
        matcher: Pubkey,
        fee_bps: int,
    ) -> tuple[MarketKeys, Market]:
        operator = self.operator.pubkey()
        fee_vault = associated_token_address(operator, quote_mint)
        keys = MarketKeys.derive(trading, gxt_mint, quote_mint, fee_vault)
        account = await self.rpc.get_account_info(keys.market)
        if account is None:
            await self.client.send_and_confirm(
                [
                    create_associated_token_account_idempotent(operator, operator, quote_mint),
                    initialize_market_instruction(keys, operator, matcher, fee_bps),
                ],
                [],
                self.operator,
            )
            self.actions.append(f"initialized the market {keys.market} ({fee_bps} bps)")
            account = await self.rpc.get_account_info(keys.market)
            assert account is not None, "a confirmed initialize_market created the market"
        market = _decode(Market, account, trading, "the market")
        if market.operator != operator or market.matcher != matcher:
            raise BootstrapError(
                f"the market {keys.market} is operated by {market.operator} with matcher "
                f"{market.matcher}, not {operator} and {matcher}; markets are first come, first "
                "served, so use those keypairs (--keypair, --matcher-keypair)"
            )
        return MarketKeys.from_account(trading, keys.market, market), market

    async def ensure_local_price_feeds(self, settings: Settings) -> dict[str, Pubkey]:
        """The local Pyth price accounts (gridtokenx.oracle), written by the operator; none,
        with a warning, when the node was started without the local receiver program."""
        try:
            addresses, actions = await ensure_local_price_feeds(
                self.client,
                self.operator,
                local_feed_ids(settings.oracle),
                settings.oracle.shard_id,
            )
        except LocalReceiverMissingError as exc:
            self.warnings.append(f"no local Pyth prices: {exc}")
            return {}
        self.actions += actions
        return {feed_id.hex(): address for feed_id, address in addresses.items()}


def _upgrade_refusal(programdata: AccountInfo, operator: Pubkey, program_len: int) -> str | None:
    """Why the operator cannot upgrade the program to ``program_len`` bytes (None: it can)."""
    data = programdata.data
    authority = data[_AUTHORITY_OFFSET + 1 : _AUTHORITY_OFFSET + 33]
    if data[_AUTHORITY_OFFSET] != 1 or authority != bytes(operator):
        return f"its upgrade authority is not the operator {operator}"
    room = len(data) - PROGRAMDATA_METADATA_LEN
    if program_len > room:
        return (
            f"the build is {program_len} bytes and its ProgramData holds {room}; reset the "
            "local chain (stop chain-node, move its state directory away, `gridtokenx stack up`)"
        )
    return None


def _holds_program(programdata: AccountInfo | None, program_bytes: bytes) -> bool:
    if programdata is None:
        return False
    deployed = programdata.data[PROGRAMDATA_METADATA_LEN:]
    end = len(program_bytes)
    return deployed[:end] == program_bytes and not any(deployed[end:])


def _decode(kind: type[AccountT], account: AccountInfo, program: Pubkey, what: str) -> AccountT:
    try:
        if account.owner != program:
            raise AnchorCodecError(f"owned by {account.owner}, not {program}")
        return kind.decode(account.data)
    except AnchorCodecError as exc:
        raise BootstrapError(
            f"{what} is not what bootstrap would create ({exc}); the cluster holds another "
            "deployment at these addresses"
        ) from exc
