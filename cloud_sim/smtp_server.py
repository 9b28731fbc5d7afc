"""Exchange Online's submission port (smtp.office365.com:587), simulated on loopback.

Why: the device must meet the very conversation a real printer meets: a banner, STARTTLS
required, ``AUTH LOGIN XOAUTH2`` only after TLS, the token judged by the tenant, and
Microsoft's replies verbatim (they end up in the device's job log and decide its error
code). The server knows nothing about users or tokens; it asks an
:class:`~cloud_sim.smtp_auth.SmtpAuthorizer` and turns its verdict into the reply
(see :mod:`cloud_sim.replies`).

Built on aiosmtpd: a :class:`~aiosmtpd.controller.Controller` runs the asyncio loop in its
own thread, so the server can be started from sync or async code. The listening socket is
bound here (port 0 picks a free port without a race) and handed to the loop.

Behaviour worth knowing:

- The banner and EHLO name the front end ``<machine>.outlook.office365.com``; the banner ends
  in ``[session id]``, refusals in the full tail (:mod:`cloud_sim.replies`).
- EHLO lists Exchange's extensions in Exchange's order: SIZE 157286400, PIPELINING, DSN,
  ENHANCEDSTATUSCODES, STARTTLS before TLS or ``AUTH LOGIN XOAUTH2`` after it, 8BITMIME,
  BINARYMIME, CHUNKING, SMTPUTF8. Each is honoured: DSN's RET/ENVID/NOTIFY/ORCPT parameters
  are accepted (and ignored: no DSN is ever generated), BODY=BINARYMIME wants BDAT, and
  BDAT (RFC 3030 CHUNKING) is implemented beside DATA.
- Before TLS every mail command (MAIL, RCPT, DATA, BDAT, ...) gets ``451 5.7.3 STARTTLS is
  required to send mail [tail]``; AUTH gets ``504 5.7.4 Unrecognized authentication type``
  (AUTH is not offered).
- After TLS, XOAUTH2 works with the initial response on the AUTH line or after a bare
  ``334 `` (two steps). Lines up to :data:`AUTH_LINE_LIMIT` bytes are accepted (real tokens
  are 2–3 KB). Longer or non-base64 data gets a 5xx reply.
- AUTH LOGIN (basic auth) never succeeds. The authorizer is asked through an optional method
  ``basic_auth_verdict(user, password) -> AuthVerdict`` (not part of the SmtpAuthorizer seam):
  the right password gets ``550 5.7.30`` (basic auth retired for client submission), a
  switch that refuses SMTP AUTH its 535 5.7.139, a personal account Outlook.com's 535 5.7.139;
  an authorizer without it always yields ``535 5.7.3``.
- MAIL without AUTH: ``530 5.7.57 Client not authenticated to send mail. [tail]``.
- Send-as is checked when the message is complete (as Exchange does at submission): an
  envelope sender the mailbox may not use gets ``550 5.7.60 SMTP; Client does not have
  permissions to send as this sender [tail]``; a header From it may not use gets the 554
  5.2.252 SendAsDenied reply. Nothing is delivered then.
- Size: EHLO advertises Exchange's 150 MiB (or ``size_limit`` if larger); ``SIZE=`` on MAIL
  FROM and the data itself are held to ``size_limit`` (552 5.3.4). The limit is read for each
  new connection, so ``handle.size_limit = n`` (or passing a callable) changes it without a
  restart.
- Delivery: one copy per recipient, with ``Return-Path``, ``Delivered-To`` and a
  ``Received`` header, into the recipient's Maildir (``maildir_root/<upn>/``) when
  ``mailbox_exists``, else into ``maildir_root/_outbound/`` (the simulation relays nothing).
- DATA follows RFC 5321: lines end in CRLF and hold at most 1000 octets, else
  ``500 5.5.6 Line too long``. A message with bare LF line ends is one long line: stdlib
  ``smtplib.sendmail(bytes)`` sends it as given, ``send_message`` and aiosmtplib send CRLF.
- Delivered files use LF line ends (the Maildir convention); a recipient named twice gets
  one copy.
- No rate limit (Exchange's 30 messages/minute would defeat load tests).
- Garbage never kills the server: unknown commands get ``500 5.3.3 Unrecognized command
  'VERB' [tail]`` (the connection is closed after several), unexpected errors a 451, and the authorizer
  and the disk are used from a worker thread so a slow call never blocks the loop.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
import secrets
import socket
import ssl
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Union

from cloud_sim import replies
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict, SmtpAuthorizer

log = logging.getLogger(__name__)

#: Longest AUTH line (or two-step AUTH response) accepted, in bytes.
AUTH_LINE_LIMIT = 12 * 1024
#: The stream reader's limit: anything longer than this is drained and refused.
_READER_LIMIT = AUTH_LINE_LIMIT + 1024
#: Commands allowed before STARTTLS.
_ALLOWED_BEFORE_TLS = frozenset({"EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT"})

#: DSN (RFC 3461) parameters: accepted and ignored (the simulation never sends a DSN).
_DSN_MAIL_PARAMS = re.compile(r"\s+(?:RET|ENVID)=\S*", re.IGNORECASE)
_DSN_RCPT_PARAMS = re.compile(r"\s+(?:NOTIFY|ORCPT)=\S*", re.IGNORECASE)
_BODY_BINARYMIME = re.compile(r"\s+BODY=BINARYMIME(?=\s|$)", re.IGNORECASE)
#: BDAT data that is thrown away (a refused chunk) is read in pieces of this size.
_DISCARD_PIECE = 64 * 1024

SizeLimit = Union[int, Callable[[], int]]
Clock = Callable[[], datetime]


#: Exchange Online's recipient limit per message; RCPT beyond it gets 452 4.5.3
MAX_RECIPIENTS = 500


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SmtpHandle:
    """A running simulated Exchange submission server. ``stop()`` is idempotent."""

    def __init__(self, controller: Any, host: str, port: int, state: "_ServerState") -> None:
        self._controller = controller
        self.host = host
        self.port = port
        self._state = state
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def hostname(self) -> str:
        """The server's name in its banner and replies."""
        return self._state.hostname

    @property
    def size_limit(self) -> int:
        """Current message size limit in bytes (applies to new connections)."""
        return self._state.current_size_limit()

    @size_limit.setter
    def size_limit(self, value: int) -> None:
        self._state.size_limit = int(value)

    def stop(self) -> None:
        """Stop the loop, join the thread, release the port."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            loop = self._controller.loop
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._state.close_connections)
        except RuntimeError:  # pragma: no cover - the loop ended on its own
            pass
        try:
            self._controller.stop(no_assert=True)
        finally:
            self._state.executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> "SmtpHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _ServerState:
    """What every connection of one server shares."""

    def __init__(
        self,
        authorizer: SmtpAuthorizer,
        maildir_root: Path,
        size_limit: SizeLimit,
        hostname: str,
        clock: Clock,
    ) -> None:
        self.authorizer = authorizer
        self.maildir_root = Path(maildir_root)
        self.size_limit = size_limit
        self.hostname = hostname
        self.clock = clock
        self.executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="cloud-sim-smtp")
        #: open connections (SMTP protocol objects), closed on stop
        self.connections: "weakref.WeakSet[Any]" = weakref.WeakSet()

    def close_connections(self) -> None:
        """Close every open connection (run on the server's loop)."""
        for conn in list(self.connections):
            transport = getattr(conn, "transport", None)
            if transport is not None:
                transport.close()

    def current_size_limit(self) -> int:
        value = self.size_limit() if callable(self.size_limit) else self.size_limit
        return int(value)


def _make_smtp_class() -> type:
    """Build the aiosmtpd SMTP subclass lazily (aiosmtpd is a heavy import)."""
    import collections
    import functools

    from aiosmtpd.smtp import SMTP

    class ExchangeSMTP(SMTP):  # type: ignore[misc]
        """aiosmtpd's SMTP speaking as Exchange Online's front end."""

        # The stream reader is created with this limit in SMTP.__init__; the instance
        # attribute is put back to RFC 5321's 1001 afterwards for DATA lines.
        line_length_limit = _READER_LIMIT

        def __init__(self, handler: "_Handler", state: _ServerState, **kwargs: Any) -> None:
            super().__init__(handler, **kwargs)
            self.line_length_limit = 1001
            # aiosmtpd keeps command_size_limits on the class (shared, and grown by each
            # EHLO); give every connection its own.
            self.command_size_limits = collections.defaultdict(lambda: 512)
            self.command_size_limits["AUTH"] = AUTH_LINE_LIMIT
            self.command_size_limits["MAIL"] = 512 + 64
            self._state = state
            self._session_id = "08DD" + secrets.token_hex(6).upper()
            self._last_line = b""
            self._held: list[str] = []  # the first lines of a multi-line reply, not yet written
            state.connections.add(self)
            self.__ident__ = "Microsoft ESMTP MAIL Service"
            # Gate every command but the allowed few behind STARTTLS.
            for name, method in list(self._smtp_methods.items()):
                if name not in _ALLOWED_BEFORE_TLS and name != "AUTH":
                    self._smtp_methods[name] = self._tls_gate(method)

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            # Multi-line replies (EHLO) are written in pieces; with Nagle on, the last piece
            # waits for the client's delayed ACK (~40 ms on Linux) on every connection.
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:  # pragma: no cover - the peer is already gone
                    pass
            super().connection_made(transport)
            # Remember the last line read, so an unrecognised command can be quoted back as
            # Exchange does (aiosmtpd's own reply names only the upper-cased verb).
            reader = self._reader
            read_line = reader.readuntil

            async def readuntil(separator: bytes = b"\n") -> bytes:
                line = await read_line(separator)
                self._last_line = line
                return line

            reader.readuntil = readuntil  # type: ignore[method-assign]

        # ---- helpers ------------------------------------------------------------------
        def _tail(self, reply: str) -> str:
            return replies.with_tail(
                reply, self._state.hostname, self._state.clock(), self._session_id
            )

        def _peer_ip(self) -> str:
            peer = self.session.peer if self.session else None
            if isinstance(peer, (tuple, list)) and peer:
                return str(peer[0])
            return "127.0.0.1"

        def _tls_gate(self, method: Callable[[Any], Any]) -> Callable[[Any], Any]:
            @functools.wraps(method)
            async def gated(arg: Any) -> None:
                if not self._tls_protocol:
                    await self.push(self._tail(replies.STARTTLS_REQUIRED))
                    return
                await method(arg)

            return gated

        async def _offload(self, fn: Callable[..., Any], *args: Any) -> Any:
            return await self.loop.run_in_executor(self._state.executor, fn, *args)

        # ---- replies the base class words differently ------------------------------------
        async def push(self, status: Any) -> None:  # type: ignore[override]
            if isinstance(status, str):
                status = self._translate(status)
                if status[3:4] == "-" and status[:3].isdigit():
                    # a multi-line reply (EHLO's) leaves in one write, not one TLS record
                    # and TCP segment per line
                    self._held.append(status)
                    return
            if self._held:
                held = "\r\n".join(self._held) + "\r\n"
                self._held.clear()
                status = held + status if isinstance(status, str) else held.encode() + status
            await super().push(status)

        def _translate(self, status: str) -> str:
            """Reword aiosmtpd's own replies (from code paths we do not override)."""
            if status.startswith("220 ") and status.endswith(self.__ident__):
                return replies.BANNER.format(
                    host=replies.banner_host(self._state.hostname),
                    date=replies.banner_date(self._state.clock()),
                    session=self._session_id,
                )
            if (status.startswith('500 Error: command "') or status == "500 Error: bad syntax"
                    or status.startswith("500 Error: strict ASCII")):
                return self._unrecognized()
            if status == "500 Command line too long" or status.startswith("500 Line too long"):
                return replies.LINE_TOO_LONG
            if status.startswith("552 Error:"):
                return replies.SIZE_EXCEEDED
            if status == "220 Ready to start TLS":
                return replies.STARTTLS_READY
            if status.startswith("354 End data"):
                return replies.DATA_START
            if status == "503 Error: need MAIL command":
                return replies.NEED_MAIL
            if status == "503 Error: need RCPT command":
                return replies.NEED_RCPT
            if status == "503 Error: nested MAIL command":
                return replies.NESTED_MAIL
            if status.startswith("503 Error: send "):
                return replies.SEND_HELLO_FIRST
            if status.startswith("553 5.1.3"):
                return replies.BAD_ADDRESS
            if status.startswith("501 Syntax:") or status.startswith("555 "):
                return replies.SYNTAX_ERROR
            if status.startswith("500 Error: ("):  # handle_exception's default
                return replies.TEMPORARY_ERROR
            return status

        def _unrecognized(self) -> str:
            """``500 5.3.3 Unrecognized command 'VERB' [tail]`` for the line just read."""
            verb = self._last_line.rstrip(b"\r\n").partition(b" ")[0]
            text = replies.quote_command(verb.decode("ascii", "replace"))
            return self._tail(replies.UNRECOGNIZED.format(command=text))

        def _close_transport(self) -> None:
            if self.transport is not None:
                self.transport.close()

        async def handle_exception(self, error: Exception) -> str:
            log.warning("SMTP session error (%s): %s", type(error).__name__, error)
            return replies.TEMPORARY_ERROR

        # ---- session commands ----------------------------------------------------------
        async def smtp_HELO(self, hostname: str) -> None:
            if not hostname:
                await self.push(replies.SYNTAX_ERROR)
                return
            self._set_rset_state()
            self.session.extended_smtp = False
            self.session.host_name = hostname
            await self.push(replies.HELO_OK.format(host=replies.banner_host(self._state.hostname),
                                                   ip=self._peer_ip()))

        async def smtp_EHLO(self, hostname: str) -> None:
            if not hostname:
                await self.push(replies.SYNTAX_ERROR)
                return
            self._set_rset_state()
            self.session.extended_smtp = True
            self.session.host_name = hostname
            host = replies.banner_host(self._state.hostname)
            extensions = (replies.EHLO_EXTENSIONS_TLS if self._tls_protocol
                          else replies.EHLO_EXTENSIONS_PLAIN)
            size = max(replies.EXCHANGE_SIZE, self.data_size_limit or 0)
            lines = [replies.EHLO_FIRST.format(host=host, ip=self._peer_ip())]
            lines += [f"250-{ext.format(size=size)}" for ext in extensions]
            lines[-1] = "250 " + lines[-1][4:]
            for line in lines:
                await self.push(line)

        async def smtp_STARTTLS(self, arg: str) -> None:
            if self._tls_protocol:
                await self.push(replies.TLS_ALREADY)
                return
            if arg:
                await self.push(replies.SYNTAX_ERROR)
                return
            await super().smtp_STARTTLS(arg)

        async def smtp_NOOP(self, arg: str) -> None:
            await self.push(replies.NOOP_OK)

        async def smtp_RSET(self, arg: str) -> None:
            self._set_rset_state()
            await self.push(replies.RSET_OK)

        async def smtp_QUIT(self, arg: str) -> None:
            await self.push(replies.QUIT_OK)
            if self._handler_coroutine is not None:
                self._handler_coroutine.cancel()
            self._close_transport()

        # ---- AUTH -----------------------------------------------------------------------
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
            try:
                decision: AuthDecision = await self._offload(
                    self._state.authorizer.authorize_xoauth2, user, token
                )
            except Exception:
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
            probe = getattr(self._state.authorizer, "basic_auth_verdict", None)
            if callable(probe):
                try:
                    verdict = await self._offload(probe, user, secret)
                except Exception:
                    log.exception("authorizer failed on basic auth")
            if verdict is AuthVerdict.OK or verdict not in replies.VERDICT_REPLIES:
                verdict = AuthVerdict.BAD_TOKEN  # a password is never enough here
            await self.push(self._tail(replies.VERDICT_REPLIES[verdict]))

        # ---- mail transaction ------------------------------------------------------------
        async def smtp_MAIL(self, arg: str | None) -> None:
            if not self.session.host_name:
                await self.push(replies.SEND_HELLO_FIRST)
                return
            if not self.session.authenticated:
                await self.push(self._tail(replies.NOT_AUTHENTICATED))
                return
            binary = False
            if arg:
                arg = _DSN_MAIL_PARAMS.sub("", arg)
                arg, binary = _BODY_BINARYMIME.subn("", arg)
            await super().smtp_MAIL(arg)
            if binary and self.envelope.mail_from:
                self.envelope.binarymime = True

        async def smtp_RCPT(self, arg: str | None) -> None:
            if arg:
                arg = _DSN_RCPT_PARAMS.sub("", arg)
            await super().smtp_RCPT(arg)

        async def smtp_DATA(self, arg: str) -> None:
            if getattr(self.envelope, "binarymime", False) and self.envelope.rcpt_tos:
                await self.push(replies.BINARYMIME_NEEDS_BDAT)
                return
            await super().smtp_DATA(arg)

        # ---- CHUNKING (RFC 3030) ---------------------------------------------------------
        async def smtp_BDAT(self, arg: str | None) -> None:
            """``BDAT <size> [LAST]``: the next ``size`` octets are message data, as sent.

            A refused chunk is still read (the client sends it anyway) and thrown away; data
            beyond the size limit is thrown away and the LAST chunk answered with 552 5.3.4.
            """
            parts = (arg or "").split()
            if (not parts or not parts[0].isdigit() or len(parts) > 2
                    or (len(parts) == 2 and parts[1].upper() != "LAST")):
                await self.push(replies.SYNTAX_ERROR)
                return
            size, last = int(parts[0]), len(parts) == 2
            env = self.envelope
            problem = None
            if not self.session.host_name:
                problem = replies.SEND_HELLO_FIRST
            elif not self.session.authenticated:
                problem = self._tail(replies.NOT_AUTHENTICATED)
            elif not env.mail_from:
                problem = replies.NEED_MAIL
            elif not env.rcpt_tos:
                problem = replies.NEED_RCPT
            received = getattr(env, "bdat_size", 0) + size
            limit = self.data_size_limit
            too_big = getattr(env, "bdat_too_big", False) or bool(limit and received > limit)
            chunk = await self._read_chunk(size, keep=problem is None and not too_big)
            if problem is not None:
                await self.push(problem)
                return
            env.bdat_size = received
            env.bdat_too_big = too_big
            chunks: list[bytes] = getattr(env, "bdat_chunks", [])
            env.bdat_chunks = [] if too_big else chunks + [chunk]
            if not last:
                await self.push(replies.BDAT_CHUNK_OK.format(size=size))
                return
            if too_big:
                self._set_post_data_state()
                await self.push(replies.SIZE_EXCEEDED)
                return
            content = b"".join(env.bdat_chunks)
            env.content = env.original_content = content
            status = await self._call_handler_hook("DATA")
            self._set_post_data_state()
            await self.push(status)

        async def _read_chunk(self, size: int, *, keep: bool) -> bytes:
            try:
                if keep:
                    return await self._reader.readexactly(size)
                while size > 0:
                    piece = await self._reader.readexactly(min(size, _DISCARD_PIECE))
                    size -= len(piece)
                return b""
            except asyncio.IncompleteReadError:
                raise ConnectionResetError("connection closed during BDAT") from None

    return ExchangeSMTP


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


class _Handler:
    """aiosmtpd handler hooks: the transaction replies and delivery."""

    def __init__(self, state: _ServerState) -> None:
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
        head = BytesHeaderParser().parsebytes(content)
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


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, reuse_port=False)


def start_smtp(
    host: str,
    port: int,
    authorizer: SmtpAuthorizer,
    ssl_context: ssl.SSLContext,
    maildir_root: Path,
    size_limit: SizeLimit = 35 * 1024 * 1024,
    hostname: str = replies.DEFAULT_HOSTNAME,
    *,
    clock: Clock | None = None,
    ready_timeout: float = 15.0,
    idle_timeout: float = 300.0,
    sock: socket.socket | None = None,
) -> SmtpHandle:
    """Start the simulated Exchange submission port on ``host:port`` (0 = a free port).

    ``sock``: serve this already listening socket instead of binding one (``host`` and ``port``
    then only name it; see :mod:`cloud_sim.ondemand`).

    ``ssl_context`` is the server context used for STARTTLS. ``size_limit`` is bytes or a
    callable returning them (read per connection). ``clock`` gives the time shown in the
    banner and reply tails (the tenant clock; default real UTC time). Returns once the server
    answers; the loop runs in a daemon thread until ``stop()``.
    """
    from aiosmtpd.controller import Controller

    state = _ServerState(authorizer, Path(maildir_root), size_limit, hostname, clock or _utcnow)
    handler = _Handler(state)
    smtp_cls = _make_smtp_class()
    if sock is None:
        sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    probe_host = host
    if host in ("", "0.0.0.0"):
        probe_host = "127.0.0.1"
    elif host == "::":
        probe_host = "::1"

    class _Controller(Controller):  # type: ignore[misc]
        def factory(self) -> Any:
            return smtp_cls(
                handler,
                state,
                data_size_limit=state.current_size_limit(),
                enable_SMTPUTF8=True,
                hostname=state.hostname,
                tls_context=ssl_context,
                require_starttls=False,  # our own gate words the reply as Exchange does
                auth_require_tls=True,
                auth_exclude_mechanism=["PLAIN"],
                timeout=idle_timeout,
                loop=self.loop,
            )

        def _create_server(self) -> Any:
            return self.loop.create_server(self._factory_invoker, sock=sock)

        def _trigger_server(self) -> None:
            with socket.create_connection((probe_host, bound_port), timeout=ready_timeout) as s:
                s.recv(1024)

    controller = _Controller(handler, hostname=host, port=bound_port, ready_timeout=ready_timeout)
    try:
        controller.start()
    except BaseException:
        try:
            controller.stop(no_assert=True)
        except Exception:  # pragma: no cover
            pass
        sock.close()
        state.executor.shutdown(wait=False)
        raise
    log.info("simulated Exchange SMTP listening on %s:%d", host, bound_port)
    return SmtpHandle(controller, host, bound_port, state)
