"""What the panel knows about a simulated tenant, whatever its source, and how it reads it.

Kept apart from :mod:`panel_tui.cloud_link` (which decides where the email service lives): these
are the facts the surfaces show (URLs, CA, the default accounts as sign-in hints) and the reads
of a running tenant over HTTPS (``/_sim/info``, its admin API), shared by the embedded tenant's
process and a ``--cloud URL`` tenant alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover - typing only
    import ssl

    from cloud_sim.jsontypes import JsonObject
    from panel_tui.remote_admin import RemoteTenantAdmin

#: the SMTP submission port when a remote tenant does not say (Microsoft's endpoints, used with
#: ``--email-service``, are the device's email profiles: ``device_model.email.profiles``)
SMTP_PORT = 587


@dataclass
class DefaultAccountHint:
    """A default tenant account, shown as a prefilled hint on the Cloud sign-in pages."""

    username: str
    password: str
    role: str
    display_name: str = ""


@dataclass
class TenantInfo:
    """What the surfaces need to know about the tenant, whatever its source."""

    base_url: str = ""
    verification_uri: str = ""
    ca_cert_path: Path | None = None
    client_id: str = ""
    tenant_domain: str = ""
    smtp_host: str = ""
    smtp_port: int = SMTP_PORT
    accounts: list[DefaultAccountHint] = field(default_factory=list)


def info_from_facts(base: str, ca: Path | None, info: JsonObject, *, client_id: str) -> TenantInfo:
    """What the surfaces need, from a running tenant's ``/_sim/info`` facts (the embedded
    tenant's process says the same facts in its ready line)."""
    host = urlsplit(base).hostname or "127.0.0.1"
    domain = str(info.get("tenant_domain") or "")
    return TenantInfo(
        base_url=base,
        verification_uri=str(info.get("verification_uri") or f"{base}/devicelogin"),
        ca_cert_path=ca,
        client_id=client_id,
        tenant_domain=domain,
        smtp_host=str(info.get("smtp_host") or host),
        smtp_port=int(str(info.get("smtp_port") or SMTP_PORT)),
        accounts=_default_hints(domain),
    )


def _default_hints(domain: str) -> list[DefaultAccountHint]:
    """A running tenant does not publish passwords; its default accounts are documented."""
    if not domain:
        return []
    from cloud_sim.accounts import default_accounts

    return [
        DefaultAccountHint(a.username, a.password, a.role, a.display_name)
        for a in default_accounts(domain)
    ]


def _ssl_context(ca: Path | None) -> ssl.SSLContext:
    import ssl  # only for --cloud URL: keeps the panel's start-up free of it

    return ssl.create_default_context(cafile=str(ca) if ca else None)


def fetch_sim_info(base_url: str, ca: Path | None, timeout: float = 10.0) -> JsonObject:
    """Read ``{url}/_sim/info`` (client id, SMTP port, accounts) from a running tenant."""
    import urllib.request

    request = urllib.request.Request(f"{base_url}/_sim/info", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout, context=_ssl_context(ca)) as reply:
        info = json.loads(reply.read().decode("utf-8"))
    if not isinstance(info, dict):
        raise ValueError(f"{base_url}/_sim/info: not a JSON object")
    return info


def remote_admin(base_url: str, ca: Path | None) -> RemoteTenantAdmin | None:
    """The tenant's admin API over HTTPS when its secret is readable (same machine); else None."""
    from panel_tui.remote_admin import RemoteTenantAdmin, find_admin_secret

    secret = find_admin_secret(base_url, ca)
    if secret is None:
        return None
    return RemoteTenantAdmin(base_url, ca, secret)
