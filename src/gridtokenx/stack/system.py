"""What the stack needs from the machine: free ports, disk space, Debian packages."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
from pathlib import Path

from gridtokenx.stack.errors import PortInUseError, PrerequisiteError

_POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


def ensure_port_free(host: str, port: int, service: str, setting: str) -> None:
    """Raise PortInUseError unless ``host:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise PortInUseError(
                f"{service}: port {host}:{port} is already in use by another process; "
                f"stop that process or choose another port with {setting}=<port>"
            ) from exc


def ensure_free_disk(path: Path, min_free_mb: int) -> None:
    """Raise PrerequisiteError when the filesystem holding ``path`` has too little room."""
    existing = path
    while not existing.exists():
        existing = existing.parent
    free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
    if free_mb < min_free_mb:
        raise PrerequisiteError(
            f"only {free_mb} MiB free on the disk holding {path} (the stack needs "
            f"{min_free_mb} MiB): free some space or set GRIDTOKENX_STATE_DIR to a larger disk"
        )


def missing_packages(packages: list[str]) -> list[str]:
    """The Debian packages among ``packages`` that are not installed."""
    missing = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def ensure_packages(packages: list[str]) -> list[str]:
    """Install the missing packages with apt-get; returns the ones that were installed.

    Debian's maintainer scripts would start each server as a system service on its default
    port; a temporary policy-rc.d forbids that, because the stack runs its own instances.
    """
    missing = missing_packages(packages)
    if not missing:
        return []
    names = " ".join(missing)
    if shutil.which("apt-get") is None:
        raise PrerequisiteError(f"apt-get not found: install these packages yourself: {names}")
    if os.geteuid() != 0:
        raise PrerequisiteError(
            f"missing packages {names}: run `sudo apt-get install -y {names}`, then retry"
        )
    placed_policy = not _POLICY_RC_D.exists()
    if placed_policy:
        _POLICY_RC_D.write_text("#!/bin/sh\nexit 101\n")
        _POLICY_RC_D.chmod(0o755)
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run_apt(["apt-get", "update", "-q"], env, names)
        _run_apt(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env, names
        )
    finally:
        if placed_policy:
            _POLICY_RC_D.unlink(missing_ok=True)
    return missing


def _run_apt(argv: list[str], env: dict[str, str], names: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        cause = lines[-1] if lines else f"exit code {result.returncode}"
        raise PrerequisiteError(
            f"`{' '.join(argv[:2])}` failed while installing {names}: {cause} "
            "(check the network and apt sources, then retry)"
        )
