"""The device sign-in pages at ``{base}/devicelogin``: plain HTML forms, no JavaScript.

enter code -> account -> password -> "Permissions requested" -> Accept/Cancel -> signed in.
Progress between steps is a server-side session named by a hidden ``ctx`` field (no cookies
needed, so a terminal client can follow it as easily as a browser). The outcome is written to
the device code; the device's next poll at the token endpoint reports it.
"""

from __future__ import annotations

import math
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cloud_sim.idp import AuthRequest, IdentityPlatform, Redirect, authority_accepts
from cloud_sim.page_render import CONSENT_SMTP as CONSENT_SMTP  # noqa: F401 - the page's words
from cloud_sim.page_render import FORM_POST_SCRIPT as FORM_POST_SCRIPT  # noqa: F401 - its CSP hash
from cloud_sim.page_render import PageView, render_form_post, render_page

WRONG_CODE = 70018
CODE_EXPIRED = 70020
NO_ACCOUNT = 50034
#: a personal account at an authority for work accounts only (/organizations, a tenant)
PERSONAL_NOT_HERE = 50020
BAD_PASSWORD = 50126
ACCOUNT_LOCKED = 50053
#: Entra ID smart lockout's defaults: 10 wrong passwords lock the sign-in for a minute
LOCKOUT_THRESHOLD = 10
LOCKOUT_SECONDS = 60.0
#: where the lockout counters live in the tenant's store (meta key): a restart of the tenant
#: must not unlock an account, or restarting would be a way round the lockout
LOCKOUT_KEY = "smart_lockout"
CA_BLOCKED = 53003
ADMIN_APPROVAL = 90094
DECLINED = 65004
SESSION_TTL = 3600.0
@dataclass
class _Session:
    user_code: str
    upn: str = ""
    verified: bool = False
    created: float = field(default_factory=time.monotonic)
    #: set for an authorization code sign-in (``/authorize``) instead of a device code
    auth: AuthRequest | None = None
    #: the authority the sign-in was asked at: which kind of account it takes
    authority: str = "common"


class SignInPages:
    def __init__(self, idp: IdentityPlatform):
        self.idp = idp
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        self._template = string.Template(
            # a plain path, not importlib.resources: that pulls in zipfile and its readers
            # (~0.4 MiB in the panel process that embeds the tenant); the package is on disk
            (Path(__file__).parent / "templates" / "page.html").read_text("utf-8"))

    @property
    def app(self) -> str:
        return self.idp.dir.app_name

    # -- steps -------------------------------------------------------------------------------
    def start(self) -> PageView:
        return PageView("code", "Enter code",
                        "Enter the code displayed on your app or device.")

    def authorize(self, req: AuthRequest) -> PageView:
        """An authorization code sign-in: the account page, then as for a device code."""
        sess = _Session("", auth=req, authority=req.authority)
        ctx = self._new_session(sess)
        return PageView("account", "Sign in", self._account_message(sess), ctx=ctx)

    def _new_session(self, sess: _Session) -> str:
        ctx = secrets.token_urlsafe(24)
        with self._lock:
            cutoff = time.monotonic() - SESSION_TTL  # forget abandoned sign-ins
            for old in [k for k, v in self._sessions.items() if v.created < cutoff]:
                del self._sessions[old]
            self._sessions[ctx] = sess
        return ctx

    def post(self, form: dict[str, str]) -> PageView:
        step = form.get("step", "code")
        if step == "code":
            return self._code(form.get("otc", ""))
        with self._lock:
            sess = self._sessions.get(form.get("ctx", ""))
        if sess is None:
            view = self.start()
            view.error_code, view.error_text = None, (
                "Your sign-in session has expired. Enter the code again.")
            view.reason = "session_expired"
            return view
        ctx = form["ctx"]
        if step == "back":  # the arrow beside the account name: choose the account again
            sess.upn, sess.verified = "", False
            return PageView("account", "Sign in", self._account_message(sess), ctx=ctx)
        problem = None if sess.auth else self._code_problem(sess.user_code, ctx)
        if problem is not None:
            return problem
        if step == "account":
            return self._account(ctx, sess, form.get("login", ""))
        if step == "password" and sess.upn:
            return self._password(ctx, sess, form.get("passwd", ""))
        if step == "consent" and sess.verified:
            return self._consent(ctx, sess, form.get("action", ""),
                                 form.get("consent_org", "") in ("on", "1", "true"))
        return self._error("Something went wrong", "The request is not valid in this step.",
                           None, status=400, reason="invalid_step")

    def _code(self, otc: str) -> PageView:
        row = self.idp.find_user_code(otc) if otc.strip() else None
        if row is None or row.status != "pending":
            view = self.start()
            view.error_code = WRONG_CODE
            view.error_text = ("That code didn't work. Check the code and try again."
                               if row is None else "That code has already been used.")
            view.reason = "code_wrong" if row is None else "code_used"
            return view
        if self.idp.code_expired(row):
            view = self.start()
            view.error_code = CODE_EXPIRED
            view.error_text = ("The code you entered has expired. Get a new code from the "
                               "device you're trying to sign in to and try again.")
            view.reason = "code_expired"
            return view
        sess = _Session(row.user_code, authority=row.authority)
        ctx = self._new_session(sess)
        return PageView("account", "Sign in", self._account_message(sess), ctx=ctx)

    def _account_message(self, sess: _Session) -> str:
        if sess.auth:
            return f"to continue to {self.app}"
        return (f"You're signing in to {self.app} on another device located in your area. "
                "Enter your email, phone, or Skype.")

    def help(self) -> PageView:
        """Where "Can't access your account?" and "Forgot my password" lead."""
        return PageView("help", "Can't access your account?",
                        "This is a simulated tenant: its administrator resets passwords "
                        "(cloud-sim admin set-password UPN PASSWORD), and its accounts and "
                        "their passwords are printed when cloud-sim starts. A browser that warns about "
                        "this page's certificate trusts it once it has the tenant's CA "
                        "certificate below (a class: the trainer's class CA).", reason="help")

    def _code_problem(self, user_code: str, ctx: str) -> PageView | None:
        row = self.idp.find_user_code(user_code)
        if row is None or row.status != "pending":
            self._drop(ctx)
            return self._error("Sign-in is already finished",
                               "This code has already been used. Get a new code from the "
                               "device and try again.", WRONG_CODE, reason="finished")
        if self.idp.code_expired(row):
            self._drop(ctx)
            return self._error("The code has expired",
                               "The code you entered has expired. Get a new code from the "
                               "device you're trying to sign in to and try again.",
                               CODE_EXPIRED, reason="expired")
        return None

    def _account(self, ctx: str, sess: _Session, login: str) -> PageView:
        if not login.strip():
            # Microsoft's page says so before sending anything (no AADSTS code): an empty Next
            # must not look like nothing happened
            return PageView("account", "Sign in", self._account_message(sess),
                            error_text="Enter a valid email address, phone number, or Skype name.",
                            ctx=ctx, reason="account_empty")
        user = self.idp.dir.user(login)
        if user is None:
            return PageView("account", "Sign in",
                            f"You're signing in to {self.app} on another device located in "
                            "your area.", NO_ACCOUNT,
                            "This username may be incorrect. Make sure you typed it correctly. "
                            "Otherwise, contact your admin.", ctx=ctx, reason="no_account")
        if not authority_accepts(sess.authority, personal=user.is_personal):
            return self._wrong_kind(ctx, sess, user.is_personal)
        sess.upn = user.upn
        return PageView("password", "Enter password", "", ctx=ctx, upn=user.upn)

    def _lockout(self, upn: str) -> tuple[int, float]:
        """Wrong passwords so far and when the lockout ends (tenant clock), as saved.

        Read from the store, so a restart keeps them; bounded, since the file is outside input."""
        saved = self.idp.dir.store.get(LOCKOUT_KEY)
        entry = saved.get(upn) if isinstance(saved, dict) else None
        try:
            failures, until = int(entry[0]), float(entry[1])  # type: ignore[index]
        except (TypeError, ValueError, IndexError, OverflowError):
            return 0, 0.0
        if not (0 <= failures < LOCKOUT_THRESHOLD and math.isfinite(until)):
            return 0, 0.0
        now = self.idp.dir.clock.timestamp()
        return failures, min(until, now + LOCKOUT_SECONDS)

    def _save_lockout(self, upn: str, failures: int, until: float) -> None:
        store = self.idp.dir.store
        with store.lock:
            saved = store.get(LOCKOUT_KEY)
            table = dict(saved) if isinstance(saved, dict) else {}
            if failures or until:
                table[upn] = [failures, until]
            else:
                table.pop(upn, None)
            store.put(LOCKOUT_KEY, table)

    def _locked_until(self, upn: str) -> float:
        """Smart lockout: when this account's sign-in page unlocks (tenant clock), 0 if open."""
        _failures, until = self._lockout(upn)
        return until if until > self.idp.dir.clock.timestamp() else 0.0

    def _wrong_kind(self, ctx: str, sess: _Session, personal: bool) -> PageView:
        """An account the authority does not take: the account page again, with Microsoft's
        words, so that the person can enter another account (the device keeps polling)."""
        sess.upn, sess.verified = "", False
        if personal:
            # login.microsoftonline.com's text on the account page for a personal address at
            # an organisations-only authority; its pairing with AADSTS50020 ("User account
            # from identity provider 'live.com' does not exist in tenant...", the token
            # endpoint's error for it) is unverified
            return PageView("account", "Sign in", self._account_message(sess),
                            PERSONAL_NOT_HERE,
                            "You can't sign in here with a personal account. Use your work or "
                            "school account instead.", ctx=ctx, reason="personal_not_here")
        # login.live.com's text for an address that is no Microsoft account (what /consumers
        # shows for a work account); AADSTS50034 is the closest Entra code (unverified)
        return PageView("account", "Sign in", self._account_message(sess), NO_ACCOUNT,
                        "That Microsoft account doesn't exist. Enter a different account or "
                        "get a new one.", ctx=ctx, reason="msa_no_account")

    def _password(self, ctx: str, sess: _Session, password: str) -> PageView:
        d = self.idp.dir
        if self._locked_until(sess.upn):  # even the right password waits, as in Entra ID
            return PageView("password", "Enter password", "", ACCOUNT_LOCKED,
                            "Your account is temporarily locked to prevent unauthorized use. "
                            "Try again later, and if you still have trouble, contact your admin.",
                            ctx=ctx, upn=sess.upn, reason="locked")
        if not password or not d.check_password(sess.upn, password):
            failures = self._lockout(sess.upn)[0] + 1
            until = 0.0
            if failures >= LOCKOUT_THRESHOLD:
                failures, until = 0, d.clock.timestamp() + LOCKOUT_SECONDS
            self._save_lockout(sess.upn, failures, until)
            return PageView("password", "Enter password", "", BAD_PASSWORD,
                            "Your account or password is incorrect. If you don't remember "
                            "your password, reset it now.", ctx=ctx, upn=sess.upn,
                            reason="bad_password")
        if self._lockout(sess.upn) != (0, 0.0):
            self._save_lockout(sess.upn, 0, 0.0)
        sess.verified = True
        user = d.user(sess.upn)
        assert user is not None
        if d.blocking_policy(user.upn, device_code_flow=sess.auth is None) is not None:
            self.idp.settle_user_code(sess.user_code, "denied", upn=user.upn, error="53003")
            self._drop(ctx)
            return self._error("You cannot access this right now",
                               "Your sign-in was successful but does not meet the criteria to "
                               "access this resource. For example, you might be signing in from "
                               "a browser, app, or location that is restricted by your admin.",
                               CA_BLOCKED, upn=user.upn, reason="ca_blocked")
        if d.has_consent(d.client_id, user.upn):
            return self._approve(ctx, sess)
        if not user.is_admin and not user.is_personal:  # a personal account consents for itself
            self.idp.settle_user_code(sess.user_code, "denied", upn=user.upn, error="65001")
            self._drop(ctx)
            return self._error("Need admin approval",
                               f"{self.app} needs permission to access resources in your "
                               "organization that only an admin can grant. Please ask an admin "
                               "to grant permission to this app before you can use it.",
                               ADMIN_APPROVAL, upn=user.upn, reason="admin_approval")
        return PageView("consent", "Permissions requested", f"{self.app}", ctx=ctx,
                        upn=user.upn, show_org_consent=user.is_admin)

    def _consent(self, ctx: str, sess: _Session, action: str, on_behalf: bool) -> PageView:
        d = self.idp.dir
        user = d.user(sess.upn)
        assert user is not None
        if action != "accept":
            self.idp.settle_user_code(sess.user_code, "declined", upn=user.upn)
            self._drop(ctx)
            if sess.auth:
                return self.redirect(sess.auth.redirect(
                    error="access_denied",
                    error_description=f"AADSTS{DECLINED}: The user has denied access to the "
                                      "scope requested by the client application.",
                    error_uri=f"{self.idp.base_url}/error?code={DECLINED}"))
            return self._error("Sign-in cancelled",
                               "User declined to consent to access the app. You can close "
                               "this window.", DECLINED, upn=user.upn, reason="declined")
        d.grant_consent(d.client_id, None if (on_behalf and user.is_admin) else user.upn)
        return self._approve(ctx, sess)

    def _approve(self, ctx: str, sess: _Session) -> PageView:
        self._drop(ctx)
        if sess.auth:
            code = self.idp.authorization_code(sess.auth, sess.upn)
            return self.redirect(sess.auth.redirect(code=code))
        self.idp.settle_user_code(sess.user_code, "approved", upn=sess.upn)
        return PageView("done", self.app,
                        f"You have signed in to the {self.app} application on your device. "
                        "You may now close this window.", upn=sess.upn)

    def _error(self, title: str, text: str, code: int | None, *, upn: str = "",
               status: int = 200, reason: str = "") -> PageView:
        return PageView("error", title, "", code, text, upn=upn, status=status, reason=reason)

    def request_error(self, code: int, text: str) -> PageView:
        """An ``/authorize`` request the tenant cannot send back to the app (unknown app, a
        redirect URI it did not register): Microsoft shows it on a page, with its code."""
        return self._error("Sign in", f"AADSTS{code}: {text}", code, status=400,
                           reason="request_invalid")

    def redirect(self, to: Redirect) -> PageView:
        return PageView("redirect", "Working...", "", status=200 if to.form else 302,
                        location=to.location, form=to.form)

    def render_form_post(self, v: PageView) -> str:
        """``response_mode=form_post``: see :func:`cloud_sim.page_render.render_form_post`."""
        return render_form_post(v)

    def _drop(self, ctx: str) -> None:
        with self._lock:
            self._sessions.pop(ctx, None)

    # -- rendering ---------------------------------------------------------------------------
    def render(self, v: PageView) -> str:
        return render_page(v, self._template, tenant=self.idp.dir.domain, app=self.app,
                           now=self.idp.dir.clock.now())
