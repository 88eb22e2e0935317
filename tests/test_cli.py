from __future__ import annotations

import pytest

from gridtokenx.cli import main


def test_unknown_service_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stack", "status", "no-such-service"]) == 1
    assert "unknown service no-such-service" in capsys.readouterr().err
