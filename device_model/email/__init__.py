"""The device's email: OAuth 2.0 sign-in (msal device-code flow), token cache, sending (aiosmtplib).

``Device.email`` creates :class:`EmailClient` lazily. Heavy libraries (msal, aiosmtplib,
fpdf2) are imported inside the functions that use them, so importing this package is cheap;
its names are looked up in their submodules when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import EmailClient
    from .failures import EmailSendError
    from .message import Attachment
    from .profiles import (
        EXCHANGE_ONLINE,
        OUTLOOK_COM,
        SERVICES,
        EmailServiceProfile,
        microsoft_profile,
        normalize_service,
        profiles_from_tenant,
        simulated_profile,
    )
    from .signin import SignInAttempt
    from .token_store import SignInStatus

#: name -> submodule that defines it. Resolved on first use (PEP 562) so that the settings,
#: which need only the service profiles, do not load the client, its outbox and job log before
#: the panel's first frame.
_HOMES = {
    "EmailClient": "client",
    "EmailSendError": "failures",
    "Attachment": "message",
    "SignInAttempt": "signin",
    "SignInStatus": "token_store",
    **dict.fromkeys(
        ("EXCHANGE_ONLINE", "OUTLOOK_COM", "SERVICES", "EmailServiceProfile", "microsoft_profile",
         "normalize_service", "profiles_from_tenant", "simulated_profile"),
        "profiles",
    ),
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "EXCHANGE_ONLINE",
    "OUTLOOK_COM",
    "SERVICES",
    "Attachment",
    "EmailClient",
    "EmailSendError",
    "EmailServiceProfile",
    "SignInAttempt",
    "SignInStatus",
    "microsoft_profile",
    "normalize_service",
    "profiles_from_tenant",
    "simulated_profile",
]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
