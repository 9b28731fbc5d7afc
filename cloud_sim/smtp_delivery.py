"""The simulated Exchange's transaction hooks: MAIL/RCPT replies, send-as, and delivery into
the Maildir (one copy per recipient). The disk is used from a worker thread."""

from __future__ import annotations

import asyncio
import logging
from datetime import timezone
from typing import Any

from cloud_sim import replies
from cloud_sim.smtp_state import MAX_RECIPIENTS, ServerState

log = logging.getLogger(__name__)


class DeliveryHandler:
    """aiosmtpd handler hooks: the transaction replies and delivery."""

    def __init__(self, state: ServerState) -> None:
        self._state = state

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return replies.SENDER_OK

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:  # one copy each: bound the disk a message takes
            return replies.TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return replies.RECIPIENT_OK

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mailbox = session.auth_data
        if not session.authenticated or not mailbox:  # pragma: no cover - MAIL requires auth
            return server._tail(replies.NOT_AUTHENTICATED)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._state.executor, self._submit, server, session, envelope, mailbox
        )

    def _submit(self, server: Any, session: Any, envelope: Any, mailbox: str) -> str:
        """Check send-as, then deliver one copy per recipient. Runs in a worker thread."""
        from email.parser import BytesHeaderParser
        from email.utils import format_datetime, getaddresses, make_msgid

        from cloud_sim import maildir

        state = self._state
        content: bytes = envelope.original_content or b""
        content = content.replace(b"\r\n", b"\n")  # Maildir files use LF line ends
        # Only the header block is parsed (From and Message-ID are all that is read): a scan's
        # attachment is most of a message, and the parser would split it into lines for nothing.
        end = content.find(b"\n\n")
        head = BytesHeaderParser().parsebytes(content if end < 0 else content[:end + 1])
        if not state.authorizer.may_send_as(mailbox, envelope.mail_from or ""):
            log.info("send-as not permitted: %s as %s", mailbox, envelope.mail_from)
            return server._tail(replies.SEND_AS_NOT_PERMITTED)
        from_headers = [str(h) for h in head.get_all("From", [])]
        for sender in [addr for _, addr in getaddresses(from_headers) if addr]:
            if not state.authorizer.may_send_as(mailbox, sender):
                log.info("send-as denied: %s as %s", mailbox, sender)
                return replies.SEND_AS_DENIED.format(
                    mailbox=mailbox, from_address=sender, host=state.hostname
                )

        now = state.clock()
        message_id = head.get("Message-ID")
        extra = b""
        if not message_id:
            message_id = make_msgid(domain=state.hostname)
            extra += f"Message-ID: {message_id}\n".encode()
        ssl_info = (session.ssl or {}).get("ssl_object")
        version = cipher = "?"
        if ssl_info is not None:
            version = (ssl_info.version() or "?").replace("v", "").replace(".", "_")
            cipher = (ssl_info.cipher() or ("?",))[0]
        peer = session.peer[0] if isinstance(session.peer, (tuple, list)) else "127.0.0.1"
        received = (
            f"Received: from {session.host_name} ([{peer}]) by {state.hostname}\n"
            f" with Microsoft SMTP Server (version={version}, cipher={cipher})\n"
            f" id 15.20.0000.000 via Frontend Transport; {format_datetime(now.astimezone(timezone.utc))}\n"
        ).encode()
        targets = list(dict.fromkeys(r.strip().lower() for r in envelope.rcpt_tos))
        for target in targets:
            try:
                inside = state.authorizer.mailbox_exists(target)
                box = target if inside else maildir.OUTBOUND
                maildir.mailbox_dir(state.maildir_root, box)
            except ValueError:
                box = maildir.OUTBOUND
            prefix = (
                f"Return-Path: <{envelope.mail_from}>\nDelivered-To: {target}\n".encode()
                + received
                + extra
            )
            maildir.deliver(state.maildir_root, box, prefix + content)
        log.info("delivered a message from %s to %d recipient(s)", mailbox, len(targets))
        return replies.QUEUED.format(message_id=str(message_id).strip("<> \r\n"), host=state.hostname)

    async def handle_exception(self, error: Exception) -> str:
        log.warning("SMTP session error (%s): %s", type(error).__name__, error)
        return replies.TEMPORARY_ERROR
