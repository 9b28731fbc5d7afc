"""A second email client of one device (the Fax Server's, a Print Admin Serverless user's)."""

from __future__ import annotations

from typing import Protocol

from .client import EmailClient, EmailHost
from .profiles import EmailServiceProfile


class MainEmailHost(EmailHost, Protocol):
    """A device with its main email client (the ``Device``), whose endpoints a second client
    follows."""

    @property
    def email(self) -> EmailClient: ...


class SecondEmailClient(EmailClient):
    """Another email client of the same device (the Fax Server's, a Print Admin Serverless
    user's): its own settings section and sign-in, but the device's endpoints, which the cloud
    link sets once on ``device.email``, unless this client is given its own."""

    device: MainEmailHost

    def __init__(self, device: MainEmailHost) -> None:
        super().__init__(device)

    @property  # type: ignore[override]
    def _profile(self) -> EmailServiceProfile | None:
        own: EmailServiceProfile | None = self.__dict__.get("_own_profile")
        if own is not None:
            return own
        main = self.device.email
        return main.profile if main is not self else None

    @_profile.setter
    def _profile(self, value: EmailServiceProfile | None) -> None:
        self.__dict__["_own_profile"] = value
