from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings

from gridtokenx.chain.svm import clear_x87_state
from gridtokenx.config import Settings, get_settings
from gridtokenx.stack.manager import ServiceState, StackManager

# CI (which sets CI=true) replays the same examples on every run, so a landing never depends on
# the luck of a draw; developers' runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# The services integration tests talk to; platform processes (chain node, simulator) are
# started by the tests that need them, on their own ports.
INFRASTRUCTURE = ("postgres", "redis", "influxdb", "kafka")


@pytest.fixture(scope="session")
def running_stack() -> Settings:
    """The settings of the shared local stack, after checking every service is healthy."""
    settings = get_settings()
    unhealthy = [
        f"{status.name}: {status.state.value} {status.detail}"
        for status in StackManager(settings).status(INFRASTRUCTURE)
        if status.state is not ServiceState.HEALTHY
    ]
    if unhealthy:
        pytest.fail(
            "integration tests need the local stack; run `gridtokenx stack up` "
            f"(or `make test`). Not healthy: {'; '.join(unhealthy)}"
        )
    return settings


@pytest.fixture(autouse=True)
def _intact_floating_point() -> Iterator[None]:
    """No test inherits an x87 state that LiteSVM left dirty (see gridtokenx.chain.svm)."""
    yield
    clear_x87_state()
