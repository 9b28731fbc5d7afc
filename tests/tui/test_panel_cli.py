"""The `panel-tui` command line: options, config.toml, and lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui import __version__, menu_tree
from panel_tui.cli import load_config
from panel_tui.config import ConfigError

PROBE = """
import sys
from panel_tui.cli import main
try:
    main([{arg!r}])
except SystemExit:
    pass
heavy = sorted(m for m in ("textual", "device_model", "msal", "aiosmtplib", "fpdf", "cryptography")
               if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize("arg", ["--version", "--help"])
def test_version_and_help_import_no_textual(arg: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(arg=arg)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2],
    ).stdout
    assert out.strip().endswith("HEAVY:")
    if arg == "--version":
        assert __version__ in out
    else:
        assert "--state-dir" in out and "--lang" in out and "--no-mouse" in out


def test_app_module_imports_no_heavy_library() -> None:
    code = (
        "import sys, panel_tui.app, panel_tui.screens.home\n"
        "print(sorted(m for m in ('msal','aiosmtplib','fpdf','cryptography') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2]).stdout
    assert out.strip() == "[]"


def test_arguments_win_over_config_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        'lang = "lv"\nemail-service = "outlook.com"\ntenant_preset = "fresh"\nno_mouse = true\n'
    )
    config = load_config(["--state-dir", str(tmp_path)])
    assert (config.lang, config.email_service, config.tenant_preset, config.no_mouse) == (
        "lv", "outlook.com", "fresh", True)
    config = load_config(["--state-dir", str(tmp_path), "--lang", "en", "--cloud", "https://127.0.0.1:1",
                          "--client-id", "abc", "--tenant", "contoso.onmicrosoft.com"])
    assert config.lang == "en" and config.cloud_url == "https://127.0.0.1:1"
    assert config.client_id == "abc" and config.tenant == "contoso.onmicrosoft.com"
    assert config.state_dir == tmp_path


def test_bad_config_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('lang = "de"\n')
    with pytest.raises(ConfigError):
        load_config(["--state-dir", str(tmp_path)])


def test_menu_tree_matches_the_issue() -> None:
    """As the default model (no fax, no additional network) shows the tree."""
    from device_model.profile import DeviceProfile

    features = DeviceProfile().features

    def ids(node_id: str) -> list[str]:
        return [c.id for c in menu_tree.visible_children(menu_tree.find(node_id), features=features)]

    assert ids("settings") == ["general_settings"]
    assert ids("general_settings") == ["basic_settings", "printer_settings", "network_settings",
                                       "web_service_settings", "scan_settings", "system_administration"]
    assert ids("network_settings") == ["wifi_setup", "wired_lan_setup", "network_status",
                                       "connection_check", "advanced"]
    assert ids("network_status") == ["wired_wifi_status", "wifi_direct_status", "email_server_status",
                                     "print_status_sheet"]
    assert ids("advanced") == ["device_name", "tcpip", "proxy_server", "email_server", "ipv6_address"]
    assert ids("email_server") == ["server_settings", "email_connection_check"]
    assert ids("admin_password") == ["admin_password_register", "admin_password_change",
                                     "admin_password_reset"]
    assert ids("admin_settings") == ["admin_password", "lock_setting"]
    assert ids("basic_settings") == ["date_time_settings", "language", "operation_time_out"]
    locked = {n.id for n in menu_tree.walk() if n.locked}
    assert {"network_settings", "web_service_settings", "system_administration"} <= locked


def test_every_panel_and_menu_key_exists_in_both_languages() -> None:
    """Labels of the tree and every literal panel key in the panel's source are in en and lv."""
    import re

    from device_model.i18n import Catalog

    catalog = Catalog()
    keys = {n.label_key for n in menu_tree.walk()}
    source = Path(menu_tree.__file__).parent
    for path in source.rglob("*.py"):
        if {"webconfig", "cloud", "scan"} & set(path.relative_to(source).parts[:-1]):
            continue
        keys |= set(re.findall(r"[\"'](panel\.[a-z0-9_.]+[a-z0-9_])[\"']", path.read_text()))
    keys |= {f"panel.language.{code}" for code in ("en", "lv")}
    keys |= {f"panel.home.tile.{t}" for t in ("scan", "settings", "job_status", "webconfig")}
    keys |= {f"panel.help.{m}" for m in ("webconfig", "cloud")}
    for lang in ("en", "lv"):
        missing = sorted(k for k in keys if not catalog.has(lang, k))
        assert not missing, f"{lang}: {missing}"
