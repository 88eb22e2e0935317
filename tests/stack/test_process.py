from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from gridtokenx.stack.process import (
    LaunchSpec,
    PidFile,
    ProcessRecord,
    is_running,
    spawn,
    terminate,
)


def _sleeper(tmp_path: Path, script: str = "import time; time.sleep(60)") -> ProcessRecord:
    spec = LaunchSpec(argv=(sys.executable, "-c", script), cwd=tmp_path, env=dict(os.environ))
    return spawn(spec, tmp_path / "logs" / "sleeper.log")


def test_spawned_process_runs_until_terminated(tmp_path: Path) -> None:
    record = _sleeper(tmp_path)
    assert is_running(record)
    terminate(record, timeout_s=5.0)
    assert not is_running(record)


def test_process_ignoring_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    record = _sleeper(tmp_path, script)
    terminate(record, timeout_s=0.3)
    assert not is_running(record)


def test_reused_pid_is_not_mistaken_for_ours(tmp_path: Path) -> None:
    record = _sleeper(tmp_path)
    try:
        impostor = ProcessRecord(record.pid, record.start_ticks + 1, record.argv)
        assert not is_running(impostor)
        terminate(impostor, timeout_s=1.0)  # must leave the real process alone
        assert is_running(record)
    finally:
        terminate(record, timeout_s=5.0)


def test_output_goes_to_the_log(tmp_path: Path) -> None:
    record = _sleeper(tmp_path, "print('hello from the service', flush=True)")
    log = tmp_path / "logs" / "sleeper.log"
    deadline = time.monotonic() + 10.0
    while is_running(record) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "hello from the service" in log.read_text()


def test_pid_file_round_trip_and_garbage(tmp_path: Path) -> None:
    pid_file = PidFile(tmp_path / "run" / "svc.json")
    assert pid_file.read() is None
    record = ProcessRecord(pid=123, start_ticks=456, argv=("a", "b"))
    pid_file.write(record)
    assert pid_file.read() == record
    pid_file.path.write_text("{not json")
    assert pid_file.read() is None
    pid_file.remove()
    assert not pid_file.path.exists()
