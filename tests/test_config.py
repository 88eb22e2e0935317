from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from gridtokenx.config import Settings

ENV_EXAMPLE = Path(__file__).parents[1] / ".env.example"


def _variables(model: type[BaseModel], prefix: str) -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_env_example_lists_every_setting() -> None:
    text = ENV_EXAMPLE.read_text()
    missing = [name for name in _variables(Settings, "GRIDTOKENX_") if f"{name}=" not in text]
    assert not missing, f"add to .env.example: {missing}"


def test_environment_overrides_nested_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDTOKENX_POSTGRES__PORT", "6543")
    monkeypatch.setenv("GRIDTOKENX_STATE_DIR", "/srv/gtx")
    settings = Settings()
    assert settings.postgres.port == 6543
    assert settings.postgres.url.endswith("@127.0.0.1:6543/gridtokenx")
    assert settings.state_dir == Path("/srv/gtx")
