"""The admin console in Debian's Chromium against a real gateway process (scratch database, the
shared Redis, a private bootstrapped chain): the operator signs in with the development wallet
holding the chain operator's key, finds an account, changes its role with a reason and sees the
audit entry; approves a pending meter registration by co-signing it with the wallet (the meter
lands on chain); decodes that registration transaction from the chain with the Registry IDL;
and opens every other page (screenshots in build/test-artifacts/web/admin-*.png).

The app (on its own port) and the gateway (on another) are different origins of the same site:
the gateway's CORS allows the app's origin with credentials, its sign-in domain is the app's."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.chain.registry.accounts import MeterAccount, MeterKind
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.config import PostgresSettings, Settings, get_settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.stack.services.web import web_dir
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.orders_rig import SignedInTrader, sign_prepared, signed_in
from tests.gateway.server_process import running_gateway
from tests.gateway.test_grid import store_scenario
from tests.gateway.wallet import BrowserWallet, sign_in
from tests.utils.databases import scratch_database
from tests.utils.ports import free_port
from tests.utils.traders import trader_funding
from tests.web.next_app import ARTIFACTS, prepare_web, served_app

pytestmark = pytest.mark.integration

SOL = 1_000_000_000
FLEET = FleetConfig(meter_count=20, seed=7)
"""The grid topology the registration's zone must belong to."""
ZONE = 3
ADMIN_SCRIPT = Path(__file__).parent / "browser" / "admin.mjs"
REASON = "ticket 4711: installer certificate checked"
REGISTER_METER_ACCOUNTS = ["meter", "owner", "owner_user", "config", "authority", "system_program"]


@dataclass(frozen=True)
class AdminRig:
    app_url: str
    gateway_url: str
    postgres: PostgresSettings
    settings: Settings
    profile_dir: Path


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "admin")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-admin-chain")) as chain:
        yield chain


@pytest.fixture
def operator(local_chain: LocalChain) -> Keypair:
    """The chain operator's key: an operator of the gateway and the Registry authority."""
    return local_keypair(local_chain.settings.chain_keys_dir, OPERATOR_KEY)


@contextmanager
def _admin_with_gateway(
    stack: Settings, chain: LocalChain, state_dir: Path, operator: Keypair
) -> Iterator[AdminRig]:
    """The admin app's production build and a gateway process (granian) on ``chain``, on a
    scratch migrated database holding the simulator's fleet (the grid topology)."""
    app_port = free_port()
    origin = f"http://127.0.0.1:{app_port}"
    environment = {
        "GRIDTOKENX_CHAIN__RPC_PORT": str(chain.settings.chain.rpc_port),
        "GRIDTOKENX_CHAIN__WS_PORT": str(chain.settings.chain.ws_port),
        "GRIDTOKENX_GATEWAY__CORS_ORIGINS": json.dumps([origin]),
        "GRIDTOKENX_GATEWAY__DOMAIN": f"127.0.0.1:{app_port}",
        "GRIDTOKENX_GATEWAY__SIGN_IN_URI": origin,
        "GRIDTOKENX_GATEWAY__OPERATOR_WALLETS": json.dumps([str(operator.pubkey())]),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with scratch_database(stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        store_scenario(postgres, FLEET)
        settings = chain.settings.model_copy(update={"postgres": postgres, "redis": stack.redis})
        with running_gateway(
            settings, server="granian", extra_env=environment, log_file=state_dir / "gateway.log"
        ) as gateway:
            web = settings.model_copy(
                update={"gateway": settings.gateway.model_copy(update={"port": gateway.port})}
            )
            with served_app(web, "admin", state_dir, port=app_port) as url:
                yield AdminRig(url, gateway.base_url, postgres, web, state_dir / "profile")


@pytest.fixture
def rig(
    running_stack: Settings, local_chain: LocalChain, tmp_path: Path, operator: Keypair
) -> Iterator[AdminRig]:
    with _admin_with_gateway(running_stack, local_chain, tmp_path, operator) as rig:
        yield rig


def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def _pending_registration(
    gateway_url: str, chain: LocalChain, device: Keypair
) -> tuple[SignedInTrader, str]:
    """A funded owner's request, set up and signed by the owner: in the approval queue."""
    async with trader_funding(chain.settings) as funding:
        trader = await funding.fund(lamports=2 * SOL)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60.0) as client:
        owner = await signed_in(client, trader)
        mine = "/v1/me/meter-registrations"
        request = {
            "device_pubkey": str(device.pubkey()),
            "kind": int(MeterKind.SOLAR),
            "zone_id": ZONE,
            "max_export_w": 10_000,
            "max_import_w": 5_000,
        }
        created = _ok(await client.post(mine, json=request, headers=owner.headers), 201)
        request_id = created["registration"]["id"]
        setup = sign_prepared(created["transaction"], trader.wallet)
        step = _ok(
            await client.post(
                f"{mine}/{request_id}/setup", json={"transaction": setup}, headers=owner.headers
            )
        )
        signed = _ok(
            await client.post(
                f"{mine}/{request_id}/sign",
                json={"transaction": sign_prepared(step["transaction"], trader.wallet)},
                headers=owner.headers,
            )
        )
    assert signed["status"] == "pending_approval"
    return owner, str(signed["meter_id"])


async def _new_account(gateway_url: str) -> BrowserWallet:
    wallet = BrowserWallet()
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30.0) as client:
        assert (await sign_in(client, wallet))["role"] == "consumer"
    return wallet


async def _meter_on_chain(chain: LocalChain, meter_id: str) -> MeterAccount | None:
    program = chain.addresses.registry_program
    address = meter_address(program, uuid.UUID(meter_id).bytes)[0]
    async with ChainClient.from_settings(chain.settings.chain) as client:
        account = await client.rpc.get_account_info(address)
    return MeterAccount.decode(account.data) if account else None


async def _account_exists(chain: LocalChain, address: Pubkey) -> bool:
    async with ChainClient.from_settings(chain.settings.chain) as client:
        return await client.rpc.get_account_info(address) is not None


def _run_console(rig: AdminRig, operator: Keypair, **env: str) -> dict[str, Any]:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "GRIDTOKENX_WEB_DIR": str(web_dir(rig.settings)),
        "APP_URL": rig.app_url,
        "PROFILE_DIR": str(rig.profile_dir),
        "ARTIFACT_DIR": str(ARTIFACTS),
        "OPERATOR_SECRET": str(operator),
        **env,
    }
    result = subprocess.run(
        [rig.settings.web.node_bin, str(ADMIN_SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"the admin console run failed: {result.stderr[-3000:]}"
    output: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


def _rows(postgres: PostgresSettings, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(postgres.url) as connection:
        return connection.execute(query, parameters).fetchall()


def test_the_operator_manages_a_user_approves_a_meter_and_decodes_its_transaction(
    local_chain: LocalChain, rig: AdminRig, operator: Keypair
) -> None:
    target = asyncio.run(_new_account(rig.gateway_url))
    device = Keypair()
    owner, meter_id = asyncio.run(_pending_registration(rig.gateway_url, local_chain, device))
    assert asyncio.run(_meter_on_chain(local_chain, meter_id)) is None

    shown = _run_console(
        rig,
        operator,
        TARGET_WALLET=target.address,
        NEW_ROLE="prosumer",
        REASON=REASON,
        METER_ID=meter_id,
    )

    assert shown["signedInRole"] == "operator"
    assert shown["walletAddress"] == str(operator.pubkey())

    # Users: the role changed, with the reason in the account's audit trail and the database.
    change = shown["roleChange"]
    assert (change["before"], change["after"]) == ("consumer", "prosumer")
    assert change["auditReason"] == REASON
    assert change["auditTarget"] == f"user:{change['userId']}"
    [(role,)] = _rows(rig.postgres, "SELECT role FROM users WHERE id = %s", change["userId"])
    assert role == "prosumer"
    audited = _rows(
        rig.postgres,
        "SELECT action, reason FROM audit_log WHERE target = %s ORDER BY id",
        f"user:{change['userId']}",
    )
    assert audited == [
        ("user.role_changed", REASON),
        ("user.deactivated", f"{REASON} (deactivate)"),
        ("user.reactivated", f"{REASON} (reactivate)"),
    ]
    assert change["toggled"] == {"user.deactivated": "deactivated", "user.reactivated": "active"}
    [(deactivated_at,)] = _rows(
        rig.postgres, "SELECT deactivated_at FROM users WHERE id = %s", change["userId"]
    )
    assert deactivated_at is None
    audit = shown["auditPage"]
    assert {"action": "user.role_changed", "target": change["auditTarget"], "reason": REASON} in (
        audit["rows"]
    )
    # The CSV export (the gateway's CSV route, same filter) holds the same entries.
    assert audit["csvName"] == "audit.csv"
    assert audit["csv"].count("user.role_changed") == 1
    assert REASON in audit["csv"]

    # Meters: the wallet's co-signature registered the meter on chain.
    approved = shown["approved"]
    assert "error" not in approved, approved
    meter = asyncio.run(_meter_on_chain(local_chain, meter_id))
    assert meter is not None
    assert meter.owner == Pubkey.from_string(owner.address)
    assert meter.device_pubkey == device.pubkey()
    [(status, signature, nonce_account)] = _rows(
        rig.postgres,
        "SELECT status, registration_signature, nonce_account FROM meter_registration_requests "
        "WHERE meter_id = %s",
        uuid.UUID(meter_id),
    )
    assert status == "approved"
    assert approved["signature"] == signature
    # The wallet then returned the durable-nonce account's rent to the owner: the account is gone.
    assert isinstance(approved["refund"], str), approved["refund"]
    assert asyncio.run(_account_exists(local_chain, Pubkey.from_string(nonce_account))) is False

    # Transactions: that landed transaction, decoded with the Registry IDL.
    transaction = shown["transaction"]
    assert transaction["status"] == "succeeded", transaction
    [registration] = [
        instruction
        for instruction in transaction["instructions"]
        if instruction["name"] == "register_meter"
    ]
    assert registration["program"] == "registry"
    assert registration["accounts"] == REGISTER_METER_ACCOUNTS
    assert registration["args"] == {
        "meter_id": uuid.UUID(meter_id).hex,
        "device_pubkey": str(device.pubkey()),
        "kind": str(int(MeterKind.SOLAR)),
        "zone": str(ZONE),
    }

    # Market parameters: the tick changed with its reason.
    tick = shown["tick"]
    assert int(tick["after"]) == 2 * int(tick["before"])
    [(reason,)] = _rows(
        rig.postgres, "SELECT reason FROM audit_log WHERE action = 'market.parameters_changed'"
    )
    assert reason == f"{REASON} (tick)"

    # Every other page showed its gateway data.
    pages = shown["pages"]
    for name in ("market", "analytics", "health", "security"):
        assert pages[name]["ready"], (name, pages[name])
    assert pages["simulator"]["ready"] or pages["simulator"]["alerts"], pages["simulator"]
    assert "user.role_changed" in pages["security"]["text"]
    assert shown["pages"]["analyticsRoles"]["operator"] == "1"
    # Responsive: on a phone-sized screen nothing is wider than the screen.
    assert shown["phone"]["overflowPx"] == {"users": 0, "health": 0}
    # Light and dark themes follow the system's colour scheme (slate-50 and slate-950).
    light, dark = (shown["phone"]["backgroundRgb"][scheme] for scheme in ("light", "dark"))
    assert min(light) > 240, light
    assert max(dark) < 30, dark
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []
