"""Fax > Fax Server: forwarding a received fax by email through the Fax Server's own settings.

Guide p. 8: on models that forward received faxes by email (to an Internet fax provider's fax
server), the provider's server may need OAuth 2.0; it is set in Web Config > Fax > Fax Server >
Email Server Settings, independent of Network > Email Server. So the Fax Server has its own
settings section (``fax_server``), its own committed sign-in (``state_dir/fax_server/email/``),
and its own email client: the same msal/aiosmtplib code as the device's email, reading the
other section. A forwarded fax is a job of kind "fax" and fails with the same codes (360, 361,
370, 311-314) in Job Status.

There is no phone line in an emulator: :meth:`FaxServerEmail.receive_sample` makes a sample
received fax (a PDF) and forwards it, as the printer does when a fax arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .email.client import EmailHost
from .email.message import Attachment
from .email.second_client import SecondEmailClient

if TYPE_CHECKING:
    from .jobs import Job
    from .settings import FaxServerSettings

#: the calling number a sample fax "comes from" (display only)
SAMPLE_SENDER_NUMBER = "+371 6700 0000"


class FaxServerEmail(SecondEmailClient):
    """The Fax Server's email client: its settings section and its own sign-in.

    Endpoints (the email service profile) are the device's: the cloud link sets them once on
    ``device.email``; this client follows them unless given its own.
    """

    def token_dir(self, device: EmailHost) -> Path:
        return Path(device.state_dir) / "fax_server"

    def server_settings(self) -> FaxServerSettings:  # type: ignore[override]
        return self.device.settings.fax_server

    async def receive_sample(self, *, pages: int = 1, number: str = SAMPLE_SENDER_NUMBER) -> Job:
        """A fax "arrives" (a generated sample) and is forwarded by email; returns the Job."""
        from .email.scan import cached_sample_scan_pdf, sample_scan_pdf

        dev = self.device
        to = self.server_settings().forward_to

        async def compose() -> tuple[str, str, Sequence[Attachment]]:
            now = dev.clock.now()
            when = dev.format_datetime(now)
            doc = {"title": dev.t("fax.sample.doc_title"), "line": dev.t("fax.sample.doc_line", number=number, time=when),
                   "pages": pages, "seed": 11}
            pdf = cached_sample_scan_pdf(**doc)
            if pdf is None:
                pdf = await asyncio.to_thread(partial(sample_scan_pdf, **doc))
            filename = f"FAX_{now.strftime('%Y%m%d%H%M%S')}.pdf"
            return (
                dev.t("fax.sample.subject", number=number),
                dev.t("fax.sample.body", number=number, time=when, pages=pages),
                [Attachment(filename, pdf, "application/pdf")],
            )

        return await self._send_job(to, "fax", compose)


def fax_server_client(device: FaxOwner) -> FaxServerEmail:
    """The device's Fax Server client (kept on the device, made on first use)."""
    return device.fax_server_email


class FaxOwner(Protocol):
    """A device that keeps its Fax Server client (``Device.fax_server_email``)."""

    @property
    def fax_server_email(self) -> FaxServerEmail: ...
