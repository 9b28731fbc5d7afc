"""Device models as data: the catalogue, the default kept exactly as before, the model kept with
the state dir, and features that decide what a model shows."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from device_model import Device, models
from device_model.profile import DeviceProfile


def test_catalogue_has_a_full_model_the_default_and_an_additional_network() -> None:
    entries = models.catalogue()
    assert entries[0].default and entries[0].id == "wf-c5890"
    features = {e.id: e.profile.features for e in entries}
    assert features["wf-c5890"] == {"print"}
    assert features["am-c4000"] == {"print", "fax", "fax_server", "print_admin_serverless", "additional_network"}
    assert {"additional_network", "fax", "fax_server"} <= features["wf-c879r"]
    assert len({e.profile.serial_number for e in entries}) == len(entries)


def test_default_model_is_the_profile_panel_tui_always_had() -> None:
    """Existing state dirs and snapshots: the default model changes nothing."""
    assert models.default() == DeviceProfile()
    assert models.get("ds-c490").has_general_settings is False


def test_model_is_kept_with_the_state_dir(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert models.for_state_dir(state).model_id == "wf-c5890"  # nothing written for the default
    assert not (state / models.MODEL_FILE).exists()
    assert models.for_state_dir(state, "AM-C4000").model_id == "am-c4000"
    assert stat.S_IMODE((state / models.MODEL_FILE).stat().st_mode) == 0o600
    assert models.for_state_dir(state).model_id == "am-c4000"  # a later start without --model
    dev = Device(state, profile=models.for_state_dir(state))
    assert dev.profile.serial_number == "X7QA020406"


def test_unknown_model_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(models.UnknownModel, match="wf-c5890"):
        models.for_state_dir(tmp_path, "lx-9000")
    (tmp_path / models.MODEL_FILE).write_text("{not json")
    assert models.for_state_dir(tmp_path).model_id == "wf-c5890"  # a broken file: the default


def test_listing_names_every_model_and_its_features() -> None:
    text = models.listing()
    for entry in models.catalogue():
        assert entry.id in text and entry.profile.model in text
    assert "Fax Server email" in text and "(default)" in text


def test_oauth2_over_the_additional_network_is_refused(tmp_path: Path) -> None:
    from device_model.validation import ValidationError

    dev = Device(tmp_path, profile=models.get("wf-c879r"))
    dev.update("email_server", network="additional")  # fine with SMTP AUTH / Off
    with pytest.raises(ValidationError) as info:
        dev.update("email_server", auth_method="oauth2", email_service="exchange_online")
    assert info.value.errors["network"].key == "addnet.oauth2_refused"
    assert dev.settings.email_server.auth_method == "off"  # nothing saved
    assert "does not support OAuth" in dev.t("addnet.guide_note")
    dev.update("basic", language="lv")
    assert "neatbalsta OAuth2.0" in dev.t("addnet.guide_note")


def test_status_sheet_names_the_model_and_its_additional_network(tmp_path: Path) -> None:
    from device_model.status_sheet import sheet_sections

    def facts(dev: Device) -> list[str]:
        return [dev.t(h) for h, _ in sheet_sections(dev)] + [
            str(r.value) for _, rows in sheet_sections(dev) for r in rows
        ]

    full = facts(Device(tmp_path / "a", profile=models.get("am-c4000")))
    assert "EPSON AM-C4000 Series (simulated)" in full and "Additional Network Status" in full
    assert "10.20.30.42" in full
    plain = facts(Device(tmp_path / "b", profile=models.default()))
    assert "Additional Network Status" not in plain


def test_restore_default_settings_forgets_fax_pas_and_ca_but_keeps_the_model(tmp_path: Path) -> None:
    from cloud_sim.ca import ensure_ca
    from device_model.pas import pas_for

    state = tmp_path / "state"
    dev = Device(state, profile=models.for_state_dir(state, "am-c4000"))
    (tmp_path / "relay").mkdir(mode=0o700)
    dev.trust.import_file(ensure_ca(tmp_path / "relay").ca_cert)
    pas_for(dev).set_sender_mode("device")
    dev.update("fax_server", forward_to="faxes@provider.example")
    (state / "fax_server" / "email").mkdir(parents=True)
    (state / "fax_server" / "email" / "signin.json").write_text("{}")
    dev.factory_reset()
    assert dev.trust.list() == [] and not (state / "fax_server").exists()
    assert pas_for(dev).sender_mode == "user"
    assert dev.settings.fax_server.forward_to == ""
    assert models.for_state_dir(state).model_id == "am-c4000"


def test_scripts_know_receive_fax() -> None:
    from panel_tui.scenarios import catalog, script

    lines = script.parse("baseline\nset fax_server.forward_to user@contoso.onmicrosoft.com\nreceive-fax\nexpect job 360\n")
    steps = [s for line in lines for s in line.steps]
    assert any(isinstance(s, catalog.ReceiveFax) for s in steps)
    assert catalog.get("fax-360-not-signed-in").setup[-1] == catalog.settings(
        "fax_server", **catalog.FAX_SERVER_OAUTH2)  # apply stops before the fax arrives


def test_a_scanner_does_not_print() -> None:
    """The DS-C490 is a scanner: its model data says it does not print (REFERENCE.md: simpler
    devices drop parts), and the listing says so; every other model prints."""
    for entry in models.catalogue():
        assert entry.profile.has("print") == (entry.id != "ds-c490"), entry.id
    lines = models.listing().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("ds-c490"))
    assert "scanner: no print" in lines[at + 2]


def test_fax_mfps_say_which_variant_and_whether_fax_is_emulated() -> None:
    """The WF-C5890 and WF-C879R are sold as fax MFPs (WF-C5890DWF, WF-C879RDWF): the listing
    names the variant; the WF-C879R has fax, and the default says its fax is not emulated (so a
    trainer does not read "no fax" as the emulator getting the product wrong)."""
    lines = models.listing().splitlines()
    c5890 = lines.index(next(line for line in lines if line.startswith("wf-c5890")))
    assert "as WF-C5890DWF" in lines[c5890 + 1] and "fax is not emulated" in lines[c5890 + 3]
    c879r = lines.index(next(line for line in lines if line.startswith("wf-c879r")))
    assert "as WF-C879RDWF" in lines[c879r + 1] and lines[c879r + 2].split()[0] == "fax,"
    assert all(len(line) <= 80 for line in lines)


def test_a_failed_fax_scenario_does_not_say_forwarded() -> None:
    """Cloud > Scenarios' fax line: a 360 forwarded nothing, so it must not read "forwarded to"."""
    from types import SimpleNamespace

    from device_model.i18n import Catalog
    from panel_tui.scenarios.engine import fax_job_key

    failed = SimpleNamespace(status="error")
    assert fax_job_key(failed) == "scenarios.outcome.fax_job_failed"
    assert fax_job_key(SimpleNamespace(status="completed")) == "scenarios.outcome.fax_job"
    cat = Catalog()
    en = cat.translate("en", fax_job_key(failed), id=3, to="a@b.c", result="360", extra="")
    lv = cat.translate("lv", fax_job_key(failed), id=3, to="a@b.c", result="360", extra="")
    assert en == "fax job 3 not forwarded to a@b.c: 360" and "netika pārsūtīts" in lv


def test_another_model_on_a_state_dir_names_the_printer_after_its_own_mac(tmp_path: Path) -> None:
    """`--model ds-c490` on an AM-C4000's state dir showed "EPSON" + the AM-C4000's MAC beside the
    DS-C490's MAC. The settings move over, the factory name follows the new MAC, and a name the
    user typed is kept."""
    state = tmp_path / "printer"
    am = Device(state, profile=models.for_state_dir(state, "am-c4000"))
    am.update("basic", language="lv")
    assert am.network_status().device_name == models.get("am-c4000").default_device_name
    ds = Device(state, profile=models.for_state_dir(state, "ds-c490"))
    assert ds.network_status().device_name == models.get("ds-c490").default_device_name
    assert ds.settings.basic.language == "lv"  # what was saved stays saved
    again = Device(state, profile=models.for_state_dir(state))  # a later start without --model
    assert again.network_status().device_name == models.get("ds-c490").default_device_name

    typed = tmp_path / "typed"
    Device(typed, profile=models.for_state_dir(typed, "am-c4000")).update("network", device_name="OFFICE-2F")
    assert Device(typed, profile=models.for_state_dir(typed, "ds-c490")).network_status().device_name == "OFFICE-2F"
