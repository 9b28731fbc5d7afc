"""Troubleshooting scenarios as data: how to reach each error code of the guide on demand.

A scenario is a list of steps from a small vocabulary (:mod:`panel_tui.scenarios.steps`). The steps say *what* a tester
would do (sign in, flip a tenant switch, let 91 days pass, change a setting, scan to email) and
the engine (:mod:`panel_tui.scenarios.engine`) does it through the real stack: msal against the
tenant's identity platform, aiosmtplib against its Exchange SMTP. Nothing is faked, so a
scenario proves the device's behaviour rather than describing it.

Every catalog scenario starts with :class:`Baseline` (the tenant's switches as in the prepared
preset, the device signed out and set up as after guide steps 4-5), so scenarios can run one
after another against the same tenant. Clocks only move forward; nothing here needs them back.

Titles and descriptions are message keys (``device_model/locales/*/scenarios.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from device_model.email.profiles import SERVICE_ENDPOINTS
from device_model.i18n import Msg
from panel_tui.scenarios.steps import (  # noqa: F401 - handed on, see __all__
    BASELINE_EMAIL_SERVER, BASELINE_SCAN, DEFAULT_TO, FREE_PORT, Advance, Baseline, Commit,
    DeleteRelayCa, ExpectJob, ExpectMail, ExpectPanel, ExpectReply, ExpectSignIn, ExpectStatus,
    Fault, ImportRelayCa, PasSend, PasSignIn, PasSignOut, ReceiveFax, Relay, RelayStop, SendScan,
    Settings, SettingsRefused, SignIn, SignOut, Step, Tenant, fault, settings, tenant,
)

#: the step vocabulary is handed on: scenario tests and scripts write ``catalog.SignIn("admin")``
__all__ = [
    "BASELINE_EMAIL_SERVER", "BASELINE_SCAN", "DEFAULT_TO", "FREE_PORT", "Advance", "Baseline",
    "Commit", "DeleteRelayCa", "ExpectJob", "ExpectMail", "ExpectPanel", "ExpectReply",
    "ExpectSignIn", "ExpectStatus", "Fault", "ImportRelayCa", "PasSend", "PasSignIn", "PasSignOut",
    "ReceiveFax", "Relay", "RelayStop", "SendScan", "Settings", "SettingsRefused", "SignIn",
    "SignOut", "Step", "Tenant", "fault", "settings", "tenant", "FAX_SERVER_OAUTH2", "SCENARIOS",
    "BY_ID", "Scenario", "get",
]

# -- scenarios -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """An id, its title and description (message keys) and the steps.

    The steps end with the check: a :class:`SendScan` and its :class:`ExpectJob`. ``setup``
    are the steps before that final send (what ``apply`` does when asked not to send).
    """

    id: str
    steps: tuple[Step, ...]
    code: Union[int, str]  # the code the final send must give ("completed" for success)

    @property
    def title(self) -> Msg:
        return Msg.of(f"scenarios.{self.key}.title")

    @property
    def description(self) -> Msg:
        return Msg.of(f"scenarios.{self.key}.description")

    @property
    def key(self) -> str:
        return self.id.replace("-", "_")

    @property
    def setup(self) -> tuple[Step, ...]:
        last = max((i for i, s in enumerate(self.steps) if isinstance(s, (SendScan, ReceiveFax))),
                   default=len(self.steps))
        return self.steps[:last]


def _scenario(id: str, code: Union[int, str], *setup: Step, to: str = DEFAULT_TO) -> Scenario:
    return Scenario(id, (Baseline(), *setup, SendScan(to), ExpectJob(code)), code)


def _fax_scenario(id: str, code: Union[int, str], *setup: Step) -> Scenario:
    """The Fax Server forwards a received fax (Fax > Fax Server > Email Server Settings)."""
    return Scenario(id, (Baseline(), *setup, ReceiveFax(), ExpectJob(code)), code)


def _pas_scenario(id: str, code: Union[int, str], *setup: Step, user: str) -> Scenario:
    """Print Admin Serverless user ``user`` sends with To Email (guide p. 9); no user holds a
    sign-in at the start."""
    return Scenario(id, (Baseline(), PasSignOut(), *setup, PasSend(user=user), ExpectJob(code)), code)


#: the Fax Server's settings of the fax scenarios: OAuth2 to Exchange Online, forwarded to user@
FAX_SERVER_OAUTH2 = dict(auth_method="oauth2", email_service="exchange_online",
                         smtp_server=SERVICE_ENDPOINTS["exchange_online"].smtp_host,  # what Web Config fills in
                         smtp_port=587, secure="starttls", sender_address="admin@contoso.onmicrosoft.com",
                         forward_to="user@contoso.onmicrosoft.com")


SCENARIOS: tuple[Scenario, ...] = (
    _scenario("ok-signed-in", "completed", SignIn("admin")),
    _scenario("fresh-tenant", 312,
              tenant("security-defaults", enabled=True), tenant("org-smtp-auth", enabled=False),
              tenant("mailbox-smtp-auth", upn="printer", value=None), tenant("consent-revoke"),
              SignIn("admin")),
    _scenario("360-not-saved", 360, SignIn("admin", commit=False)),
    _scenario("360-sign-in-blocked", 360,
              tenant("ca-add", name="Block device code flow", block_device_code_flow=True),
              SignIn("admin", may_fail=True), ExpectSignIn("failed", 53003)),
    _scenario("361-expired", 361, SignIn("admin"), Advance(days=91)),
    _scenario("370-revoked", 370, SignIn("admin"), tenant("revoke-sessions", upn="admin")),
    _scenario("370-conditional-access", 370, SignIn("admin"),
              tenant("ca-add", name="Block printers"), Advance(hours=2)),
    _scenario("312-smtp-auth-off", 312, SignIn("admin"), tenant("org-smtp-auth", enabled=False)),
    _scenario("312-security-defaults", 312, SignIn("admin"), tenant("security-defaults", enabled=True)),
    _scenario("313-unreachable", 313, SignIn("admin"),
              settings("email_server", smtp_server="127.0.0.1", smtp_port=FREE_PORT)),
    _scenario("311-unknown-host", 311, SignIn("admin"),
              settings("email_server", smtp_server="smtp.contoso-nonexistent.example")),
    _scenario("314-too-large", 314, SignIn("admin"), tenant("message-size-limit", size=1500)),
    # network faults of the simulated tenant (cloud_sim.faults)
    _scenario("ok-slow-network", "completed", SignIn("admin"), fault("latency", endpoint="smtp", ms=1500),
              fault("latency", endpoint="idp", ms=500)),
    _scenario("313-smtp-no-answer", 313, SignIn("admin"), fault("hang", endpoint="smtp")),
    _scenario("313-connection-reset", 313, SignIn("admin"), fault("reset", endpoint="smtp", bytes=100)),
    _scenario("313-smtp-busy", 313, SignIn("admin"), fault("smtp", code=451)),
    _scenario("313-smtp-unavailable", 313, SignIn("admin"), fault("smtp", code=421)),
    _scenario("360-identity-down", 360, fault("idp-down"), SignIn("admin", may_fail=True), ExpectSignIn("failed")),
    # the Fax Server's own sign-in: the Email Server's (signed in) does not serve it
    _fax_scenario("fax-360-not-signed-in", 360, SignIn("admin"), settings("fax_server", **FAX_SERVER_OAUTH2)),
    _fax_scenario("fax-313-unreachable", 313,
                  settings("fax_server", **{**FAX_SERVER_OAUTH2, "auth_method": "off", "email_service": None,
                                            "smtp_server": "127.0.0.1", "smtp_port": FREE_PORT, "secure": "none"})),
    # Print Admin Serverless: an ordinary user before the administrator's consent for the organisation
    _pas_scenario("pas-need-admin-approval", 360, tenant("consent-revoke"),
                  PasSignIn("1002", "user", may_fail=True), ExpectSignIn("failed", 65001), user="1002"),
    # each user's sign-in expires on its own: the administrator's after 91 idle days, not the user's
    _pas_scenario("pas-361-one-user", 361, PasSignIn("1001", "admin", org=True), PasSignIn("1002", "user"),
                  Advance(days=60), PasSend(user="1002"), ExpectJob("completed"), Advance(days=31),
                  PasSend(user="1002"), ExpectJob("completed"), user="1001"),
    # a relay with its own CA: untrusted until Network Security > CA Certificate imports its CA
    _scenario("313-untrusted-relay", 313, Relay()),
    _scenario("relay-ca-imported", "completed", Relay(), ImportRelayCa()),
    # guide p. 5: OAuth2 email is refused on the additional network; the standard network still sends
    _scenario("additional-network-oauth2-refused", "completed", SignIn("admin"),
              SettingsRefused("email_server", {"network": "additional"})),
)

BY_ID: Mapping[str, Scenario] = {s.id: s for s in SCENARIOS}


def get(scenario_id: str) -> Scenario:
    """The scenario with this id; KeyError names the closest id (a typo), else the known ids."""
    try:
        return BY_ID[scenario_id]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(scenario_id, list(BY_ID), n=1)
        if near:  # a typo: the one it was meant to be, not all 25 ids to search through
            raise KeyError(f"unknown scenario {scenario_id!r} (did you mean {near[0]!r}?); "
                           "panel-tui scenarios list shows them all") from None
        raise KeyError(f"unknown scenario {scenario_id!r}; known: {', '.join(BY_ID)}") from None
