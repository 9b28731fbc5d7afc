"""Step lines in the panel's language: each step's label, and the words of its outcome.

The command line and the results (text, JSON, JUnit) keep a step's script words
(``step.describe()``) and its English outcome, byte for byte, so runs compare across machines.
F4 › Scenarios shows the same run to a person in the panel's language: :func:`label` names the
step (``scenarios.step.*``) and handlers hand the outcome's words as a :class:`Msg` beside the
English text (``scenarios.outcome.*``, both in ``device_model/locales/*/scenarios.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from device_model.i18n import Msg, default_catalog
from panel_tui.scenarios import catalog, expectations


def on_off(value: object, op: str = "") -> Msg:
    """On or off (None: follows the organisation), as a word of the panel's language.

    Latvian participles agree in gender and number with what tenant switch ``op`` names
    (drošības noklusējumi ieslēgti, SMTP AUTH ieslēgta, plūsmas ieslēgtas), as the panel's
    ``on_f``/``off_f`` do: a switch with its own ``scenarios.word.on.<op>`` key takes that word.
    """
    if value is None:
        return Msg.of("scenarios.word.follows_org")
    key = f"scenarios.word.{'on' if value else 'off'}"
    if op and default_catalog().has("en", f"{key}.{op}"):
        key = f"{key}.{op}"
    return Msg.of(key)


def result_word(result: object) -> Msg | str:
    """A job's result as checks compare it: ``completed`` in words, an error code as itself."""
    if result in ("completed", "canceled", "cancelled"):
        return Msg.of(f"scenarios.word.{'canceled' if result == 'cancelled' else result}")
    if result == "not_set":  # checks.NOT_SET: the panel's "Not set"
        return Msg.of("device.job.status.not_set")
    return str(result)


def _amount(step: catalog.Advance) -> str:
    return " ".join(f"{int(v) if float(v).is_integer() else v}{u}"
                    for v, u in ((step.days, "d"), (step.hours, "h"), (step.minutes, "m")) if v) or "0m"


def _values(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={'********' if k == 'password' else v}" for k, v in values.items())


def label(step: object) -> Msg:
    """What the step does, in the panel's language (its script words are ``step.describe()``)."""
    s: Any = step
    if isinstance(step, catalog.Baseline):
        return Msg.of("scenarios.step.baseline")
    if isinstance(step, catalog.SignIn):
        key = "sign_in" if step.commit else "sign_in_no_ok"
        return Msg.of(f"scenarios.step.{key if step.accept else 'sign_in_decline'}", account=step.account)
    if isinstance(step, catalog.Commit):
        return Msg.of("scenarios.step.commit")
    if isinstance(step, catalog.SignOut):
        return Msg.of("scenarios.step.sign_out")
    if isinstance(step, catalog.Tenant):
        return Msg.of("scenarios.step.tenant")  # the outcome says what changed
    if isinstance(step, catalog.Advance):
        which = "both" if (step.tenant and step.device) else ("tenant" if step.tenant else "device")
        return Msg.of(f"scenarios.step.advance_{which}", amount=_amount(step))
    if isinstance(step, catalog.Settings):
        return Msg.of("scenarios.step.settings", section=step.section, values=_values(step.values))
    if isinstance(step, catalog.PasSend):  # before SendScan: a PAS send is a kind of it
        return Msg.of("scenarios.step.pas_send", user=step.user, to=step.to)
    if isinstance(step, catalog.SendScan):
        return Msg.of("scenarios.step.send_scan", to=step.to)
    if isinstance(step, catalog.ReceiveFax):
        return Msg.of("scenarios.step.receive_fax")
    if isinstance(step, catalog.Fault):
        return Msg.of("scenarios.step.fault_clear" if step.kind == "clear" else "scenarios.step.fault",
                      fault=fault_words(step.kind, dict(step.args)))
    if isinstance(step, catalog.PasSignOut):
        return Msg.of("scenarios.step.pas_sign_out")
    if isinstance(step, catalog.PasSignIn):
        return Msg.of("scenarios.step.pas_sign_in_org" if step.org else "scenarios.step.pas_sign_in",
                      user=step.user, account=step.account)
    if isinstance(step, catalog.SettingsRefused):
        return Msg.of("scenarios.step.settings_refused", section=step.section, values=_values(step.values))
    if isinstance(step, catalog.Relay):
        return Msg.of("scenarios.step.relay_start")
    if isinstance(step, catalog.RelayStop):
        return Msg.of("scenarios.step.relay_stop")
    if isinstance(step, catalog.ImportRelayCa):
        return Msg.of("scenarios.step.ca_import_relay")
    if isinstance(step, catalog.DeleteRelayCa):
        return Msg.of("scenarios.step.ca_delete_relay")
    if isinstance(step, expectations.ExpectJob):
        return Msg.of("scenarios.step.expect_job", result=result_word(step.expected))
    if isinstance(step, expectations.ExpectSignIn):
        code = f" AADSTS{step.aad_code}" if step.aad_code else ""
        return Msg.of("scenarios.step.expect_sign_in", state=Msg.of(f"scenarios.word.attempt.{step.state}"),
                      code=code)
    if isinstance(step, expectations.ExpectStatus):
        return Msg.of("scenarios.step.expect_status", state=Msg.of(f"scenarios.word.status.{step.state}"))
    if isinstance(step, expectations.ExpectReply):
        return Msg.of("scenarios.step.expect_reply", pattern=step.pattern)
    if isinstance(step, expectations.ExpectPanel):
        return Msg.of("scenarios.step.expect_panel", pattern=step.pattern)
    if isinstance(step, expectations.ExpectMail):
        return Msg.of("scenarios.step.expect_mail", what=s.describe().removeprefix("expect mail").strip())
    return Msg.of("scenarios.step.other", words=s.describe())


def fault_words(kind: str, args: Mapping[str, Any]) -> Msg:
    """A network fault in words (the tenant's own sentence is English: ``cloud_sim.faults``)."""
    endpoint = str(args.get("endpoint", ""))
    where = Msg.of(f"cloud.faults.endpoint.{endpoint}") if endpoint else ""
    if kind == "latency":
        return Msg.of("cloud.faults.is.latency", endpoint=where, ms=args.get("ms", "?"))
    if kind == "reset":
        return Msg.of("cloud.faults.is.reset", endpoint=where, bytes=args.get("bytes", "?"))
    if kind == "hang":
        return Msg.of("cloud.faults.is.hang", endpoint=where)
    if kind == "idp-down":
        return Msg.of("cloud.faults.is.idp_down")
    if kind == "smtp":
        return Msg.of("cloud.faults.is.smtp", code=args.get("code", "?"))
    return Msg.of("scenarios.outcome.no_faults")
