from __future__ import annotations

import pytest

from gridtokenx.config import Settings, get_settings
from gridtokenx.stack.manager import ServiceState, StackManager


@pytest.fixture(scope="session")
def running_stack() -> Settings:
    """The settings of the shared local stack, after checking every service is healthy."""
    settings = get_settings()
    unhealthy = [
        f"{status.name}: {status.state.value} {status.detail}"
        for status in StackManager(settings).status()
        if status.state is not ServiceState.HEALTHY
    ]
    if unhealthy:
        pytest.fail(
            "integration tests need the local stack; run `gridtokenx stack up` "
            f"(or `make test`). Not healthy: {'; '.join(unhealthy)}"
        )
    return settings
