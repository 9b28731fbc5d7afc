"""``device.email``: the printer's email client (sign-in, token cache, sending, Connection Test).

One object per device, created lazily by ``Device.email``. It holds

* the endpoint profile (``set_profile``: the panel's cloud link sets it once the tenant runs);
* at most one pending :class:`~.signin.SignInAttempt` per Web Config session (the newest);
* the committed sign-in (:class:`~.token_store.TokenStore`) and the msal app built on it
  (:class:`~.tokens.TokenSession`);
* the send path (:mod:`.outbox`, :mod:`.sender`), which logs every send as a job, and the
  Connection Test (:mod:`.conntest`).

Threads: msal is blocking, so ``begin_sign_in``, ``SignInAttempt.wait`` and the private
``_acquire_token`` run in worker threads (``*_async`` twins use ``asyncio.to_thread``); a send
whose access token msal would serve from its cache as is reads it on the loop instead
(``_cached_token``). Sending is async (aiosmtplib); the finished job is logged (fsync) in a
worker thread beside the SMTP QUIT. Events (``DeviceEvent("signin", ...)``, ``("jobs", ...)``) fire on whatever
thread made the change; the panel marshals them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..i18n import Msg
from . import signin as _signin
from .conntest import connection_test, conntest_msg
from .failures import E_COMM, E_NOT_SIGNED_IN, EmailSendError
from .message import Attachment
from .outbox import Composer, local_hostname, run_email_job
from .profiles import EXCHANGE_ONLINE, EmailServiceProfile, normalize_service
from .redact import install_log_redaction, redact_text
from .sender import SendConfig, tls_context_for
from .signin import RequestCounter, SignInAttempt
from .token_store import SignInStatus, TokenStore
from .tokens import MsalTokens, TokenSession, short_reason
from ..jsontypes import JsonObject

if TYPE_CHECKING:  # the device's parts, typed without importing them at run time
    import ssl

    from ..clock import Clock
    from ..jobs import Job
    from ..jobs import JobLog
    from ..profile import DeviceProfile
    from ..settings import SendingSettings, Settings
    from ..trust import CaCertificates

log = logging.getLogger(__name__)


class EmailHost(Protocol):
    """What the email client needs of its device (the ``Device``)."""

    state_dir: Path
    profile: DeviceProfile
    clock: Clock
    jobs: JobLog
    trust: CaCertificates

    @property
    def settings(self) -> Settings: ...

    def t(self, key: str | Msg, **params: object) -> str: ...

    def format_datetime(self, when: datetime | None = None, *, seconds: bool = False) -> str: ...

    def emit(self, kind: str, detail: object = None) -> None: ...

    def report_problem(self, msg: Msg) -> None: ...


class EmailClient:
    """See the module docstring and CONTRACTS.md "Email"."""

    def __init__(self, device: EmailHost) -> None:
        install_log_redaction()
        self.device = device
        self.store = TokenStore(self.token_dir(device), report=device.report_problem)
        self._lock = threading.RLock()
        self._profile: EmailServiceProfile | None = None
        self._attempt: SignInAttempt | None = None
        self._tls: dict[str, ssl.SSLContext] = {}
        #: every HTTP request any msal app of this client made (bench, tests)
        self.identity_requests = RequestCounter()
        #: the committed session: the msal app over the device's token cache
        self.tokens = TokenSession(self.store, device.clock.now, self.profile_for,
                                   lambda: self._emit_signin({"event": "expired"}), self.identity_requests)

    # -- profile ----------------------------------------------------------------------------

    @property
    def profile(self) -> EmailServiceProfile | None:
        return self._profile

    def set_profile(self, profile: EmailServiceProfile | None, *, warm_up: bool = True) -> None:
        """Use these endpoints from now on (the panel's cloud link calls this once ready).

        With a committed sign-in, the msal app is built in a background thread right away
        (``warm_up``), so the first send does not wait for the discovery document.
        """
        with self._lock:
            if profile is not None and profile == self._profile:
                return  # the same endpoints again: keep the msal app
            self._profile = profile
            self.tokens.forget()
        self._emit_signin({"event": "profile", "simulated": bool(profile and profile.simulated)})
        if warm_up and profile is not None and self.store.meta:
            threading.Thread(target=self._warm_up, name="email-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        try:
            self.tokens.ensure_app()
        except Exception as exc:  # any failure: a send later reports it properly
            log.info("email warm-up failed: %s", type(exc).__name__)

    def profile_for(self, service: str | None) -> EmailServiceProfile:
        """The profile for ``service`` (default: the service in the email server settings)."""
        profile = self._profile
        if profile is None:
            raise LookupError("no email service profile yet")
        svc = service or self.server_settings().email_service or profile.service or EXCHANGE_ONLINE
        return profile.for_service(normalize_service(svc))

    def token_dir(self, device: EmailHost) -> Path:
        """Where this client keeps its committed sign-in (the Fax Server's and each Print Admin
        Serverless user's clients keep theirs apart)."""
        return Path(device.state_dir)

    def server_settings(self) -> SendingSettings:
        """The settings section this client sends with (Network > Email Server; the Fax
        Server's client reads its own section)."""
        return self.device.settings.email_server

    # -- status and events ------------------------------------------------------------------

    def status(self) -> SignInStatus:
        """What the device holds (after OK): signed_in / not_signed_in / expired, account, service."""
        return self.store.status(self.device.clock.now())

    @property
    def pending(self) -> SignInAttempt | None:
        """The newest sign-in attempt (waiting, or finished but not yet saved with OK)."""
        return self._attempt

    def _emit_signin(self, detail: JsonObject) -> None:
        self.device.emit("signin", detail)

    def _on_attempt(self, attempt: SignInAttempt) -> None:
        self._emit_signin(attempt.snapshot())

    # -- sign-in ----------------------------------------------------------------------------

    def begin_sign_in(self, service: str | None = None) -> SignInAttempt:
        """Ask the identity platform for a device code (Web Config: "Sign in with Microsoft").

        Blocking (builds an msal app: network I/O); call from a thread or use
        :meth:`begin_sign_in_async`. Never raises for service trouble: the attempt comes back in
        state "failed" with a Msg. A previous attempt still waiting is cancelled.
        """
        clock = self.device.clock
        previous = self._attempt
        if previous is not None and not previous.done:
            previous.cancel()
        try:
            profile = self.profile_for(service)
        except LookupError:
            svc = normalize_service(service or EXCHANGE_ONLINE)
            dummy = EmailServiceProfile(
                service=svc, display_name=svc, authority="https://invalid.invalid/none", tenant="none",
                smtp_host="", smtp_port=587, secure="starttls", client_id="",
            )
            attempt = SignInAttempt.failed(service=svc, profile=dummy, clock=clock, error=Msg.of("email.signin.no_profile"))
            self._attempt = attempt
            self._on_attempt(attempt)
            return attempt
        try:
            session = _signin.make_http_session(profile, self.identity_requests)
            cache = _signin.new_token_cache()
            app = _signin.build_app(profile, cache, session)
            flow = app.initiate_device_flow(scopes=list(profile.scopes))
        except Exception as exc:  # msal and the HTTP client raise many types: each is "could not start"
            log.warning("sign-in could not start: %s", redact_text(f"{type(exc).__name__}: {exc}"))
            attempt = SignInAttempt.failed(
                service=profile.service, profile=profile, clock=clock,
                error=Msg.of("email.signin.unreachable", detail=short_reason(exc)),
            )
        else:
            if "user_code" not in flow:
                attempt = SignInAttempt.failed(
                    service=profile.service, profile=profile, clock=clock,
                    error=_signin.signin_error_msg(flow), aad_code=_signin.aad_code_of(flow),
                )
            else:
                attempt = SignInAttempt(
                    service=profile.service, profile=profile, clock=clock, app=app, cache=cache, flow=flow,
                    notify=self._on_attempt, counter=self.identity_requests,
                )
        self._attempt = attempt
        self._on_attempt(attempt)
        return attempt

    async def begin_sign_in_async(self, service: str | None = None) -> SignInAttempt:
        return await asyncio.to_thread(self.begin_sign_in, service)

    def commit_sign_in(self, attempt: SignInAttempt | None = None) -> SignInStatus:
        """Web Config's **OK** (guide step 12): the finished sign-in becomes the device's.

        Raises ValueError if the attempt has not finished successfully.
        """
        attempt = attempt or self._attempt
        if attempt is None or attempt.state != _signin.SIGNED_IN:
            raise ValueError("there is no finished sign-in to save")
        self.tokens.commit(attempt, self.device.clock.now())
        log.info("sign-in committed: %s (%s)", attempt.account, attempt.service)
        self._emit_signin(attempt.snapshot() | {"event": "committed"})
        return self.status()

    def sign_out(self) -> None:
        """Forget the device's sign-in (token cache and account)."""
        self.tokens.sign_out()
        log.info("signed out")
        self._emit_signin({"event": "signed_out"})

    # -- tokens (the seam tests and the bench use) ------------------------------------------

    def _acquire_token(self, force_refresh: bool = False) -> str:
        """An SMTP.Send access token through msal. Blocking (see :meth:`TokenSession.acquire`)."""
        return self.tokens.acquire(force_refresh)

    def _cached_token(self) -> str | None:
        """The access token msal would hand out as is, read on the loop (:meth:`TokenSession.cached`)."""
        return self.tokens.cached()

    # -- sending ----------------------------------------------------------------------------

    def _tls_context(self, profile: EmailServiceProfile | None) -> ssl.SSLContext:
        """The verifying TLS context for the profile's CA, cached (an unreadable CA file: 313)."""
        key = str(profile.ca_path) if profile is not None and profile.ca_path else ""
        trust = self.device.trust  # Network Security > CA Certificate
        key += "|" + trust.revision()
        ctx = self._tls.get(key)
        if ctx is None:
            try:
                ctx = tls_context_for(profile)
                trust.apply(ctx)
                self._tls[key] = ctx
            except (OSError, ValueError) as exc:
                raise EmailSendError(E_COMM, f"CA certificate unusable: {exc}", kind="tls_verify") from exc
        return ctx

    def _send_config(self) -> tuple[SendConfig, MsalTokens | None, str]:
        """Settings -> SendConfig, the token provider (OAuth2) and the From address."""
        settings = self.device.settings
        s = self.server_settings()
        method = s.auth_method
        profile: EmailServiceProfile | None = None
        try:
            profile = self.profile_for(s.email_service if method == "oauth2" else None)
        except LookupError:
            profile = None
        # The settings as they are, an empty SMTP Server Address included: the job then ends
        # "not set" (sender.not_set_error), as with every other method. There used to be a silent
        # fall-back to the service's server for OAuth2, so a tester who blanked the field to see
        # the failure got a sent mail, and Job Details named a server the settings did not hold.
        server, port, secure = s.smtp_server, int(s.smtp_port), s.secure
        max_mb = settings.scan.attached_file_max_size_mb
        cfg = SendConfig(
            auth_method=method,
            smtp_server=server,
            smtp_port=port,
            secure=secure,
            account=s.account,
            password=s.password,
            pop3_server=s.pop3_server,
            pop3_port=int(s.pop3_port),
            max_bytes=int(max_mb) * 1024 * 1024 if max_mb else None,
            local_hostname=local_hostname(settings.network.device_name),
            timeout=float(settings.network.smtp_timeout_s),
            profile=profile,
            tls_context=None,
        )
        tokens: MsalTokens | None = None
        sender = s.sender_address
        if method == "oauth2":
            meta = self.store.meta
            if not meta:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            tokens = MsalTokens(str(meta.get("account") or ""), self._cached_token, self._acquire_token)
            sender = sender or tokens.username
        elif not sender:
            sender = s.account
        if secure != "none":
            cfg.tls_context = self._tls_context(profile)
        return cfg, tokens, sender

    async def send(
        self,
        to: str | Sequence[str],
        subject: str,
        body: str,
        attachments: Sequence[object] = (),
        kind: str = "email",
    ) -> Job:
        """Send an email as a job; returns the finished Job (Completed or the error code).

        The job is in Job Status > Active while this runs. Its reply is the server's exact
        reply (or the connection error), never a token.
        """
        async def compose() -> tuple[str, str, Sequence[object]]:
            return subject, body, attachments

        return await self._send_job(to, kind, compose)

    async def _send_job(self, to: str | Sequence[str], kind: str, compose: Composer) -> Job:
        """Run one email job: Active at once, then compose (e.g. scan) and send (:mod:`.outbox`)."""
        return await run_email_job(self.device.jobs, self.device.clock.now, self._send_config, to, kind, compose)

    #: the kind of job :meth:`scan_to_email` logs (Print Admin Serverless: its own "to_email")
    scan_job_kind = "scan_to_email"

    async def scan_to_email(self, to: str | Sequence[str], *, pages: int = 1, dpi: int | None = None) -> Job:
        """A Scan to Email job: the sample scanned document as a PDF attachment.

        The job is Active from the start; the PDF is made in a worker thread (fpdf2's first
        import alone takes a quarter of a second, too long for the panel's loop) unless the
        same page is memoised already. ``pages`` and ``dpi`` (Resolution; None: 200 dpi, the
        panel's default) set the attachment's size, so Attached File Max Size (314) can be hit.
        """
        from .scan import DEFAULT_DPI, INLINE_PAGES, cached_sample_scan_pdf, sample_scan_pdf

        resolution = int(dpi) if dpi else DEFAULT_DPI

        dev = self.device

        async def compose() -> tuple[str, str, Sequence[object]]:
            name = dev.settings.network.device_name or dev.profile.default_device_name
            now = dev.clock.now()
            when = dev.format_datetime(now)
            doc = {
                "title": dev.t("email.scan.doc_title"),
                "line": dev.t("email.scan.doc_line", device=name, time=when),
                "pages": pages,
                "dpi": resolution,
            }
            pdf = cached_sample_scan_pdf(**doc)  # a hit needs no worker thread
            if pdf is None and resolution <= DEFAULT_DPI and pages <= INLINE_PAGES:
                # ~0.3 ms a page at 200 dpi: here, while the SMTP session opens; a worker
                # thread's hop and its fight for the GIL with that session cost more
                pdf = sample_scan_pdf(**doc)
            if pdf is None:  # 300 dpi is ~14 ms a page, 600 dpi ~55 ms: not on the loop
                pdf = await asyncio.to_thread(partial(sample_scan_pdf, **doc))
            filename = dev.t("email.scan.filename", stamp=now.strftime("%Y%m%d%H%M%S"))
            return (
                dev.t("email.scan.subject", device=name),
                dev.t("email.scan.body", device=name, time=when, pages=pages),
                [Attachment(filename, pdf, "application/pdf")],
            )

        return await self._send_job(to, self.scan_job_kind, compose)

    async def send_test_email(self, to: str | Sequence[str]) -> Job:
        """Web Config's test email."""
        dev = self.device
        name = dev.settings.network.device_name or "printer"
        when = dev.format_datetime(dev.clock.now())
        return await self.send(
            to, dev.t("email.test.subject", device=name), dev.t("email.test.body", device=name, time=when), kind="email"
        )

    async def notify(self, event: str | Msg, to: str | Sequence[str] | None = None) -> Job | None:
        """An email notification for a device event (to ``to`` or the sender's address)."""
        dev = self.device
        name = dev.settings.network.device_name or "printer"
        text = dev.t(event) if isinstance(event, Msg) else str(event)
        target = to or self.server_settings().sender_address or (self.store.meta or {}).get("account") or ""
        if not target:
            return None
        when = dev.format_datetime(dev.clock.now())
        return await self.send(
            target,
            dev.t("email.notify.subject", device=name, event=text),
            dev.t("email.notify.body", device=name, event=text, time=when),
            kind="notification",
        )

    # -- Connection Test --------------------------------------------------------------------

    async def connection_test(self) -> Msg:
        """Web Config's Connection Test: connect, secure, authenticate, try the sender; Epson's message."""
        try:
            cfg, tokens, sender = self._send_config()
        except EmailSendError as err:
            msg = conntest_msg(err, "none")
        else:
            msg = await connection_test(cfg, tokens, sender)
        # the guided mode and anyone else following the guide's step 13 hear the outcome
        self.device.emit("conntest", msg.key)
        return msg
