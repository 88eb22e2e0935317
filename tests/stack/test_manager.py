from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridtokenx.config import Settings
from gridtokenx.stack.errors import UnknownServiceError
from gridtokenx.stack.manager import ServiceState, StackManager
from gridtokenx.stack.process import PidFile, ProcessRecord
from gridtokenx.stack.registry import SERVICE_TYPES
from gridtokenx.stack.topics import METER_READINGS, declared_topics


def _manager(tmp_path: Path) -> StackManager:
    return StackManager(Settings(state_dir=tmp_path / "state"))


def test_select_keeps_start_order_and_rejects_unknown_names(tmp_path: Path) -> None:
    manager = _manager(tmp_path)
    assert [s.name for s in manager.select(["kafka", "postgres"])] == ["postgres", "kafka"]
    assert [s.name for s in manager.select()] == [t.name for t in SERVICE_TYPES]
    with pytest.raises(UnknownServiceError, match="unknown service mongo; the stack has"):
        manager.select(["mongo"])


def test_never_started_services_are_stopped(tmp_path: Path) -> None:
    statuses = _manager(tmp_path).status()
    assert {status.state for status in statuses} == {ServiceState.STOPPED}
    postgres = statuses[0].as_json()
    assert json.loads(json.dumps(postgres)) == {
        "name": "postgres",
        "state": "stopped",
        "version": "15",
        "pid": None,
        "ports": {"sql": 5432},
        "detail": "",
    }


def test_dead_recorded_process_is_unhealthy(tmp_path: Path) -> None:
    manager = _manager(tmp_path)
    (redis,) = manager.select(["redis"])
    PidFile(manager.pid_file(redis).path).write(ProcessRecord(2**22 + 1, 1, ("redis-server",)))
    (status,) = manager.status(["redis"])
    assert status.state is ServiceState.UNHEALTHY
    assert "is not running; `gridtokenx stack up` restarts it" in status.detail


def test_down_forgets_dead_processes(tmp_path: Path) -> None:
    manager = _manager(tmp_path)
    (redis,) = manager.select(["redis"])
    manager.pid_file(redis).write(ProcessRecord(2**22 + 1, 1, ("redis-server",)))
    manager.down(["redis"])
    assert manager.status(["redis"])[0].state is ServiceState.STOPPED


def test_meter_readings_topic_has_at_least_six_partitions() -> None:
    topics = {topic.name: topic for topic in declared_topics(Settings().kafka)}
    assert topics[METER_READINGS].partitions >= 6


def test_logs_prints_the_tail_of_a_service_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gridtokenx.cli import main
    from gridtokenx.config import get_settings

    monkeypatch.setenv("GRIDTOKENX_STATE_DIR", str(tmp_path / "state"))
    get_settings.cache_clear()
    try:
        assert main(["stack", "logs", "redis"]) == 0
        assert "redis has written no log yet" in capsys.readouterr().out
        log = tmp_path / "state" / "logs" / "redis.log"
        log.parent.mkdir(parents=True)
        log.write_text("".join(f"line {n}\n" for n in range(100)))
        assert main(["stack", "logs", "redis", "-n", "3"]) == 0
        assert capsys.readouterr().out == "line 97\nline 98\nline 99\n"
    finally:
        get_settings.cache_clear()
