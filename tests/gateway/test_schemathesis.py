"""Schemathesis against the gateway's OpenAPI document: no 5xx and no response that breaks its
documented schema, over at least 1,000 generated requests to a real gateway process.

The process serves a scratch database, the shared Redis, the shared chain node and the tests'
SMTP server. Every request carries the access token of a wallet that signed in, once as a
consumer and once as an operator, so authenticated routes are exercised past 401 (and the
operator-only route past 403). Operations without parameters have a single case; the others get
``CASES_PER_OPERATION`` each. Generation is derandomized with no example database and no
shrinking, so every run (CI or not) sends the same requests; each operation's first failure is
kept and all of them are reported at the end.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.gateway.openapi_document import openapi_document
from tests.gateway.conftest import Inbox
from tests.gateway.operator_rig import served_simulator
from tests.gateway.server_process import running_gateway
from tests.gateway.wallet import BrowserWallet, sign_in

pytestmark = pytest.mark.integration

CASES_PER_OPERATION = 60
MINIMUM_CASES = 1_000
CHECKS = [not_a_server_error, response_schema_conformance]


async def _access_token(base_url: str, wallet: BrowserWallet) -> str:
    async with httpx.AsyncClient(base_url=base_url) as client:
        token: str = (await sign_in(client, wallet))["access_token"]
        return token


def _run_operation(
    operation: Any, base_url: str, headers: dict[str, str], session: requests.Session
) -> tuple[int, list[str]]:
    """Generates and sends the operation's cases; returns how many ran and the failures."""
    ran = 0
    failures: list[str] = []

    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        response = case.call(base_url=base_url, headers=headers, session=session)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            if not failures:  # the first failure of each operation
                failures.append(f"{operation.label}: {group}")

    run()
    return ran, failures


def test_generated_requests_get_no_5xx_and_match_the_schema(
    running_stack: Settings,
    accounts_database: PostgresSettings,
    smtp_inbox: tuple[Inbox, int],
    operator_wallet: BrowserWallet,
    tmp_path: Path,
) -> None:
    process_settings = running_stack.model_copy(
        update={"postgres": accounts_database, "state_dir": tmp_path}
    )
    schema = schemathesis.openapi.from_dict(openapi_document(process_settings))
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    identities = {"consumer": BrowserWallet(), "operator": operator_wallet}
    cases: Counter[tuple[str, str]] = Counter()
    failures: list[str] = []
    with (
        # Never the shared simulator: the operator routes would stop and reconfigure it.
        served_simulator(running_stack) as (_, simulator_port),
        running_gateway(
            process_settings,
            server="granian",
            extra_env={
                "GRIDTOKENX_GATEWAY__SMTP_PORT": str(smtp_inbox[1]),
                "GRIDTOKENX_GATEWAY__OPERATOR_WALLETS": json.dumps([operator_wallet.address]),
                "GRIDTOKENX_SIMULATOR__PORT": str(simulator_port),
                # The shared chain's programs and market (read; orders are only prepared).
                "GRIDTOKENX_CHAIN__ADDRESSES_FILE": str(running_stack.chain_addresses_file),
            },
            log_file=tmp_path / "gateway.log",
        ) as gateway,
        requests.Session() as session,
    ):
        for role, wallet in identities.items():
            headers = {
                "Authorization": f"Bearer {anyio.run(_access_token, gateway.base_url, wallet)}"
            }
            for operation in operations:
                ran, found = _run_operation(operation, gateway.base_url, headers, session)
                cases[role, operation.label] = ran
                failures += [f"as {role}: {failure}" for failure in found]
    assert not failures, "\n\n".join(failures)
    assert len(cases) == len(identities) * len(operations), sorted(cases)
    assert sum(cases.values()) >= MINIMUM_CASES, cases
