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
- XOAUTH2 asks the authorizer's optional ``cached_xoauth2(user, token) -> AuthDecision | None``
  first, on the loop (a verdict kept in memory: the same token judged since the tenant last
  changed); only without one does ``authorize_xoauth2`` run on a worker thread.
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

import logging
import socket
import ssl
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloud_sim import replies
from cloud_sim.smtp_auth import SmtpAuthorizer
from cloud_sim.smtp_state import AUTH_LINE_LIMIT as AUTH_LINE_LIMIT  # noqa: F401 - tests read it here
from cloud_sim.smtp_state import MAX_RECIPIENTS as MAX_RECIPIENTS  # noqa: F401 - tests read it here
from cloud_sim.smtp_state import Clock, ServerState, SizeLimit

if TYPE_CHECKING:
    from cloud_sim.faults import Faults

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SmtpHandle:
    """A running simulated Exchange submission server. ``stop()`` is idempotent."""

    def __init__(self, controller: Any, host: str, port: int, state: ServerState) -> None:
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
    faults: Faults | None = None,
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

    from cloud_sim.smtp_delivery import DeliveryHandler
    from cloud_sim.smtp_session import ExchangeSMTP

    state = ServerState(authorizer, Path(maildir_root), size_limit, hostname, clock or _utcnow)
    state.faults = faults
    handler = DeliveryHandler(state)
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
            return ExchangeSMTP(
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
        except Exception:  # pragma: no cover - best effort: the start's own error is raised
            pass
        sock.close()
        state.executor.shutdown(wait=False)
        raise
    log.info("simulated Exchange SMTP listening on %s:%d", host, bound_port)
    return SmtpHandle(controller, host, bound_port, state)
