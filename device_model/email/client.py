"""``device.email``: the printer's email client (sign-in, token cache, sending, Connection Test).

One object per device, created lazily by ``Device.email``. It holds

* the endpoint profile (``set_profile``: the panel's cloud link sets it once the tenant runs);
* at most one pending :class:`~.signin.SignInAttempt` per Web Config session (the newest);
* the committed sign-in (:class:`~.signin.TokenStore`) and the msal app built on it;
* the send path (:mod:`.sender`), which logs every send as a job.

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
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from ..i18n import Msg
from . import signin as _signin
from .profiles import EXCHANGE_ONLINE, EmailServiceProfile, normalize_service
from .redact import install_log_redaction, redact_text, remember_secret
from .sender import (
    E_COMM,
    E_DNS,
    E_EXPIRED,
    E_NOT_SIGNED_IN,
    E_SIGN_IN_AGAIN,
    Attachment,
    EmailSendError,
    SendConfig,
    build_message,
    deliver,
    discard_session,
    not_set_error,
    open_authenticated,
    size_error,
    tls_context_for,
)
from .signin import RequestCounter, SignInAttempt, SignInStatus, TokenStore

log = logging.getLogger(__name__)

#: Identity-platform errors that mean "sign in again" (370) rather than a passing fault (313).
_SIGN_IN_AGAIN_ERRORS = frozenset(
    {"invalid_grant", "interaction_required", "consent_required", "invalid_client", "unauthorized_client",
     "login_required", "invalid_scope", "access_denied"}
)


class _MsalTokens:
    """The :class:`~.sender.TokenProvider` backed by the device's committed msal session."""

    def __init__(self, client: EmailClient, username: str) -> None:
        self._client = client
        self.username = username

    async def token(self, *, force_refresh: bool = False) -> str:
        if not force_refresh:
            cached = self._client._cached_token()
            if cached is not None:
                return cached
        return await asyncio.to_thread(self._client._acquire_token, force_refresh)


class EmailClient:
    """See the module docstring and CONTRACTS.md "Email (issue 4)"."""

    def __init__(self, device: Any) -> None:
        install_log_redaction()
        self.device = device
        report = getattr(device, "report_problem", None)
        self.store = TokenStore(device.state_dir, report=report)
        if report is None:  # a stand-in device without report_problem
            for problem in self.store.problems:
                getattr(device, "startup_problems", []).append(problem)
        self._lock = threading.RLock()
        self._profile: EmailServiceProfile | None = None
        self._attempt: SignInAttempt | None = None
        #: the committed session: (profile, msal app, token cache)
        self._app: Any = None
        self._app_profile: EmailServiceProfile | None = None
        self._cache: Any = None
        self._app_lock = threading.Lock()
        self._tls: dict[str, Any] = {}
        #: (msal app, account) of the last token msal handed out: lets :meth:`_cached_token`
        #: look the account's access token up in that app's cache without a worker thread
        self._token_account: tuple[Any, dict[str, Any]] | None = None
        #: every HTTP request any msal app of this client made (bench, tests)
        self.identity_requests = RequestCounter()

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
            with self._app_lock:
                self._app = None
                self._app_profile = None
                self._cache = None
        self._emit_signin({"event": "profile", "simulated": bool(profile and profile.simulated)})
        if warm_up and profile is not None and self.store.meta:
            threading.Thread(target=self._warm_up, name="email-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        try:
            self._ensure_app()
        except Exception as exc:  # a send later reports it properly
            log.info("email warm-up failed: %s", type(exc).__name__)

    def profile_for(self, service: str | None) -> EmailServiceProfile:
        """The profile for ``service`` (default: the service in the email server settings)."""
        profile = self._profile
        if profile is None:
            raise LookupError("no email service profile yet")
        svc = service or self.server_settings().email_service or profile.service or EXCHANGE_ONLINE
        return profile.for_service(normalize_service(svc))

    def server_settings(self) -> Any:
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

    def _emit_signin(self, detail: Any) -> None:
        emit = getattr(self.device, "emit", None)
        if emit is not None:
            emit("signin", detail)

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
        except Exception as exc:
            log.warning("sign-in could not start: %s", redact_text(f"{type(exc).__name__}: {exc}"))
            attempt = SignInAttempt.failed(
                service=profile.service, profile=profile, clock=clock,
                error=Msg.of("email.signin.unreachable", detail=_short_reason(exc)),
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
        now = self.device.clock.now()
        with self._app_lock:
            self.store.commit(attempt, now)
            self._app = attempt._app
            self._cache = attempt._cache
            self._app_profile = attempt.profile
            attempt.committed = True
        log.info("sign-in committed: %s (%s)", attempt.account, attempt.service)
        self._emit_signin(attempt.snapshot() | {"event": "committed"})
        return self.status()

    def sign_out(self) -> None:
        """Forget the device's sign-in (token cache and account)."""
        with self._app_lock:
            self.store.clear()
            self._app = None
            self._cache = None
            self._app_profile = None
        log.info("signed out")
        self._emit_signin({"event": "signed_out"})

    # -- tokens (blocking) ------------------------------------------------------------------

    def _ensure_app(self) -> tuple[Any, Any]:
        """The msal app over the committed token cache. Blocking on first use (discovery)."""
        with self._app_lock:
            if self._app is not None:
                return self._app, self._cache
            meta = self.store.meta
            if not meta:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            try:
                profile = self.profile_for(meta.get("service"))
            except LookupError:
                raise EmailSendError(
                    E_COMM, "", kind="no_profile", note=Msg.of("email.job.identity_unreachable")
                ) from None
            text = self.store.read_cache_text()
            if text is None:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            cache = _signin.new_token_cache(text)
            session = _signin.make_http_session(profile, self.identity_requests)
            try:
                app = _signin.build_app(profile, cache, session)
            except Exception as exc:
                raise _identity_error(exc) from exc
            self._app, self._cache, self._app_profile = app, cache, profile
            return app, cache

    def _acquire_token(self, force_refresh: bool = False) -> str:
        """An SMTP.Send access token for the committed account. Blocking (msal).

        The device clock decides staleness too: msal reads wall time, the device clock may have
        travelled, so a token the device clock calls expired is refreshed on purpose.
        """
        meta = self.store.meta
        if not meta:
            raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
        app, cache = self._ensure_app()
        now = self.device.clock.now()
        force = force_refresh or self.store.access_token_stale(now)
        accounts = app.get_accounts(username=meta.get("account"))
        if not accounts:
            raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
        scopes = list((self._app_profile or self.profile_for(meta.get("service"))).scopes)
        self._token_account = None
        try:
            result = app.acquire_token_silent_with_error(scopes, accounts[0], force_refresh=force)
        except Exception as exc:
            raise _identity_error(exc) from exc
        if result is None:
            raise EmailSendError(E_NOT_SIGNED_IN, "no usable token in the cache", kind="signin")
        if "access_token" not in result:
            code = _signin.aad_code_of(result)
            description = redact_text(str(result.get("error_description", result.get("error", ""))))
            description = description.splitlines()[0] if description else ""
            log.info("token refresh refused: %s", description)
            if code in _signin.EXPIRED_CODES:
                self.store.mark_expired()
                self._emit_signin({"event": "expired"})
                raise EmailSendError(E_EXPIRED, description, kind="signin_expired")
            if result.get("error") in _SIGN_IN_AGAIN_ERRORS or code is not None:
                # The grant is dead (revoked, blocked, password changed): Web Config must offer
                # Sign In again, so the held sign-in no longer reads "Signed in".
                self.store.mark_expired()
                self._emit_signin({"event": "expired"})
                raise EmailSendError(E_SIGN_IN_AGAIN, description, kind="signin_again")
            raise EmailSendError(E_COMM, description, kind="identity")
        for key in ("access_token", "refresh_token", "id_token"):
            remember_secret(result.get(key))
        if result.get("token_source") == "identity_provider":
            self.store.note_token(now, int(result.get("expires_in") or 3600))
        self.store.save_cache(cache)
        if isinstance(accounts[0], dict) and accounts[0].get("home_account_id"):
            self._token_account = (app, accounts[0])
        return str(result["access_token"])

    def _cached_token(self) -> str | None:
        """The committed account's access token if msal would hand it out from its cache as is.

        Non-blocking (no network, no file, no lock waited on), so sending can ask on the event
        loop and skip the worker-thread round trip of :meth:`_acquire_token`. msal's cache stays
        the only store of tokens: this reads the entry msal's ``acquire_token_silent`` looks at
        first (same client, authority, account and scopes) and applies msal's rules (at least
        five minutes left, not due for a proactive refresh) and the device clock's. Anything
        else (no such entry, a refresh due, the app or account changed since the last token,
        sign-in expired) is None: the caller goes through msal in a thread.
        """
        import time

        remembered = self._token_account
        meta = self.store.meta
        if remembered is None or not meta or meta.get("expired"):
            return None
        app, account = remembered
        if app is not self._app or str(account.get("username", "")).lower() != str(meta.get("account", "")).lower():
            return None
        if self.store.access_token_stale(self.device.clock.now()):
            return None
        profile = self._app_profile
        if profile is None:
            return None
        cache = app.token_cache
        query = {
            "client_id": app.client_id,
            "environment": app.authority.instance,
            "realm": app.authority.tenant,
            "home_account_id": account["home_account_id"],
        }
        now = time.time()
        entries = cache.search(cache.CredentialType.ACCESS_TOKEN, target=list(profile.scopes), query=query)
        try:
            entry = next(entries, None)  # msal's O(1) lookup by key comes first
        finally:
            entries.close()
        if entry is None or int(entry["expires_on"]) - now < 5 * 60:
            return None
        if "refresh_on" in entry and int(entry["refresh_on"]) < now:
            return None
        token = str(entry.get("secret") or "")
        if not token:
            return None
        remember_secret(token)
        return token

    # -- sending ----------------------------------------------------------------------------

    def _tls_context(self, profile: EmailServiceProfile | None) -> Any:
        """The verifying TLS context for the profile's CA, cached (an unreadable CA file: 313)."""
        key = str(profile.ca_path) if profile is not None and profile.ca_path else ""
        trust = getattr(self.device, "trust", None)  # Network Security > CA Certificate
        key += "|" + (trust.revision() if trust is not None else "")
        ctx = self._tls.get(key)
        if ctx is None:
            try:
                ctx = tls_context_for(profile)
                if trust is not None:
                    trust.apply(ctx)
                self._tls[key] = ctx
            except (OSError, ValueError) as exc:
                raise EmailSendError(E_COMM, f"CA certificate unusable: {exc}", kind="tls_verify") from exc
        return ctx

    def _send_config(self) -> tuple[SendConfig, _MsalTokens | None, str]:
        """Settings -> SendConfig, the token provider (OAuth2) and the From address."""
        s = self.server_settings()
        method = s.auth_method
        profile: EmailServiceProfile | None = None
        try:
            profile = self.profile_for(s.email_service if method == "oauth2" else None)
        except LookupError:
            profile = None
        server, port, secure = s.smtp_server, int(s.smtp_port), s.secure
        if method == "oauth2" and not server and profile is not None:
            server, port, secure = profile.smtp_host, profile.smtp_port, profile.secure
        max_mb = getattr(getattr(self.device.settings, "scan", None), "attached_file_max_size_mb", None)
        cfg = SendConfig(
            auth_method=method,
            smtp_server=server,
            smtp_port=port,
            secure=secure,
            account=s.account,
            password=s.password,
            pop3_server=s.pop3_server,
            pop3_port=int(s.pop3_port),
            max_bytes=None,
            local_hostname=_local_hostname(self.device),
            profile=profile,
            tls_context=None,
        )
        cfg.max_bytes = int(max_mb) * 1024 * 1024 if max_mb else None
        tokens: _MsalTokens | None = None
        sender = s.sender_address
        if method == "oauth2":
            meta = self.store.meta
            if not meta:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            tokens = _MsalTokens(self, str(meta.get("account") or ""))
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
        attachments: Sequence[Any] = (),
        kind: str = "email",
    ) -> Any:
        """Send an email as a job; returns the finished Job (Completed or the error code).

        The job is in Job Status > Active while this runs. Its reply is the server's exact
        reply (or the connection error), never a token.
        """
        async def compose() -> tuple[str, str, Sequence[Any]]:
            return subject, body, attachments

        return await self._send_job(to, kind, compose)

    async def _send_job(
        self,
        to: str | Sequence[str],
        kind: str,
        compose: Callable[[], Awaitable[tuple[str, str, Sequence[Any]]]],
    ) -> Any:
        """Run one email job: Active at once, then compose (e.g. scan) and send.

        Composing and connecting overlap: the SMTP session (resolve, TCP, TLS, EHLO, AUTH with
        a token fetched from msal's cache) is opened while the document is made. Errors keep a
        fixed precedence all the same: settings (360; "not set" when there is no server at all)
        first, then the composed message (314, the printer's own limit), then the connection
        (311/312/313, 361/370, and 314 when the server refuses the size).

        What the job keeps: ``reply`` is only ever a server's words, verbatim; the printer's
        own finding (nothing answered, or it refused the job itself) goes to the ``note``
        details, rebuilt as a catalog message by ``Job.note`` so Job Details shows it in the
        device's language.
        """
        destination = to if isinstance(to, str) else ", ".join(to)
        jobs = self.device.jobs
        job = jobs.start(kind, destination)
        details: dict[str, str] = {}
        session: asyncio.Task[Any] | None = None
        try:
            cfg, tokens, sender = self._send_config()
            details["auth"] = cfg.auth_method
            if cfg.smtp_server.strip():
                details["server"] = f"{cfg.smtp_server}:{cfg.smtp_port}"
            if tokens is not None:
                details["account"] = tokens.username
            if not cfg.smtp_server.strip():
                raise not_set_error()
            session = asyncio.create_task(open_authenticated(cfg, tokens))
            await asyncio.sleep(0)  # let it start connecting before composing keeps the loop busy
            subject, body, attachments = await compose()
            details["subject"] = subject
            files = [Attachment.coerce(a) for a in attachments]
            total = sum(len(a.data) for a in files)
            if cfg.max_bytes is not None and total > cfg.max_bytes:
                raise size_error(total, cfg.max_bytes)
            message = build_message(
                sender=sender, to=to, subject=subject, body=body, attachments=files, date=self.device.clock.now(),
            )
            cfg.max_bytes = None  # the attachment limit is checked above; SIZE is the server's
            pending, session = session, None
            logged: list[asyncio.Future[Any]] = []

            def log_completed(reply: str) -> asyncio.Future[Any]:
                # Accepted: the job goes to the log (atomic write with fsync) in a worker thread,
                # handed over at once, while the connection says QUIT; deliver returns once both
                # are over, so the job is durably logged before this method returns.
                if reply and not reply[:3].isdigit():
                    reply = f"250 {reply}"
                finish = partial(jobs.finish, job, "completed", None, reply, **details)
                logged.append(asyncio.get_running_loop().run_in_executor(None, finish))
                return logged[-1]

            await deliver(message, cfg, tokens, session=pending, on_accepted=log_completed)
            return logged[0].result()
        except EmailSendError as err:
            details["error"] = err.kind
            details.update(note_details(err.note))
            log.info("email job %s failed: %s %s", job.id, err.code, err.reply or (err.note and err.note.key))
            return await asyncio.to_thread(jobs.finish, job, "error", err.code, err.reply, **details)
        except asyncio.CancelledError:
            await asyncio.shield(asyncio.to_thread(jobs.cancel, job))
            raise
        except Exception as exc:  # a bug must still end the job, with a code the panel knows
            log.exception("email job %s crashed", job.id)
            return await asyncio.to_thread(
                jobs.finish, job, "error", E_COMM, redact_text(f"{type(exc).__name__}: {exc}"), **details
            )
        finally:
            if session is not None:
                await discard_session(session)

    async def scan_to_email(self, to: str | Sequence[str], *, pages: int = 1, dpi: int | None = None) -> Any:
        """A Scan to Email job: the sample scanned document as a PDF attachment.

        The job is Active from the start; the PDF is made in a worker thread (fpdf2's first
        import alone takes a quarter of a second, too long for the panel's loop) unless the
        same page is memoised already. ``pages`` and ``dpi`` (Resolution; None: 200 dpi, the
        panel's default) set the attachment's size, so Attached File Max Size (314) can be hit.
        """
        from .scan import DEFAULT_DPI, cached_sample_scan_pdf, sample_scan_pdf

        resolution = int(dpi) if dpi else DEFAULT_DPI

        dev = self.device

        async def compose() -> tuple[str, str, Sequence[Any]]:
            name = dev.settings.network.device_name or getattr(dev.profile, "default_device_name", "printer")
            now = dev.clock.now()
            when = _format_time(dev, now)
            doc = {
                "title": dev.t("email.scan.doc_title"),
                "line": dev.t("email.scan.doc_line", device=name, time=when),
                "pages": pages,
                "dpi": resolution,
            }
            pdf = cached_sample_scan_pdf(**doc)  # a hit needs no worker thread
            if pdf is None:
                pdf = await asyncio.to_thread(partial(sample_scan_pdf, **doc))
            filename = dev.t("email.scan.filename", stamp=now.strftime("%Y%m%d%H%M%S"))
            return (
                dev.t("email.scan.subject", device=name),
                dev.t("email.scan.body", device=name, time=when, pages=pages),
                [Attachment(filename, pdf, "application/pdf")],
            )

        return await self._send_job(to, "scan_to_email", compose)

    async def send_test_email(self, to: str | Sequence[str]) -> Any:
        """Web Config's test email."""
        dev = self.device
        name = dev.settings.network.device_name or "printer"
        when = _format_time(dev, dev.clock.now())
        return await self.send(
            to, dev.t("email.test.subject", device=name), dev.t("email.test.body", device=name, time=when), kind="email"
        )

    async def notify(self, event: str | Msg, to: str | Sequence[str] | None = None) -> Any:
        """An email notification for a device event (to ``to`` or the sender's address)."""
        dev = self.device
        name = dev.settings.network.device_name or "printer"
        text = dev.t(event) if isinstance(event, Msg) else str(event)
        target = to or self.server_settings().sender_address or (self.store.meta or {}).get("account") or ""
        if not target:
            return None
        when = _format_time(dev, dev.clock.now())
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
            return _conntest_msg(err, "none")
        if not cfg.smtp_server.strip():
            return Msg.of("email.conntest.no_server")
        try:
            smtp = await open_authenticated(cfg, tokens)
        except EmailSendError as err:
            if err.kind in ("tls", "disconnected", "no_starttls", "starttls_required", "no_auth"):
                return await _probe_secure(cfg, err)
            return _conntest_msg(err, cfg.secure)
        try:
            if sender:
                try:
                    await smtp.mail(sender)
                except Exception as exc:
                    from .sender import classify

                    err = classify(exc)
                    if err.kind == "sender" or any(c in err.reply for c in ("5.2.252", "5.7.60", "5.1.7")):
                        return Msg.of("email.conntest.sender")
                    return _conntest_msg(err, cfg.secure)
                try:
                    await smtp.rset()
                except Exception:
                    pass
            try:
                await smtp.quit()
            except Exception:
                pass
        finally:
            if smtp.is_connected:
                smtp.close()
        return Msg.of("email.conntest.ok")


# -- helpers -------------------------------------------------------------------------------------


def note_details(note: Msg | None) -> dict[str, str]:
    """The printer's own finding as job details: ``note`` (the catalog key), ``note.<param>``.

    Job details are plain strings (the job log is JSON); Job Details rebuilds the Msg with
    :func:`device_model.jobs.job_note` and shows it in the device's language at that moment.
    """
    if note is None:
        return {}
    out = {"note": note.key}
    out.update({f"note.{k}": str(v) for k, v in note.params.items()})
    return out


def _short_reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}"
    low = str(exc).lower()
    if "name or service not known" in low or "nameresolution" in low or "getaddrinfo" in low:
        text += ": name does not resolve"
    elif "certificate" in low:
        text += ": certificate not trusted"
    elif "refused" in low:
        text += ": connection refused"
    return text


def _identity_error(exc: BaseException) -> EmailSendError:
    """msal/requests failures reaching the identity platform -> 311 (DNS) or 313.

    No server answered, so there is no reply to keep: the printer's finding is a note (the
    exception text goes to the log, redacted).
    """
    text = redact_text(f"{type(exc).__name__}: {exc}")
    log.info("identity platform unreachable: %s", text)
    low = text.lower()
    if "name or service not known" in low or "nameresolution" in low or "temporary failure in name" in low:
        return EmailSendError(E_DNS, "", kind="dns", note=Msg.of("email.job.identity_dns"))
    return EmailSendError(E_COMM, "", kind="identity", note=Msg.of("email.job.identity_unreachable"))


def _local_hostname(device: Any) -> str:
    """EHLO name: the device name (no reverse DNS lookup, which is slow on a closed network)."""
    import re

    name = str(device.settings.network.device_name or "printer")
    name = re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-") or "printer"
    return name[:63]


def _format_time(device: Any, when: datetime) -> str:
    fmt = getattr(device, "format_datetime", None)
    return fmt(when) if fmt else when.strftime("%Y-%m-%d %H:%M UTC")


def _conntest_msg(err: EmailSendError, secure: str) -> Msg:
    kind = err.kind
    if kind == "dns":
        return Msg.of("email.conntest.connect")
    if kind in ("refused", "timeout"):
        return Msg.of("email.conntest.communication")
    if kind == "tls_verify":
        return Msg.of("email.conntest.untrusted_ca")
    if kind == "tls_date":
        return Msg.of("email.conntest.untrusted_date")
    if kind in ("auth", "no_auth"):
        return Msg.of("email.conntest.auth")
    if kind == "sender":
        return Msg.of("email.conntest.sender")
    if err.code == E_NOT_SIGNED_IN:
        return Msg.of("email.conntest.not_signed_in")
    if err.code == E_EXPIRED:
        return Msg.of("email.conntest.signin_expired")
    if err.code == E_SIGN_IN_AGAIN:
        return Msg.of("email.conntest.signin_again")
    if kind == "starttls_required":
        return Msg.of("email.conntest.change_starttls")
    if kind == "no_starttls":
        return Msg.of("email.conntest.change_none")
    return Msg.of("email.conntest.communication")


async def _probe_secure(cfg: SendConfig, err: EmailSendError) -> Msg:
    """The secure-connection setting did not fit the server: find the one that does."""
    import aiosmtplib

    from .sender import open_socket, resolve

    if err.kind == "no_auth" and cfg.secure == "none":
        pass  # AUTH is only offered after TLS: fall through to the probe
    elif err.kind == "no_auth":
        return Msg.of("email.conntest.auth")
    try:
        addr, port = await resolve(cfg.smtp_server.strip(), int(cfg.smtp_port), cfg.profile)
        sock = await open_socket(addr, port, cfg.timeout)
    except EmailSendError as e2:
        return _conntest_msg(e2, cfg.secure)
    smtp = aiosmtplib.SMTP(hostname=cfg.smtp_server.strip(), sock=sock, start_tls=False,
                           local_hostname=cfg.local_hostname, timeout=min(cfg.timeout, 5.0))
    try:
        await smtp.connect()
        await smtp.ehlo()
        offers_starttls = smtp.supports_extension("starttls")
    except Exception:
        offers_starttls = None  # not a plain-text SMTP greeting: TLS from the start
    finally:
        smtp.close()
    if offers_starttls is None:
        return Msg.of("email.conntest.change_ssl") if cfg.secure != "ssl_tls" else Msg.of("email.conntest.unsupported")
    if offers_starttls:
        return Msg.of("email.conntest.change_starttls") if cfg.secure != "starttls" else Msg.of("email.conntest.communication")
    return Msg.of("email.conntest.change_none") if cfg.secure != "none" else Msg.of("email.conntest.unsupported")
