"""A second email client of one device (the Fax Server's, a Print Admin Serverless user's)."""

from __future__ import annotations

from typing import Any

from .client import EmailClient


class SecondEmailClient(EmailClient):
    """Another email client of the same device (the Fax Server's, a Print Admin Serverless
    user's): its own settings section and sign-in, but the device's endpoints, which the cloud
    link sets once on ``device.email``, unless this client is given its own."""

    @property  # type: ignore[override]
    def _profile(self) -> Any:
        own = self.__dict__.get("_own_profile")
        if own is not None:
            return own
        main = getattr(self.device, "email", None)  # not every EmailHost is a whole Device
        return getattr(main, "profile", None) if main is not None and main is not self else None

    @_profile.setter
    def _profile(self, value: Any) -> None:
        self.__dict__["_own_profile"] = value
