"""Helpers for the identity-platform tests: msal and requests clients that trust only the
tenant's CA (trust_env off, because REQUESTS_CA_BUNDLE would override ``verify``)."""

from __future__ import annotations

from typing import Any

import requests

from cloud_sim import TenantHandle
from cloud_sim.signin import SignInClient

SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"


def http(h: TenantHandle) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = str(h.ca_cert_path)
    return s


def msal_app(h: TenantHandle, *, client_id: str | None = None, tenant: str = "organizations",
             cache: Any = None):
    import msal

    return msal.PublicClientApplication(
        client_id or h.client_id, authority=h.authority(tenant), instance_discovery=False,
        http_client=http(h), token_cache=cache)


def account(h: TenantHandle, prefix: str):
    return next(a for a in h.accounts if a.username.startswith(prefix + "@"))


def start_flow(app) -> dict:
    flow = app.initiate_device_flow(scopes=[SMTP_SCOPE])
    assert "user_code" in flow, flow
    return flow


def sign_in(h: TenantHandle, flow: dict, who: str = "admin", *, password: str | None = None,
            accept: bool = True, org: bool = True):
    acct = account(h, who)
    with SignInClient(h.base_url, h.ca_cert_path) as c:
        return c.sign_in(flow["user_code"], acct.username, password or acct.password,
                         accept=accept, on_behalf_of_org=org)


def poll_once(app, flow: dict) -> dict:
    """One poll at the token endpoint (msal's loop with an exit after the first pending)."""
    calls = {"n": 0}

    def exit_condition(_flow):
        calls["n"] += 1
        return calls["n"] > 1

    return app.acquire_token_by_device_flow(flow, exit_condition=exit_condition)
