"""Where the device finds its email service: identity platform, SMTP server, CA, names.

Microsoft's endpoints are written here and nowhere else in the device or the panel (the
simulated tenant, which plays Microsoft, has its own copy of the names it answers to):
Web Config's defaults (``settings.EMAIL_SERVICE_DEFAULTS``), the panel's ``--email-service``
link and the scenarios' baseline all read them from this module.

A real printer asks DNS for ``smtp.office365.com`` and trusts the system's CA store. The
emulated printer does exactly the same unless its profile says otherwise: a profile built
from a running simulated tenant resolves Microsoft's names to the tenant's loopback sockets
(``host_map``) and trusts only the tenant's CA. Nothing else differs between real and
simulated, so every code path the tests exercise is the one real Microsoft would see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Protocol
from urllib.parse import urlsplit
from ..jsontypes import JsonObject

#: Service ids, as stored in the device's email server settings (the one spelling; the
#: command line's ``exchange-online`` / ``outlook.com`` are aliases, see :func:`normalize_service`).
EXCHANGE_ONLINE = "exchange_online"
OUTLOOK_COM = "outlook_com"
SERVICES: tuple[str, ...] = (EXCHANGE_ONLINE, OUTLOOK_COM)

#: The scope a printer asks for: send mail over SMTP (msal adds offline_access itself).
SMTP_SEND_SCOPE = "https://outlook.office.com/SMTP.Send"

MICROSOFT_LOGIN_HOST = "login.microsoftonline.com"
MICROSOFT_LOGIN = f"https://{MICROSOFT_LOGIN_HOST}"
#: Where a person enters the device code with real Microsoft (the tenant's reply names it too).
MICROSOFT_DEVICE_LOGIN = "https://microsoft.com/devicelogin"
#: The SMTP submission port both services listen on (STARTTLS).
SMTP_SUBMISSION_PORT = 587


@dataclass(frozen=True)
class ServiceEndpoints:
    """What Web Config fills in when an email service is chosen (REFERENCE.md §3)."""

    display_name: str
    tenant: str  # msal's tenant segment of the authority
    smtp_host: str
    smtp_port: int = SMTP_SUBMISSION_PORT
    secure: str = "starttls"


SERVICE_ENDPOINTS: Mapping[str, ServiceEndpoints] = MappingProxyType({
    EXCHANGE_ONLINE: ServiceEndpoints("Microsoft Exchange Online", "organizations", "smtp.office365.com"),
    OUTLOOK_COM: ServiceEndpoints("Outlook.com", "consumers", "smtp-mail.outlook.com"),
})


def smtp_defaults() -> dict[str, tuple[str, int, str]]:
    """Service id -> (SMTP server, port, secure connection), as Web Config fills them in."""
    return {svc: (e.smtp_host, e.smtp_port, e.secure) for svc, e in SERVICE_ENDPOINTS.items()}

#: Aliases accepted from the command line and config files.
_ALIASES = {
    "exchange_online": EXCHANGE_ONLINE,
    "exchange-online": EXCHANGE_ONLINE,
    "exchange": EXCHANGE_ONLINE,
    "microsoft_exchange_online": EXCHANGE_ONLINE,
    "outlook_com": OUTLOOK_COM,
    "outlook.com": OUTLOOK_COM,
    "outlook-com": OUTLOOK_COM,
    "outlook": OUTLOOK_COM,
}


def normalize_service(service: str) -> str:
    """Map a user-typed service name (``exchange-online``, ``outlook.com``) to its id."""
    key = service.strip().lower().replace(" ", "_")
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown email service {service!r}; use one of {SERVICES}") from None


class TenantEndpoints(Protocol):
    """What a profile reads of a running simulated tenant (a ``cloud_sim.TenantHandle``), typed
    here because device_model never imports cloud_sim."""

    @property
    def base_url(self) -> str: ...

    @property
    def smtp_host(self) -> str: ...

    @property
    def smtp_port(self) -> int: ...

    @property
    def ca_cert_path(self) -> Path: ...

    @property
    def client_id(self) -> str: ...


@dataclass(frozen=True)
class EmailServiceProfile:
    """Endpoints and trust for one email service.

    ``smtp_host``/``smtp_port`` are what the user sees (and what Web Config fills in);
    ``host_map`` decides where such a name really leads. A map entry ``name -> (addr, port)``
    sends a connection for ``name`` on the shown port (``smtp_port``) to ``addr:port``; on any
    other port it goes to ``addr`` and that port, as a real server would be reached on a port
    it does not listen on. TLS is still verified against ``name``.
    """

    service: str
    display_name: str
    authority: str  # "https://host[:port]/tenant", as msal wants it
    tenant: str
    smtp_host: str
    smtp_port: int
    secure: str  # "starttls" | "ssl_tls" | "none": what Web Config fills in
    client_id: str
    ca_path: Path | None = None  # None: the system trust store
    host_map: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    simulated: bool = False
    scopes: tuple[str, ...] = (SMTP_SEND_SCOPE,)
    custom_tenant: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.authority)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("the authority must be an https URL (msal refuses anything else)")
        object.__setattr__(
            self, "host_map", MappingProxyType({k.lower(): tuple(v) for k, v in self.host_map.items()})
        )
        if self.ca_path is not None:
            object.__setattr__(self, "ca_path", Path(self.ca_path))

    @property
    def instance_discovery(self) -> bool:
        """msal's instance discovery only makes sense against Microsoft's own hosts."""
        return not self.simulated and urlsplit(self.authority).hostname == MICROSOFT_LOGIN_HOST

    def mapped(self, host: str, port: int) -> tuple[str, int] | None:
        """The loopback socket for ``host:port`` if the map covers ``host``, else None."""
        target = self.host_map.get(host.strip().lower().rstrip("."))
        if target is None:
            return None
        addr, mapped_port = target
        return (addr, mapped_port if port == self.smtp_port else port)

    def with_tenant(self, tenant: str) -> EmailServiceProfile:
        """The same service with another msal tenant (a tenant id or domain for Exchange)."""
        return replace(self, tenant=tenant, authority=f"{self.authority_base}/{tenant}", custom_tenant=tenant)

    @property
    def authority_base(self) -> str:
        """``https://host[:port]`` of the identity platform."""
        return self.authority.rsplit("/", 1)[0]

    def for_service(self, service: str) -> EmailServiceProfile:
        """The same endpoints and trust, for another email service.

        The panel's cloud link gives the device one profile; the device's settings pick the
        service (Exchange Online or Outlook.com), which decides the msal tenant and the SMTP
        server shown. A custom tenant (``--tenant``) applies to Exchange Online only.
        """
        service = normalize_service(service)
        if service == self.service:
            return self
        d = SERVICE_ENDPOINTS[service]
        tenant = self.custom_tenant if (self.custom_tenant and service == EXCHANGE_ONLINE) else d.tenant
        return replace(
            self,
            service=service,
            display_name=d.display_name,
            tenant=tenant,
            authority=f"{self.authority_base}/{tenant}",
            smtp_host=d.smtp_host,
            smtp_port=d.smtp_port,
            secure=d.secure,
        )

    # -- named constructors (the panel's cloud link calls these) ------------------------

    @classmethod
    def microsoft(
        cls, client_id: str, tenant: str | None = None, service: str = EXCHANGE_ONLINE
    ) -> EmailServiceProfile:
        """Real Microsoft endpoints (see :func:`microsoft_profile`)."""
        return microsoft_profile(service, client_id, tenant=tenant)

    @classmethod
    def simulated(
        cls,
        base_url: str,
        smtp_port: int,
        client_id: str,
        ca_cert_path: Path | str,
        smtp_host: str = "127.0.0.1",
        service: str = EXCHANGE_ONLINE,
    ) -> EmailServiceProfile:
        """A running simulated tenant (see :func:`simulated_profile`)."""
        return simulated_profile(
            service, base_url=base_url, ca_path=ca_cert_path, client_id=client_id,
            smtp_port=smtp_port, smtp_addr=smtp_host,
        )

    @classmethod
    def from_tenant(cls, handle: TenantEndpoints, service: str = EXCHANGE_ONLINE) -> EmailServiceProfile:
        """From a ``cloud_sim.TenantHandle`` (device_model never imports cloud_sim)."""
        return simulated_profile(
            service, base_url=handle.base_url, ca_path=handle.ca_cert_path, client_id=handle.client_id,
            smtp_port=handle.smtp_port, smtp_addr=handle.smtp_host,
        )

    def describe(self) -> JsonObject:
        """Plain facts for status screens and logs (no secrets live in a profile)."""
        return {
            "service": self.service,
            "display_name": self.display_name,
            "authority": self.authority,
            "smtp": f"{self.smtp_host}:{self.smtp_port}",
            "simulated": self.simulated,
        }


def _profile(
    service: str,
    *,
    authority_base: str,
    tenant: str | None,
    client_id: str,
    ca_path: Path | None,
    host_map: dict[str, tuple[str, int]],
    simulated: bool,
    custom_tenant: str | None = None,
) -> EmailServiceProfile:
    """The one place a profile is built: real and simulated differ only in these arguments."""
    service = normalize_service(service)
    d = SERVICE_ENDPOINTS[service]
    t = tenant or d.tenant
    return EmailServiceProfile(
        service=service,
        display_name=d.display_name,
        authority=f"{authority_base.rstrip('/')}/{t}",
        tenant=t,
        smtp_host=d.smtp_host,
        smtp_port=d.smtp_port,
        secure=d.secure,
        client_id=client_id,
        ca_path=ca_path,
        host_map=host_map,
        simulated=simulated,
        custom_tenant=custom_tenant,
    )


def microsoft_profile(service: str, client_id: str, *, tenant: str | None = None) -> EmailServiceProfile:
    """Real Microsoft: login.microsoftonline.com, real DNS, the system CA store."""
    return _profile(
        service,
        authority_base=MICROSOFT_LOGIN,
        tenant=tenant,
        client_id=client_id,
        ca_path=None,
        host_map={},
        simulated=False,
        custom_tenant=tenant if normalize_service(service) == EXCHANGE_ONLINE else None,
    )


def simulated_profile(
    service: str,
    *,
    base_url: str,
    ca_path: Path | str,
    client_id: str,
    smtp_port: int,
    smtp_addr: str = "127.0.0.1",
    tenant: str | None = None,
) -> EmailServiceProfile:
    """A running simulated tenant: Microsoft's names mapped to its loopback sockets."""
    target = (smtp_addr, int(smtp_port))
    return _profile(
        service,
        authority_base=base_url,
        tenant=tenant,
        client_id=client_id,
        ca_path=Path(ca_path),
        host_map={e.smtp_host: target for e in SERVICE_ENDPOINTS.values()},
        simulated=True,
    )


def profiles_from_tenant(handle: TenantEndpoints) -> dict[str, EmailServiceProfile]:
    """Both services from a ``cloud_sim.TenantHandle``."""
    base = EmailServiceProfile.from_tenant(handle)
    return {svc: base.for_service(svc) for svc in SERVICES}
