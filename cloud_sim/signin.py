"""SignInClient: walks the tenant's device sign-in pages over HTTP, as a browser would.

For terminal surfaces (panel-tui's Cloud mode over SSH) and tests: it posts the same HTML
forms a person fills in, so nothing about the sign-in is simulated on the client side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True)
class Page:
    kind: str  # code | account | password | consent | done | error
    title: str
    message: str
    error_code: int | None
    show_org_consent: bool
    error_text: str = ""
    account: str = ""
    #: the page's known text (``data-reason``: code_wrong, bad_password, ...; "" for none), and
    #: the app being signed in to: what a client needs to show the page in its own language
    reason: str = ""
    app: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}
        self.hidden: dict[str, str] = {}
        self.text: dict[str, str] = {}
        self._capture: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "main" and "data-kind" in attrs:
            self.attrs = attrs
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden[attrs["name"]] = attrs.get("value", "")
        ident = attrs.get("id")
        if self._capture is None and ident in ("title", "message", "error", "account"):
            self._capture, self._depth = ident, 0
            self.text[ident] = ""
        elif self._capture is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None:
            if self._depth == 0:
                self._capture = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self.text[self._capture] += data


class SignInClient:
    """One browser-like sign-in session at ``{base_url}/devicelogin``."""

    def __init__(self, base_url: str, ca_cert_path: Path | str | None, *, timeout: float = 30):
        from .httpclient import HttpSession

        self.url = base_url.rstrip("/") + "/devicelogin"
        # the tenant's CA alone (None: the system's store), no proxy from the environment
        self._session = HttpSession(ca_path=ca_cert_path or None)
        self._timeout = timeout
        self._hidden: dict[str, str] = {}
        self.page: Page | None = None

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "SignInClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> Page:
        return self._parse(self._session.get(self.url, timeout=self._timeout).text)

    def enter_code(self, code: str) -> Page:
        return self._post({"step": "code", "otc": code})

    def submit_account(self, upn: str) -> Page:
        return self._post({"step": "account", "ctx": self._hidden.get("ctx", ""), "login": upn})

    def submit_password(self, password: str) -> Page:
        return self._post({"step": "password", "ctx": self._hidden.get("ctx", ""),
                           "passwd": password})

    def consent(self, accept: bool, on_behalf_of_org: bool = False) -> Page:
        form = {"step": "consent", "ctx": self._hidden.get("ctx", ""),
                "action": "accept" if accept else "cancel"}
        if on_behalf_of_org:
            form["consent_org"] = "on"
        return self._post(form)

    def sign_in(self, code: str, upn: str, password: str, *, accept: bool = True,
                on_behalf_of_org: bool = True) -> Page:
        """All steps in a row; stops at the first page that is not the expected next one."""
        page = self.enter_code(code)
        if page.kind != "account":
            return page
        page = self.submit_account(upn)
        if page.kind != "password":
            return page
        page = self.submit_password(password)
        if page.kind != "consent":
            return page
        return self.consent(accept, on_behalf_of_org and page.show_org_consent)

    def _post(self, form: dict[str, str]) -> Page:
        resp = self._session.post(self.url, data=form, timeout=self._timeout)
        return self._parse(resp.text)

    def _parse(self, text: str) -> Page:
        p = _PageParser()
        p.feed(text)
        self._hidden = p.hidden
        code = p.attrs.get("data-error-code", "")
        error_text = p.text.get("error", "").strip()
        error_text = re.sub(r"AADSTS\d+$", "", error_text).strip()
        self.page = Page(
            kind=p.attrs.get("data-kind", "error"),
            title=p.text.get("title", "").strip(),
            message=p.text.get("message", "").strip() or error_text,
            error_code=int(code) if code.isdigit() else None,
            show_org_consent=p.attrs.get("data-show-org-consent") == "true",
            error_text=error_text,
            account=p.text.get("account", "").strip(),
            reason=p.attrs.get("data-reason", ""),
            app=p.attrs.get("data-app", ""),
        )
        return self.page
