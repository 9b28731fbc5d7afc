"""The device's email: OAuth 2.0 sign-in (msal device-code flow), token cache, sending (aiosmtplib).

``Device.email`` creates :class:`EmailClient` lazily. Heavy libraries (msal, aiosmtplib, requests,
fpdf2) are imported inside the functions that use them, so importing this package is cheap.
"""

from __future__ import annotations

from .client import EmailClient
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
from .failures import EmailSendError
from .message import Attachment
from .signin import SignInAttempt
from .token_store import SignInStatus

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
