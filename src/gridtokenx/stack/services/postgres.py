"""PostgreSQL 15 from Debian, with its cluster in the stack's state directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.errors import HealthCheckFailed, ServiceStartError
from gridtokenx.stack.process import LaunchSpec, is_alive
from gridtokenx.stack.services.base import Service, ServicePort

_BIN_DIR = Path("/usr/lib/postgresql/15/bin")
_CONNECT_TIMEOUT_S = 3


class PostgresService(Service):
    name = "postgres"
    version = "15"
    apt_packages = ("postgresql-15",)
    run_as_user = "postgres"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def socket_dir(self) -> Path:
        return self.home / "run"

    def ports(self) -> list[ServicePort]:
        pg = self.settings.postgres
        return [ServicePort("sql", pg.host, pg.port, "GRIDTOKENX_POSTGRES__PORT")]

    def prepare(self) -> None:
        self._ensure_reachable_by_run_as_user()
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if not (self.data_dir / "PG_VERSION").exists():
            shutil.rmtree(self.data_dir, ignore_errors=True)  # a half-made cluster from a crash
            self.data_dir.mkdir(parents=True)
            self._own_home()
            self._initdb()
        self._remove_stale_locks()
        self._own_home()

    def _remove_stale_locks(self) -> None:
        # After a kill -9 the postmaster's lock files outlive it; PostgreSQL refuses to start
        # while the pid in them exists, and a dead postmaster can linger as an unreaped zombie.
        port = self.settings.postgres.port
        for lock in (self.data_dir / "postmaster.pid", self.socket_dir / f".s.PGSQL.{port}.lock"):
            try:
                pid = int(lock.read_text().splitlines()[0])
            except (FileNotFoundError, IndexError, ValueError):
                continue
            if not is_alive(pid):
                lock.unlink(missing_ok=True)

    def _initdb(self) -> None:
        result = subprocess.run(
            [
                str(_BIN_DIR / "initdb"),
                "--pgdata",
                str(self.data_dir),
                "--username=postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            ],
            capture_output=True,
            text=True,
            check=False,
            user=self.run_as_user if os.geteuid() == 0 else None,
        )
        if result.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise ServiceStartError(f"postgres: initdb failed: {result.stderr.strip()}")

    def launch_spec(self) -> LaunchSpec:
        pg = self.settings.postgres
        return LaunchSpec(
            argv=(
                str(_BIN_DIR / "postgres"),
                "-D",
                str(self.data_dir),
                "-c",
                f"listen_addresses={pg.host}",
                "-c",
                f"port={pg.port}",
                "-c",
                f"unix_socket_directories={self.socket_dir}",
                "-c",
                "max_connections=200",
            ),
            cwd=self.home,
            env=self._base_env(),
            user=self.run_as_user,
        )

    def _superuser_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.settings.postgres.port,
            user="postgres",
            dbname="postgres",
            connect_timeout=_CONNECT_TIMEOUT_S,
            autocommit=True,
        )

    def check_ready(self) -> None:
        try:
            with self._superuser_connection() as connection:
                connection.execute("SELECT 1")
        except psycopg.Error as exc:
            raise HealthCheckFailed(f"postgres: {exc}".strip()) from exc

    def provision(self) -> None:
        pg = self.settings.postgres
        with self._superuser_connection() as connection:
            role_exists = connection.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (pg.user,)
            ).fetchone()
            verb = sql.SQL("ALTER") if role_exists else sql.SQL("CREATE")
            connection.execute(
                sql.SQL("{} ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    verb, sql.Identifier(pg.user), sql.Literal(pg.password)
                )
            )
            database_exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (pg.database,)
            ).fetchone()
            if not database_exists:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(pg.database), sql.Identifier(pg.user)
                    )
                )
        upgrade_to_head(pg.url)

    def check_health(self) -> None:
        try:
            with psycopg.connect(
                self.settings.postgres.url, connect_timeout=_CONNECT_TIMEOUT_S
            ) as connection:
                row = connection.execute("SELECT 1").fetchone()
        except psycopg.Error as exc:
            raise HealthCheckFailed(f"postgres: {exc}".strip()) from exc
        if row != (1,):
            raise HealthCheckFailed(f"postgres: SELECT 1 returned {row!r}")
