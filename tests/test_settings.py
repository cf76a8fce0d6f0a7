"""Layered settings: defaults < user file < environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.errors import ConfigError
from crosscheck.settings import Settings, load_settings


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({"XDG_CONFIG_HOME": str(tmp_path)}) == Settings()


def test_layers_override_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crosscheck.toml").write_text(
        '[crosscheck]\ndb = "from-file.db"\nmax_bytes = 1000\nbatch_size = 7\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path), "CROSSCHECK_MAX_BYTES": "2000",
           "CROSSCHECK_ALLOW_PRIVATE": "yes"}
    settings = load_settings(env, batch_size=9)
    assert settings.db == "from-file.db"  # file
    assert settings.max_bytes == 2000  # environment beats file
    assert settings.batch_size == 9  # flag beats file
    assert settings.allow_private is True


def test_bad_values_name_their_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"CROSSCHECK_MAX_BYTES.*expects int"):
        load_settings({"CROSSCHECK_MAX_BYTES": "lots"})
    with pytest.raises(ConfigError, match="must be positive"):
        load_settings({"CROSSCHECK_BATCH_SIZE": "0"})
    (tmp_path / "crosscheck.toml").write_text('colour = "red"\n')
    with pytest.raises(ConfigError, match=r"crosscheck.toml: unknown setting 'colour'"):
        load_settings({})
    with pytest.raises(ConfigError, match="no such file"):
        load_settings({"CROSSCHECK_CONFIG": str(tmp_path / "absent.toml")})
