"""One name for one thing: the default accounts' role as the guide names it (a global
administrator), and the SMTP port field as Web Config names it, on every surface."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

LOCALES = Path(__file__).resolve().parents[2] / "device_model" / "locales"


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


def _messages(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        out.update(_flat(tomllib.loads(path.read_text(encoding="utf-8"))))
    return out


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_the_smtp_port_field_has_web_configs_name_everywhere(lang: str) -> None:
    messages = _messages(lang)
    web = messages["webconfig.email.smtp_port"]
    others = {k: v for k, v in messages.items() if k.endswith(".smtp_port")}
    assert len(others) >= 3, others
    assert set(others.values()) == {web}, others


def test_the_default_admin_role_is_the_guides_global_administrator() -> None:
    assert _messages("lv")["cloud.role.global_admin"] == "globālais administrators"
    assert _messages("en")["cloud.role.global_admin"] == "Global Administrator"
