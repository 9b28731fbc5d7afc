"""Script words for the guide's compatible-models steps (PAS To Email sign-in, the additional
network's refusal, the relay and its CA): every such step of the catalogue can be written in a
`.panel` script, each of those scenarios has a shipped script, and a bad line says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.scenarios import catalog, script

ROOT = Path(__file__).resolve().parents[2]
GUIDE_SCENARIOS = ("pas-need-admin-approval", "pas-361-one-user", "additional-network-oauth2-refused",
                   "313-untrusted-relay", "relay-ca-imported")
GUIDE_STEPS = (catalog.PasSignIn, catalog.PasSend, catalog.PasSignOut, catalog.SettingsRefused, catalog.Relay,
               catalog.RelayStop, catalog.ImportRelayCa, catalog.DeleteRelayCa)


@pytest.mark.parametrize("scenario_id", GUIDE_SCENARIOS)
def test_every_guide_step_of_the_catalogue_reads_back_from_its_own_words(scenario_id: str) -> None:
    steps = [s for s in catalog.get(scenario_id).steps if isinstance(s, GUIDE_STEPS)]
    assert steps, scenario_id
    for step in steps:
        (line,) = script.parse(step.describe())
        assert line.steps == (step,), step.describe()


@pytest.mark.parametrize("scenario_id", GUIDE_SCENARIOS)
def test_each_guide_scenario_has_a_shipped_script_that_parses(scenario_id: str) -> None:
    path = ROOT / "docs" / "scripts" / f"{scenario_id}.panel"
    lines = script.parse(path.read_text("utf-8"))
    assert any(isinstance(s, GUIDE_STEPS) for line in lines for s in line.steps), path
    assert scenario_id in (ROOT / "docs" / "SCENARIOS.md").read_text("utf-8")


def test_the_new_words_and_their_options() -> None:
    lines = script.parse("pas sign-in 1001 admin --org\npas to-email 1001 user@contoso.onmicrosoft.com\n"
                         "pas sign-out\nrelay start\nca import relay\nca delete relay\nrelay stop\n"
                         "expect refused email_server.network additional\n")
    steps = [s for line in lines for s in line.steps]
    assert steps == [catalog.PasSignIn("1001", "admin", org=True),
                     catalog.PasSend(to="user@contoso.onmicrosoft.com", user="1001"), catalog.PasSignOut(),
                     catalog.Relay(), catalog.ImportRelayCa(), catalog.DeleteRelayCa(), catalog.RelayStop(),
                     catalog.SettingsRefused("email_server", {"network": "additional"})]


def test_bad_guide_lines_are_each_reported_with_their_line() -> None:
    with pytest.raises(script.ScriptErrors) as info:
        script.parse("pas sign-in 1002\npas to-email 1002 nobody\nrelay open\nca import /etc/x.pem\n"
                     "expect refused email_server.nothing 1\npas sign-in 10;02 user\n")
    text = info.value.format("t.panel")
    assert "t.panel:1: usage: pas sign-in USER ACCOUNT" in text
    assert "t.panel:2: not an email address: 'nobody'" in text
    assert "t.panel:3: usage: relay start | relay stop" in text
    assert "t.panel:4: usage: ca import relay | ca delete relay" in text
    assert "t.panel:5: email_server has no field 'nothing'" in text
    assert "t.panel:6: a Print Admin Serverless user is an ID" in text


@pytest.mark.parametrize("where, value", [
    ("email_server", "1"), ("email_server.", "1"), (".network", "1"), ("nowhere.network", "1"),
    ("email_server.nothing", "1"), ("email_server.smtp_port", "many"),
])
def test_set_and_expect_refused_read_a_setting_alike(where: str, value: str) -> None:
    """One SECTION.FIELD VALUE reader: a bad setting is said the same after ``set`` and after
    ``expect refused``."""
    said = []
    for line in (f"set {where} {value}\n", f"expect refused {where} {value}\n"):
        with pytest.raises(script.ScriptErrors) as info:
            script.parse(line)
        said.append(info.value.format("t.panel").splitlines()[0])  # the message, not the line quoted
    assert said[0] == said[1] and said[0].startswith("t.panel:1: ")


def _keys(msg: object) -> list[str]:
    from device_model.i18n import Msg

    if not isinstance(msg, Msg):
        return []
    return [msg.key, *(k for v in msg.params.values() for k in _keys(v))]


def test_every_step_line_of_the_catalogue_has_words_in_english_and_latvian() -> None:
    """F4 › Scenarios shows each step's label in the panel's language (and each tenant change's
    outcome): a missing key would show the English script words or the key itself."""
    from cloud_sim.operations import SCENARIO_OPS
    from device_model.i18n import Catalog
    from panel_tui.scenarios.wording import label

    cat = Catalog()
    en, lv = cat.messages("en"), cat.messages("lv")
    wanted = {k for sc in catalog.SCENARIOS for step in sc.steps for k in _keys(label(step))}
    wanted |= {f"scenarios.outcome.tenant.{op.name}" for op in SCENARIO_OPS}
    for key in sorted(wanted):
        assert key in en and key in lv, key
        assert en[key] != lv[key] or key.startswith("cloud.faults.endpoint.smtp") or en[key] in ("{words}",), key
