"""Bad environments give one clear error, a non-zero exit and leave nothing started."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gridtokenx.cli import main
from gridtokenx.config import KafkaSettings, RedisSettings, Settings, StackSettings
from gridtokenx.stack.errors import PortInUseError, PrerequisiteError
from gridtokenx.stack.manager import ServiceState, StackManager
from gridtokenx.stack.system import ensure_packages
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration


def _isolated(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a private stack instance: its own state dir and free ports."""
    fields: dict[str, object] = {
        "state_dir": tmp_path / "state",
        "cache_dir": tmp_path / "cache",
        "redis": RedisSettings(port=free_port()),
        "kafka": KafkaSettings(port=free_port(), controller_port=free_port()),
    }
    fields.update(overrides)
    return Settings.model_validate(fields)


def test_port_in_use_is_named_with_its_fix(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.redis.port))
        squatter.listen()
        with pytest.raises(PortInUseError) as raised:
            StackManager(settings).up(["redis"])
    message = str(raised.value)
    assert f"127.0.0.1:{settings.redis.port} is already in use" in message
    assert "GRIDTOKENX_REDIS__PORT" in message
    assert StackManager(settings).status(["redis"])[0].state is ServiceState.STOPPED


def test_missing_java_stops_what_this_up_started(tmp_path: Path) -> None:
    settings = _isolated(tmp_path, stack=StackSettings(java_bin="/nonexistent/java"))
    manager = StackManager(settings)
    with pytest.raises(PrerequisiteError, match=r"Java 17\+ .* GRIDTOKENX_STACK__JAVA_BIN"):
        manager.up(["redis", "kafka"])
    # redis came up first in this call; the failure must not leave it running.
    assert [status.state for status in manager.status(["redis", "kafka"])] == [
        ServiceState.STOPPED,
        ServiceState.STOPPED,
    ]


def test_unresolvable_kafka_version_is_a_maven_error(tmp_path: Path) -> None:
    settings = _isolated(
        tmp_path,
        kafka=KafkaSettings(
            version="0.0.0-no-such-release", port=free_port(), controller_port=free_port()
        ),
    )
    with pytest.raises(PrerequisiteError, match=r"Maven could not resolve"):
        StackManager(settings).up(["kafka"])
    assert not (settings.cache_dir / "kafka-0.0.0-no-such-release" / "lib").exists()


def test_full_disk_refuses_to_start(tmp_path: Path) -> None:
    settings = _isolated(tmp_path, stack=StackSettings(min_free_disk_mb=1 << 40))
    with pytest.raises(PrerequisiteError, match="GRIDTOKENX_STATE_DIR"):
        StackManager(settings).up(["redis"])
    assert not (settings.state_dir / "run").exists()


def test_apt_failure_names_the_package() -> None:
    with pytest.raises(PrerequisiteError, match="gridtokenx-no-such-package"):
        ensure_packages(["gridtokenx-no-such-package"])


def test_cli_exits_non_zero_with_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRIDTOKENX_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("GRIDTOKENX_STACK__MIN_FREE_DISK_MB", str(1 << 40))
    from gridtokenx.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["stack", "up", "redis"]) == 1
    finally:
        get_settings.cache_clear()
    error_lines = capsys.readouterr().err.strip().splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith("error: only ")
