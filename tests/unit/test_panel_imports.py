"""What the panel loads but does not need: kept out of its memory (bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _in_a_fresh_interpreter(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> None:
    """Run ``code`` in a new Python at the repository's root: what it imports is all it loads."""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_panel_with_its_tenant_in_another_process_does_not_load_sqlite3() -> None:
    """sqlite3 (≈ 1.4 MiB) is the embedded tenant's; the panel, the cloud link, the Cloud panes,
    the sign-in and the mail client do not load it, and still catch its errors once it is loaded."""
    code = (
        "import sys\n"
        "import panel_tui.app, panel_tui.cloud_link, panel_tui.cloud.screens\n"
        "import panel_tui.cloud.admin_pane, panel_tui.cloud.mail_pane, panel_tui.cloud.faults_section\n"
        "import panel_tui.scan.screens, panel_tui.webconfig.screens, msal, aiosmtplib\n"
        "import cloud_sim.accounts  # the default accounts' hints on the sign-in pane\n"
        "assert 'sqlite3' not in sys.modules, 'sqlite3 loaded'\n"
        "from panel_tui.cloud_link import ADMIN_FAILURES\n"
        "assert OSError in ADMIN_FAILURES and ValueError in ADMIN_FAILURES\n"
        "import sqlite3\n"
        "assert sqlite3.Error in panel_tui.cloud_link.ADMIN_FAILURES\n"
    )
    _in_a_fresh_interpreter(code, {k: v for k, v in os.environ.items() if k != "PANEL_TUI_TENANT_IN_PROCESS"})


def test_the_tenant_in_the_panel_loads_sqlite3_before_any_pane_reads_its_failures() -> None:
    """PANEL_TUI_TENANT_IN_PROCESS=1: the link loads sqlite3 at once, so a Cloud pane opened
    before the tenant's thread starts still catches the tenant's SQLite errors."""
    code = (
        "import sys, panel_tui.cloud_link as link\n"
        "assert sys.modules['sqlite3'].Error in link.ADMIN_FAILURES\n"
    )
    _in_a_fresh_interpreter(code, dict(os.environ, PANEL_TUI_TENANT_IN_PROCESS="1"), timeout=60)


def test_the_cloud_surface_and_the_tenant_process_leave_scenarios_and_the_cli_unloaded() -> None:
    """The Scenarios tab's engine and catalogue load when that tab is first opened, and reading
    the tenant process's ready line does not import cloud-sim's command line (≈ 0.3 MiB)."""
    code = (
        "import sys\n"
        "import panel_tui.cloud.screens, panel_tui.tenant_process, panel_tui.cloud_link\n"
        "from cloud_sim.state_dir import READY\n"
        "loaded = [m for m in sys.modules if m.startswith(('panel_tui.scenario', 'panel_tui.cloud.scenarios'))\n"
        "          or m == 'cloud_sim.cli']\n"
        "assert not loaded, loaded\n"
        "from panel_tui.cloud.screens import pane_class\n"
        "assert pane_class('scenarios').__name__ == 'ScenariosPane'\n"
    )
    _in_a_fresh_interpreter(code, timeout=60)


def test_the_mailboxes_tab_leaves_richs_emoji_table_unloaded(tmp_path: Path) -> None:
    """F4 Mailboxes (the walk's last page, its peak): the list's column headers are text, not
    markup, so rich's emoji table (≈ 0.8 MiB, loaded to replace ``:codes:`` in markup) stays out."""
    code = (
        "import asyncio, sys\n"
        "from tests.tui.conftest import make_app, make_device\n"
        "async def main():\n"
        f"    app = make_app(make_device(__import__('pathlib').Path({str(tmp_path / 'state')!r})))\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await app.switch_mode('cloud')\n"
        "        await pilot.pause()\n"
        "        app.screen.show_tab('mail')\n"
        "        await pilot.pause()\n"
        "        from panel_tui.cloud.mail_pane import MailPane\n"
        "        table = app.screen.query_one(MailPane).query_one('#mail-table')\n"
        "        assert [c.label.plain for c in table.columns.values()] == ['Received', 'Subject', 'Attachments'], \\\n"
        "            [c.label.plain for c in table.columns.values()]\n"
        "asyncio.run(main())\n"
        "assert 'rich._emoji_codes' not in sys.modules, 'emoji table loaded'\n"
    )
    _in_a_fresh_interpreter(code)


def test_a_start_reads_the_models_and_messages_without_tomllib(tmp_path: Path) -> None:
    """tomllib (≈ 0.6 MiB resident, its parser and regular expressions) parses the package's
    TOML once per install; later starts read the parsed copies kept beside them, as bytecode.
    The first interpreter writes the copies (under its own pycache prefix here), the second
    builds a device, its model and its language, and must not load tomllib."""
    code = (
        "import sys\n"
        "from device_model import models\n"
        "from device_model.i18n import default_catalog\n"
        "assert models.default().model and models.get('ds-c490').model_id == 'ds-c490'\n"
        "assert default_catalog().translate('lv', 'error.370.status').startswith('Jums')\n"
        "print('tomllib' in sys.modules)\n"
    )
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert [r.stdout.strip() for r in runs] == ["True", "False"], "the second start parsed TOML again"
