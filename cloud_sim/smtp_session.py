"""One SMTP connection of the simulated Exchange front end: aiosmtpd's protocol speaking
Exchange's replies (see :mod:`cloud_sim.smtp_server` for the behaviour).

Imported when a server starts (aiosmtpd is a heavy import), never by ``import cloud_sim``.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import re
import secrets
import socket
import types
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope

from cloud_sim import replies
from cloud_sim.smtp_delivery import DeliveryHandler
from cloud_sim.smtp_login import AuthConversation
from cloud_sim.smtp_state import AUTH_LINE_LIMIT, ServerState

log = logging.getLogger(__name__)

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


class ExchangeEnvelope(Envelope):  # type: ignore[misc]
    """aiosmtpd's envelope with what BODY=BINARYMIME and BDAT (CHUNKING) keep per message."""

    def __init__(self) -> None:
        super().__init__()
        self.binarymime = False
        self.bdat_size = 0
        self.bdat_too_big = False
        self.bdat_chunks: list[bytes] = []


class ExchangeSMTP(AuthConversation, SMTP):  # type: ignore[misc]
    """aiosmtpd's SMTP speaking as Exchange Online's front end."""

    # The stream reader is created with this limit in SMTP.__init__; the instance
    # attribute is put back to RFC 5321's 1001 afterwards for DATA lines.
    line_length_limit = _READER_LIMIT
    envelope: ExchangeEnvelope  # aiosmtpd makes each with _create_envelope

    def __init__(self, handler: DeliveryHandler, state: ServerState, **kwargs: Any) -> None:
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
        #: the reader's own readuntil (connection_made puts a quoting one in its place)
        self._plain_readuntil: Callable[..., Awaitable[bytes]] | None = None
        self._held: list[str] = []  # the first lines of a multi-line reply, not yet written
        state.connections.add(self)
        self.__ident__ = "Microsoft ESMTP MAIL Service"
        # Gate every command but the allowed few behind STARTTLS (the gates are made once per
        # class: a connection only binds them).
        methods = self._smtp_methods
        for name, gated in _tls_gates(type(self)).items():
            methods[name] = types.MethodType(gated, self)

    def __dir__(self) -> list[str]:
        """Only the command and AUTH methods (``smtp_*``, ``auth_*``).

        Why: aiosmtpd's constructor finds them with ``inspect.getmembers(self)`` and
        ``dir(self)`` on every connection; over the full list (about 170 names, each fetched)
        that search was most of a connection's setup. These are all it looks for."""
        return list(_hook_names(type(self)))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Called again after STARTTLS's handshake, for the same socket and the same reader.
        first = self._plain_readuntil is None
        if first:
            # Multi-line replies (EHLO) are written in pieces; with Nagle on, the last piece
            # waits for the client's delayed ACK (~40 ms on Linux) on every connection.
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:  # pragma: no cover - the peer is already gone
                    pass
        super().connection_made(transport)
        if first:
            # Remember the last line read, so an unrecognised command can be quoted back as
            # Exchange does (aiosmtpd's own reply names only the upper-cased verb).
            reader = self._reader
            self._plain_readuntil = reader.readuntil
            reader.readuntil = self._quoting_readuntil  # type: ignore[method-assign]

    async def _quoting_readuntil(self, separator: bytes = b"\n") -> bytes:
        assert self._plain_readuntil is not None  # set with this wrapper in connection_made
        line = await self._plain_readuntil(separator)
        self._last_line = line
        return line

    def _create_envelope(self) -> ExchangeEnvelope:
        return ExchangeEnvelope()

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

    async def _offload(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self.loop.run_in_executor(self._state.executor, fn, *args)

    # ---- replies the base class words differently ------------------------------------
    async def push(self, status: Any) -> None:  # type: ignore[override]
        if isinstance(status, str):
            status = self._translate(status)
            if status[3:4] == "-" and status[:3].isdigit():
                # a multi-line reply (EHLO's) leaves in one write, not one TLS record and
                # TCP segment per line
                self._held.append(status)
                return
        if self._held:
            held = "\r\n".join(self._held) + "\r\n"
            self._held.clear()
            status = held + status if isinstance(status, str) else held.encode() + status
        faults = self._state.faults  # network faults (cloud_sim.faults): latency, hang, reset
        if faults is not None and faults.any_active and not await faults.smtp_reply(self):
            return
        await super().push(status)
        if faults is not None:
            faults.smtp_sent(self, len(status) + 2)

    def _translate(self, status: str) -> str:
        """Reword aiosmtpd's own replies (from code paths we do not override)."""
        if status[:3] not in _CODES_TO_TRANSLATE:  # most replies: already Exchange's own
            return status
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
        # All but the last line are held and leave with it in one write: one push (one
        # translation, one fault check) per EHLO instead of one per line
        self._held.extend(lines[:-1])
        await self.push(lines[-1])

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

    # ---- mail transaction ------------------------------------------------------------
    async def smtp_MAIL(self, arg: str | None) -> None:
        busy = self._state.faults.smtp_mail() if self._state.faults is not None else None
        if busy is not None:  # a temporary failure set by a fault (421 also closes)
            await self.push(busy)
            if busy.startswith("421"):
                self._close_transport()
            return
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
        if self.envelope.binarymime and self.envelope.rcpt_tos:
            await self.push(replies.BINARYMIME_NEEDS_BDAT)
            return
        # The message's lines are no commands to quote back: read them without the quoting
        # wrapper (one coroutine less per line; a scan's attachment is thousands of lines).
        reader, quoting = self._reader, self._reader.readuntil
        if self._plain_readuntil is not None:
            reader.readuntil = self._plain_readuntil  # type: ignore[method-assign]
        try:
            await super().smtp_DATA(arg)
        finally:
            reader.readuntil = quoting  # type: ignore[method-assign]

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
        received = env.bdat_size + size
        limit = self.data_size_limit
        too_big = env.bdat_too_big or bool(limit and received > limit)
        chunk = await self._read_chunk(size, keep=problem is None and not too_big)
        if problem is not None:
            await self.push(problem)
            return
        env.bdat_size = received
        env.bdat_too_big = too_big
        env.bdat_chunks = [] if too_big else env.bdat_chunks + [chunk]
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


#: the reply codes of aiosmtpd's own replies that :meth:`ExchangeSMTP._translate` rewords
_CODES_TO_TRANSLATE = frozenset({"220", "354", "500", "501", "503", "552", "553", "555"})


@functools.lru_cache(maxsize=None)
def _hook_names(cls: type) -> tuple[str, ...]:
    """``cls``'s ``smtp_*`` and ``auth_*`` names (what :meth:`ExchangeSMTP.__dir__` lists)."""
    return tuple(n for n in dir(cls) if n.startswith(("smtp_", "auth_")))


@functools.lru_cache(maxsize=None)
def _tls_gates(cls: type) -> dict[str, Callable[..., Any]]:
    """The STARTTLS gate of each of ``cls``'s commands but the allowed few, as functions to
    bind: before TLS, ``451 5.7.3 STARTTLS is required to send mail``."""
    gates: dict[str, Callable[..., Any]] = {}
    for attr in dir(cls):
        name = attr[len("smtp_"):]
        if not attr.startswith("smtp_") or name in _ALLOWED_BEFORE_TLS or name == "AUTH":
            continue
        gates[name] = _gate(getattr(cls, attr))
    return gates


def _gate(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def gated(self: ExchangeSMTP, arg: Any) -> None:
        if not self._tls_protocol:
            await self.push(self._tail(replies.STARTTLS_REQUIRED))
            return
        await method(self, arg)

    return gated
