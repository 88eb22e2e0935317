"""The stack's Prometheus configuration: one job per service that serves metrics, generated
from the registry, and valid for Prometheus's own checker (``promtool``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gridtokenx.config import GatewaySettings, PrometheusSettings, Settings
from gridtokenx.stack.errors import PrerequisiteError
from gridtokenx.stack.manager import StackManager
from gridtokenx.stack.services.prometheus import (
    CHECKOUT_ALERTS_FILE,
    PrometheusService,
    ScrapeTarget,
    render_config,
    scrape_targets,
)

PROMTOOL = "/usr/bin/promtool"


def _jobs(text: str) -> dict[str, dict[str, object]]:
    document = json.loads(text.split("\n", 1)[1])
    return {job["job_name"]: job for job in document["scrape_configs"]}


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(PROMTOOL) is None:
        pytest.fail("promtool comes with Debian's prometheus: `gridtokenx stack up prometheus`")
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, check=False)


def test_every_service_that_serves_metrics_is_a_job_named_after_it() -> None:
    settings = Settings()
    services = StackManager(settings).services
    jobs = _jobs(PrometheusService(settings).config_text())
    with_metrics = [service for service in services if service.metrics_url() is not None]
    assert list(jobs) == [service.name for service in with_metrics]
    assert {"ingestion", "matcher", "settlement", "gateway", "prometheus"} <= set(jobs)
    assert "postgres" not in jobs
    assert "web-trading" not in jobs
    for service in with_metrics:
        url = service.metrics_url()
        job = jobs[service.name]
        (address,) = job["static_configs"][0]["targets"]  # type: ignore[index]
        assert f"{job['scheme']}://{address}{job['metrics_path']}" == url


def test_ports_follow_the_settings() -> None:
    settings = Settings()
    moved = settings.model_copy(
        update={
            "telemetry": settings.telemetry.model_copy(update={"metrics_port": 19101}),
            "gateway": settings.gateway.model_copy(update={"port": 18080}),
        }
    )
    targets = {t.job: t for t in scrape_targets(StackManager(moved).services)}
    assert targets["ingestion"] == ScrapeTarget("ingestion", "127.0.0.1:19101")
    assert targets["gateway"] == ScrapeTarget("gateway", "127.0.0.1:18080")


def test_a_tls_gateway_is_scraped_over_https_without_verifying_its_local_certificate(
    tmp_path: Path,
) -> None:
    gateway = GatewaySettings(tls_cert_file=tmp_path / "c.pem", tls_key_file=tmp_path / "k.pem")
    settings = Settings(gateway=gateway)
    job = _jobs(PrometheusService(settings).config_text())["gateway"]
    assert job["scheme"] == "https"
    assert job["tls_config"] == {"insecure_skip_verify": True}


def test_the_scrape_timeout_never_exceeds_the_interval() -> None:
    text = render_config(
        [ScrapeTarget("a", "127.0.0.1:1")], scrape_interval_s=5, scrape_timeout_s=10
    )
    assert json.loads(text.split("\n", 1)[1])["global"]["scrape_timeout"] == "5s"


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http"):
        ScrapeTarget.from_url("odd", "tcp://127.0.0.1:1")


def test_the_generated_configuration_and_rules_pass_promtool(tmp_path: Path) -> None:
    settings = Settings(
        state_dir=tmp_path, prometheus=PrometheusSettings(scrape_interval_s=1, scrape_timeout_s=1)
    )
    service = PrometheusService(settings)
    service.home.mkdir(parents=True)
    service.config_path.write_text(service.config_text())
    service.rules_path.write_text(CHECKOUT_ALERTS_FILE.read_text())
    checked = _promtool("check", "config", str(service.config_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 rule files found" in checked.stdout
    assert "is valid prometheus config file syntax" in checked.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="the run-as account is used only as root")
def test_a_state_folder_the_prometheus_account_cannot_enter_is_refused(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    service = PrometheusService(Settings(state_dir=closed / "state"))
    with pytest.raises(PrerequisiteError, match="prometheus runs as user 'prometheus'"):
        service.prepare()
