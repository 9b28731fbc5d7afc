"""The AUTH conversation of the simulated Exchange front end (XOAUTH2, and LOGIN that never
succeeds), as a part of :class:`cloud_sim.smtp_session.ExchangeSMTP`.

aiosmtpd finds a command's handler by its name (``smtp_AUTH``) on the protocol object, so the
conversation is a base class of the session rather than an object of its own; it uses the
session's ``push``, reader, ``session`` and reply tail.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cloud_sim import replies
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict
from cloud_sim.smtp_state import AUTH_LINE_LIMIT, ServerState

if TYPE_CHECKING:
    from aiosmtpd.smtp import Session

log = logging.getLogger(__name__)


class AuthConversation:
    """``AUTH XOAUTH2`` / ``AUTH LOGIN`` after STARTTLS (see :mod:`cloud_sim.smtp_server`)."""

    # provided by the session (aiosmtpd's SMTP and ExchangeSMTP); declared for the type
    # checker only, so that they never shadow the session's own in the method order
    if TYPE_CHECKING:
        _state: ServerState
        _reader: asyncio.StreamReader
        _tls_protocol: object
        session: Session

        async def push(self, status: str) -> None: ...

        def _tail(self, reply: str) -> str: ...

        async def _offload(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    async def smtp_AUTH(self, arg: str | None) -> None:
        if not self._tls_protocol:
            await self.push(self._tail(replies.AUTH_UNRECOGNIZED))
            return
        if not self.session.host_name or not self.session.extended_smtp:
            await self.push(replies.SEND_HELLO_FIRST)
            return
        if self.session.authenticated:
            await self.push(replies.AUTH_ALREADY)
            return
        parts = (arg or "").split()
        if not parts or len(parts) > 2:
            await self.push(self._tail(replies.AUTH_UNRECOGNIZED))
            return
        mechanism = parts[0].upper()
        initial = parts[1] if len(parts) == 2 else None
        if mechanism == "XOAUTH2":
            await self._auth_xoauth2(initial)
        elif mechanism == "LOGIN":
            await self._auth_login(initial)
        else:
            await self.push(self._tail(replies.AUTH_UNRECOGNIZED))

    async def _read_response(self, challenge: str) -> bytes | None:
        """Send a 334 challenge; return the decoded answer, or None once refused."""
        await self.push(challenge)
        try:
            line = await self._reader.readuntil(b"\n")
        except asyncio.LimitOverrunError as error:
            await self._drain_long_line(error.consumed)
            await self.push(replies.LINE_TOO_LONG)
            return None
        except asyncio.IncompleteReadError:
            raise ConnectionResetError("connection closed during AUTH") from None
        blob = line.strip()
        if len(blob) > AUTH_LINE_LIMIT:
            await self.push(replies.LINE_TOO_LONG)
            return None
        if blob == b"*":
            await self.push(replies.AUTH_ABORTED)
            return None
        decoded = self._b64(blob)
        if decoded is None:
            await self.push(replies.AUTH_BAD_BASE64)
        return decoded

    async def _drain_long_line(self, consumed: int) -> None:
        await self._reader.read(consumed)
        while True:
            try:
                await self._reader.readuntil(b"\n")
                return
            except asyncio.LimitOverrunError as more:
                await self._reader.read(more.consumed)

    @staticmethod
    def _b64(blob: bytes | str) -> bytes | None:
        if isinstance(blob, str):
            blob = blob.encode("ascii", "replace")
        if blob == b"=":
            return b""
        try:
            return base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            return None

    async def _auth_xoauth2(self, initial: str | None) -> None:
        if initial is None or initial == "=":
            raw = await self._read_response(replies.AUTH_CONTINUE)
            if raw is None:
                return
        else:
            raw = self._b64(initial)
            if raw is None:
                await self.push(replies.AUTH_BAD_BASE64)
                return
        parsed = _parse_xoauth2(raw)
        if parsed is None:
            await self.push(self._tail(replies.AUTH_UNSUCCESSFUL))
            return
        user, token = parsed
        authorizer = self._state.authorizer
        # getattr: cached_xoauth2 is optional, not part of the SmtpAuthorizer seam. A verdict
        # it knows is in memory: no hop to a worker thread (the store and the signature check
        # are what the hop is for).
        cached = getattr(authorizer, "cached_xoauth2", None)
        try:
            decision: AuthDecision | None = cached(user, token) if cached is not None else None
            if decision is None:
                decision = await self._offload(authorizer.authorize_xoauth2, user, token)
        except Exception:  # the tenant's bug must not drop the connection: a 4xx instead
            log.exception("authorizer failed on XOAUTH2")
            await self.push(replies.AUTH_TEMPORARY)
            return
        if decision.verdict is AuthVerdict.OK:
            mailbox = (decision.mailbox or user).strip().lower()
            self.session.authenticated = True
            self.session.auth_data = mailbox
            log.info("XOAUTH2 accepted for %s", mailbox)
            await self.push(replies.AUTH_OK)
            return
        log.info("XOAUTH2 refused for %s: %s", user, decision.verdict.value)
        await self.push(self._tail(replies.VERDICT_REPLIES[decision.verdict]))

    async def _auth_login(self, initial: str | None) -> None:
        if initial is None:
            user_raw = await self._read_response(replies.AUTH_LOGIN_USERNAME)
        else:
            user_raw = self._b64(initial)
        if user_raw is None:
            if initial is not None:
                await self.push(replies.AUTH_BAD_BASE64)
            return
        password = await self._read_response(replies.AUTH_LOGIN_PASSWORD)
        if password is None:
            return
        user = user_raw.decode("utf-8", "replace").strip()
        secret = password.decode("utf-8", "replace")
        verdict = AuthVerdict.BAD_TOKEN
        # getattr: basic_auth_verdict is optional, not part of the SmtpAuthorizer seam
        probe = getattr(self._state.authorizer, "basic_auth_verdict", None)
        if callable(probe):
            try:
                verdict = await self._offload(probe, user, secret)
            except Exception:  # the tenant's bug: the refusal below still goes out
                log.exception("authorizer failed on basic auth")
        if verdict is AuthVerdict.OK or verdict not in replies.VERDICT_REPLIES:
            verdict = AuthVerdict.BAD_TOKEN  # a password is never enough here
        await self.push(self._tail(replies.VERDICT_REPLIES[verdict]))


def _parse_xoauth2(raw: bytes) -> tuple[str, str] | None:
    """``user=<addr>\\x01auth=Bearer <token>\\x01\\x01`` → (user, token), or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields = [f for f in text.split("\x01") if f]
    user = token = None
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep:
            return None
        if key == "user":
            user = value.strip()
        elif key == "auth":
            scheme, _, cred = value.partition(" ")
            if scheme.lower() != "bearer":
                return None
            token = cred.strip()
    if not user or not token:
        return None
    return user, token
