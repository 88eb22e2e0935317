"""The agents against a real private node (bootstrapped as the stack bootstraps it), the real
Trading program, real minting and a scratch PostgreSQL: orders land with exact escrow, stale
ones are cancelled, proceeds are claimed, and failures are counted without stopping anyone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from solders.keypair import Keypair

from gridtokenx.agents.app import run_agents
from gridtokenx.agents.errors import AgentsError
from gridtokenx.agents.funding import LocalFunding
from gridtokenx.agents.roster import Agent
from gridtokenx.agents.service import AgentRunner, strategy_params, wall_clock_ms
from gridtokenx.agents.strategy import AgentRole
from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.faucet import LocalFaucet
from gridtokenx.chain.keys import MATCHER_KEY, read_keypair
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderFill, settle_instruction
from gridtokenx.config import AgentsSettings, Settings
from gridtokenx.core.money import escrow_for_bid, payment_for_fill, split_fee
from tests.agents.rig import AgentsRig, agents_rig

pytestmark = pytest.mark.integration

KWH = 1_000_000
SOL = 1_000_000_000
USDC = 1_000_000
HOUR_MS = 3_600_000


def _settings(base: Settings, **agents: object) -> Settings:
    options = AgentsSettings.model_validate({"concurrency": 4, **agents})
    return base.model_copy(update={"agents": options})


def _run(
    settings: Settings, seed: int, count: int, body: Callable[[AgentsRig], Awaitable[None]]
) -> None:
    async def scenario() -> None:
        async with agents_rig(settings, seed, count) as rig:
            await body(rig)

    asyncio.run(scenario())


def _runner(
    rig: AgentsRig, settings: Settings, *, shift_ms: int = 0, funded: bool = False
) -> AgentRunner:
    """A runner whose clock is ``shift_ms`` ahead of the wall clock, with the local faucet
    when ``funded``."""
    options = settings.agents
    funding = None
    if funded:
        faucet = LocalFaucet.from_settings(settings, rig.mint.client)
        funding = LocalFunding(faucet, options.sol_top_up_lamports, options.usdc_top_up_base_units)
    return AgentRunner(
        rig.chain,
        strategy_params(options),
        seed=options.seed,
        concurrency=options.concurrency,
        deficit_window_intervals=options.deficit_window_intervals,
        imports=rig.imports,
        funding=funding,
        clock_ms=lambda: wall_clock_ms() + shift_ms,
    )


def test_agents_place_orders_with_exact_escrow_and_replace_stale_ones(
    agents_base_settings: Settings,
) -> None:
    settings = _settings(agents_base_settings)
    options = settings.agents

    async def body(rig: AgentsRig) -> None:
        sellers, buyers = rig.prosumers, rig.consumers
        assert len(sellers) >= 3
        assert len(buyers) >= 3
        # 0.8 kWh is under the 1 kWh reserve: that prosumer keeps it all.
        exports_wh = dict(zip(sellers, [3_500, 2_250, 800], strict=False))
        imports_wh = dict(zip(buyers, [1_500, 40, 0], strict=False))
        await rig.mint_exports(exports_wh)
        rig.record_imports(imports_wh)
        vaults_before = await rig.vaults()

        # The roster is the stored scenario's fleet, as in the running stack.
        report = await run_agents(settings, cycles=1)

        assert report.agents == len(rig.agents)
        assert report.failures == {}
        assert report.funded == len(rig.agents), "every new owner needed SOL"
        assert report.placed == {"sell": 2, "buy": 2}
        assert report.cancelled == report.claimed == 0
        locked_gxt = locked_usdc = 0
        placed = {}
        for seller, export_wh in exports_wh.items():
            orders = await rig.orders(seller)
            holdings = await rig.holdings(seller)
            minted = export_wh * 1_000
            if minted < options.reserve_gxt_base_units + options.min_order_gxt_base_units:
                assert orders == []
                assert holdings.gxt == minted
                continue
            assert holdings.usdc == 0, "its first order created its USDC account for payouts"
            [order] = orders
            assert order.side == OrderSide.SELL
            assert order.quantity == minted - options.reserve_gxt_base_units
            assert order.escrow == order.quantity
            assert order.price >= options.reserve_price_per_kwh
            assert holdings.gxt == options.reserve_gxt_base_units
            locked_gxt += order.escrow
            placed[seller] = order
        for buyer, import_wh in imports_wh.items():
            orders = await rig.orders(buyer)
            holdings = await rig.holdings(buyer)
            if import_wh * 1_000 < options.min_order_gxt_base_units:
                assert orders == []
                assert holdings.usdc == options.usdc_top_up_base_units
                continue
            [order] = orders
            assert order.side == OrderSide.BUY
            assert order.quantity == import_wh * 1_000
            assert order.price <= options.price_cap_per_kwh
            assert order.escrow == escrow_for_bid(order.price, order.quantity)
            assert holdings.usdc == options.usdc_top_up_base_units - order.escrow
            locked_usdc += order.escrow
            placed[buyer] = order
        energy_vault, quote_vault = await rig.vaults()
        assert (energy_vault, quote_vault) == (
            vaults_before[0] + locked_gxt,
            vaults_before[1] + locked_usdc,
        )

        # Nothing new to offer or bid for while the orders are fresh.
        again = await _runner(rig, settings).cycle(rig.agents)
        assert again.placed == {}
        assert again.failures == {}
        assert again.cancelled == 0

        # An hour later every order is stale: cancelled, escrow back in the wallets, and the
        # buyers, whose deficit is uncovered again, bid anew under new ids.
        later = await _runner(rig, settings, shift_ms=HOUR_MS).cycle(rig.agents)
        assert later.cancelled == len(placed)
        assert later.failures == {}
        assert later.placed == {"buy": 2}
        new_escrow = 0
        for agent, order in placed.items():
            assert await rig.closed(agent, order.order_id)
            holdings = await rig.holdings(agent)
            if agent.role is AgentRole.PROSUMER:
                assert holdings.gxt == order.quantity + options.reserve_gxt_base_units
                assert await rig.orders(agent) == []
            else:
                [new] = await rig.orders(agent)
                assert new.order_id > order.order_id
                assert new.quantity == order.quantity
                assert holdings.usdc == options.usdc_top_up_base_units - new.escrow
                new_escrow += new.escrow
        assert await rig.vaults() == (vaults_before[0], vaults_before[1] + new_escrow)

    _run(settings, 9_101, 6, body)


def test_failures_are_counted_by_reason_and_do_not_stop_other_agents(
    agents_base_settings: Settings,
) -> None:
    settings = _settings(agents_base_settings)

    async def body(rig: AgentsRig) -> None:
        seller, buyer = rig.prosumers[0], rig.consumers[0]
        await rig.mint_exports({seller: 5_000})
        rig.record_imports({buyer: 2_000})
        # Only the buyer is funded: the seller holds GXT but not a lamport for fees or rent.
        faucet = LocalFaucet.from_settings(settings, rig.mint.client)
        await faucet.fund(buyer.owner, lamports=SOL, usdc_base_units=10 * USDC)
        # A second wallet bidding for the same meter's import with USDC but no SOL.
        broke = Agent.of("broke", Keypair(), AgentRole.CONSUMER, buyer.meter_id)
        await faucet.fund(broke.owner, lamports=0, usdc_base_units=10 * USDC)
        # And one with fees but not the rent of an order account (~0.002 SOL).
        poor = Agent.of("poor", Keypair(), AgentRole.CONSUMER, buyer.meter_id)
        await faucet.fund(poor.owner, lamports=1_500_000, usdc_base_units=10 * USDC)
        agents = [seller, broke, poor, buyer]
        before = {agent: await rig.holdings(agent) for agent in agents}

        report = await _runner(rig, settings).cycle(agents)

        assert report.failures == {"insufficient_sol": 3}
        assert report.placed == {"buy": 1}
        assert len(await rig.orders(buyer)) == 1
        for agent in (seller, broke, poor):
            assert await rig.orders(agent) == []
            assert (await rig.holdings(agent)).usdc == before[agent].usdc
            assert (await rig.holdings(agent)).gxt == before[agent].gxt

    _run(settings, 9_102, 2, body)


def test_agents_claim_the_proceeds_the_settler_left(agents_base_settings: Settings) -> None:
    # No spread: every ask and bid is at the reference price, so they cross.
    settings = _settings(agents_base_settings, spread_bps=0, claim_grace_s=0)
    price = settings.agents.reference_price_per_kwh
    fee_bps = 25

    async def body(rig: AgentsRig) -> None:
        seller, buyer = rig.prosumers[0], rig.consumers[0]
        await rig.mint_exports({seller: 4_000})
        rig.record_imports({buyer: 1_200})
        runner = _runner(rig, settings, funded=True)
        first = await runner.cycle([seller, buyer])
        assert first.placed == {"buy": 1, "sell": 1}
        [ask], [bid] = await rig.orders(seller), await rig.orders(buyer)
        assert (ask.price, bid.price) == (price, price)
        quantity = min(ask.quantity, bid.quantity)
        assert quantity == bid.quantity == 1_200_000

        matcher = read_keypair(settings.chain_keys_dir / f"{MATCHER_KEY}.json")
        client: ChainClient = rig.mint.client
        await client.confirm_signature(await client.rpc.request_airdrop(matcher.pubkey(), SOL))
        keys = rig.chain.keys
        fill = OrderFill(
            keys.order(buyer.owner, bid.order_id),
            keys.order(seller.owner, ask.order_id),
            quantity,
            price,
        )
        await client.send_and_confirm(
            [settle_instruction(keys, matcher.pubkey(), [fill])], [], matcher
        )
        seller_before, buyer_before = await rig.holdings(seller), await rig.holdings(buyer)

        report = await runner.cycle([seller, buyer])

        assert report.claimed == 2
        assert report.failures == {}
        # The fill covered the consumer's whole import: it bids for nothing more.
        assert report.placed == {}
        assert await rig.orders(buyer) == []
        notional = payment_for_fill(price, quantity)
        net, _fee = split_fee(notional, fee_bps)
        seller_after, buyer_after = await rig.holdings(seller), await rig.holdings(buyer)
        assert seller_after.usdc == (seller_before.usdc or 0) + net
        assert seller_after.gxt == seller_before.gxt
        [still_open] = await rig.orders(seller)
        assert still_open.filled == quantity
        assert still_open.claimable_quote == 0
        # The bid was filled completely: claimed, closed, its leftover escrow refunded.
        assert await rig.closed(buyer, bid.order_id)
        assert buyer_after.gxt == (buyer_before.gxt or 0) + quantity
        assert buyer_after.usdc == (buyer_before.usdc or 0) + bid.escrow - notional

        # 0.3 kWh more import: the consumer bids for exactly that.
        rig.record_imports({buyer: 300}, since_wh=1_200)
        follow = await runner.cycle([seller, buyer])
        assert follow.placed == {"buy": 1}
        [more] = await rig.orders(buyer)
        assert more.quantity == 300_000

    _run(settings, 9_103, 2, body)


def test_agents_refuse_a_market_with_another_matcher(agents_base_settings: Settings) -> None:
    settings = _settings(agents_base_settings)
    addresses = load_addresses(settings.chain_addresses_file)
    impostor = replace(addresses, matcher=Keypair().pubkey())
    with pytest.raises(AgentsError, match="refusing to trade"):
        asyncio.run(run_agents(settings, cycles=1, addresses=impostor))


def test_without_a_scenario_a_cycle_fails_and_the_next_one_tries_again(
    agents_base_settings: Settings,
) -> None:
    settings = _settings(agents_base_settings, cycle_interval_s=0.01)
    report = asyncio.run(run_agents(settings, cycles=2))
    assert report.failures == {"cycle_NoAgentsError": 2}
    assert report.placed == {}
