"""Troubleshooting scenarios and tester scripts through the real stack.

One tenant per module (scenarios start from their baseline, so they can share it); a fresh
Device per test. msal signs in over HTTPS against the tenant, the browser part posts its HTML
forms, aiosmtplib sends over STARTTLS + XOAUTH2: nothing is faked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cloud_sim import TenantHandle, start_tenant
from device_model.device import Device
from device_model.email import EmailServiceProfile
from device_model.i18n import Catalog
from panel_tui.scenarios import catalog, cli, engine, runner, script

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "docs" / "scripts"


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TenantHandle]:
    h = start_tenant(tmp_path_factory.mktemp("scenarios") / "tenant", device_code_interval=1)
    yield h
    h.stop()


@pytest.fixture
def device(tenant: TenantHandle, tmp_path: Path) -> Device:
    dev = Device(tmp_path / "device")
    dev.email.set_profile(EmailServiceProfile.from_tenant(tenant))
    return dev


#: the printer's SMTP timeout for the scenarios whose server never answers: a tester's device
#: setting (Network, emulator only; 20 s by default as on the printer), so they do not wait 20 s
SHORT_SMTP_TIMEOUT_S = 2


def _quick(scenario: catalog.Scenario) -> catalog.Scenario:
    """The scenario with a short SMTP timeout set right after its baseline, where it waits one out."""
    if not any(isinstance(s, catalog.Fault) and s.kind == "hang" for s in scenario.steps):
        return scenario
    first, *rest = scenario.steps
    return replace(scenario, steps=(first, catalog.settings("network", smtp_timeout_s=SHORT_SMTP_TIMEOUT_S), *rest))


@pytest.mark.parametrize("scenario", catalog.SCENARIOS, ids=[s.id for s in catalog.SCENARIOS])
async def test_every_scenario_gives_its_code(scenario: catalog.Scenario, device: Device, tenant: TenantHandle) -> None:
    result = await engine.run(_quick(scenario), device, tenant)
    assert result.ok, [(o.label, o.text) for o in result.failures]
    assert result.code == scenario.code
    assert device.jobs.log[0].id == result.job.id
    if scenario.code != "completed":
        assert device.jobs.log[0].code == scenario.code


async def test_a_server_that_never_answers_is_given_up_on_after_the_set_smtp_timeout(
        device: Device, tenant: TenantHandle) -> None:
    """313-smtp-no-answer waits the printer's SMTP timeout: 20 s by default, as the tester sets it."""
    assert device.settings.network.smtp_timeout_s == 20
    started = time.monotonic()
    result = await engine.run(_quick(catalog.get("313-smtp-no-answer")), device, tenant)
    waited = time.monotonic() - started
    assert result.ok and result.code == 313
    assert SHORT_SMTP_TIMEOUT_S <= waited < 15, waited
    assert device.settings.network.smtp_timeout_s == SHORT_SMTP_TIMEOUT_S


async def test_latvian_tenant_outcomes_agree_with_what_is_switched(device: Device, tenant: TenantHandle) -> None:
    """F4 › Scenarios in Latvian: "on"/"off" take the gender and number of what they describe
    (drošības noklusējumi ieslēgti, SMTP AUTH izslēgta, plūsmas ieslēgtas), not one masculine word."""
    steps = [catalog.tenant("security-defaults", enabled=True), catalog.tenant("org-smtp-auth", enabled=False),
             catalog.tenant("mailbox-smtp-auth", upn="printer", value=True),
             catalog.tenant("public-client-flows", enabled=False), catalog.tenant("security-defaults", enabled=False),
             catalog.tenant("org-smtp-auth", enabled=True), catalog.tenant("public-client-flows", enabled=True)]
    try:
        outcomes = await engine.Session(device, tenant).run_steps(steps)
    finally:
        await engine.Session(device, tenant).run_steps([catalog.tenant("reset")])
    cat = Catalog()
    said = [cat.translate("lv", o.msg) for o in outcomes]
    assert said == ["drošības noklusējumi: ieslēgti", "SMTP AUTH organizācijai: izslēgta",
                    "SMTP AUTH pastkastei printer@contoso.onmicrosoft.com: ieslēgta",
                    "publiskā klienta plūsmas: izslēgtas", "drošības noklusējumi: izslēgti",
                    "SMTP AUTH organizācijai: ieslēgta", "publiskā klienta plūsmas: ieslēgtas"], said
    assert [cat.translate("en", o.msg) for o in outcomes][:2] == ["security defaults on", "SMTP AUTH for the organisation off"]


def test_catalog_is_complete_and_translated() -> None:
    codes = {s.code for s in catalog.SCENARIOS}
    assert {360, 361, 370, 311, 312, 313, 314, "completed"} <= codes
    assert len(catalog.BY_ID) == len(catalog.SCENARIOS)
    cat = Catalog()
    for lang in ("en", "lv"):
        messages = cat.messages(lang)
        for sc in catalog.SCENARIOS:
            assert sc.title.key in messages and sc.description.key in messages, (lang, sc.id)
            assert isinstance(sc.steps[0], catalog.Baseline) and isinstance(sc.steps[-1], catalog.ExpectJob)


async def test_apply_stops_before_the_send_and_leaves_the_state(device: Device, tenant: TenantHandle) -> None:
    result = await engine.apply(catalog.get("361-expired"), device, tenant)
    assert result.ok and result.job is None and result.code is None
    assert device.jobs.log == []  # nothing was sent
    assert device.email.status().state == "expired"  # what Web Config now shows


async def test_example_scripts_run(device: Device, tenant: TenantHandle) -> None:
    for name in ("all-error-codes.panel", "expired-361.panel"):
        lines = script.parse((SCRIPTS / name).read_text("utf-8"))
        out: list[str] = []
        result = await runner.run_lines(lines, device, tenant, out=out.append, name=name)
        assert result.exit_code == script.EXIT_OK, "\n".join(out)
        assert len(result.checks) >= 5
        assert all(line.startswith(f"{name}:") for line in out)


async def test_expect_failure_and_step_error_are_reported_by_line(device: Device, tenant: TenantHandle) -> None:
    # (a short name that is no account is a line error before the run: test_script_checks_before_running)
    text = ("baseline\n# the device is signed out now\nexpect status signed_in\nsign-in nobody@contoso.onmicrosoft.com\n"
            "expect job 360\n")
    out: list[str] = []
    result = await runner.run_lines(script.parse(text), device, tenant, out=out.append, name="t.panel")
    assert result.failed[0][0] == 3 and result.error is not None and result.error.line == 4
    assert result.exit_code == script.EXIT_ERROR
    assert any(line.startswith("t.panel:3: FAIL expect status signed_in") for line in out)
    assert any(line.startswith("t.panel:4: ERROR sign-in nobody@contoso.onmicrosoft.com: the password of "
                               "nobody@contoso.onmicrosoft.com is unknown") for line in out)
    assert len(out) == 3  # stopped at line 4

    out.clear()
    result = await runner.run_lines(script.parse("baseline\nexpect job completed\n"), device, tenant, out=out.append)
    assert result.exit_code == script.EXIT_EXPECT_FAILED  # no job yet: a failed check, not a crash


async def test_password_change_is_followed_and_never_printed(device: Device, tenant: TenantHandle) -> None:
    admin = next(a for a in tenant.accounts if a.username.startswith("admin@"))
    new = "Scenario-Passw0rd-42"
    text = ("scenario ok-signed-in --send\n"
            f"tenant set-password admin {new}\n"
            "scan-to-email user@contoso.onmicrosoft.com\nexpect job 370\n"
            "sign-in admin\nscan-to-email user@contoso.onmicrosoft.com\nexpect job completed\n"
            f"tenant set-password admin '{admin.password}'\n")
    out: list[str] = []
    try:
        result = await runner.run_lines(script.parse(text), device, tenant, out=out.append)
    finally:
        tenant.admin.set_password(admin.username, admin.password)  # the module's tenant is shared
    assert result.exit_code == script.EXIT_OK, "\n".join(out)
    printed = "\n".join(out)
    assert new not in printed and admin.password not in printed and "eyJ" not in printed
    assert "tenant set-password admin ********: password of admin@" in printed  # the line as written, masked


def test_malformed_script_gets_line_numbered_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.panel"
    bad.write_text("# fine\nsign-in admin\nscenaro 361-expired\nadvance 91x\n\n"
                   'tenant ca-add "Block printers\nset email_server.smtp_prot 25\nexpect job soon\n')
    rc = cli.main(["run", str(bad)])  # checked before anything starts: no tenant needed
    err = capsys.readouterr().err
    assert rc == script.EXIT_ERROR
    for line, part in [(3, "unknown command 'scenaro' (did you mean 'scenario'?)"), (4, "not a duration: '91x'"),
                       (6, "cannot split the line: No closing quotation"), (7, "email_server has no field 'smtp_prot'"), (8, "expect job takes")]:
        assert f"{bad}:{line}: {part}" in err, err
    assert "Traceback" not in err and f"{bad}:2:" not in err
    with pytest.raises(script.ScriptErrors) as info:
        script.parse("expect status maybe\n")
    assert info.value.errors[0].line == 1


def test_cli_runs_a_script_then_applies_a_scenario_in_a_state_dir(tmp_path: Path) -> None:
    """What a tester types: the embedded tenant is started in DIR/tenant, as the panel keeps it."""
    state = tmp_path / "state"
    out: list[str] = []
    rc = cli.main(["run", str(SCRIPTS / "expired-361.panel"), "--state-dir", str(state)], out=out.append,
                  err=out.append)
    assert rc == 0, "\n".join(out)
    assert out[-1].endswith("all passed")
    assert (state / "tenant" / "tenant.sqlite3").exists() and not (state / "tenant" / "run.json").exists()

    out.clear()
    rc = cli.main(["apply", "370-revoked", "--state-dir", str(state)], out=out.append, err=out.append)
    assert rc == 0, "\n".join(out)
    again = Device(state)  # what `panel-tui --state-dir DIR` would open
    assert again.email.status().state == "signed_in"  # revoked at the tenant; the device finds out on send
    assert again.jobs.log == []  # apply's baseline is a full reset (the script's jobs went) and it sent none

    out.clear()
    assert cli.main(["apply", "no-such-scenario"], out=out.append, err=out.append) == script.EXIT_ERROR
    assert "unknown scenario" in out[-1]
