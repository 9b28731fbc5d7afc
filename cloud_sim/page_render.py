"""The sign-in pages as HTML (plain forms, no JavaScript but the form_post page's one line)."""

from __future__ import annotations

import html
import string
import uuid
from dataclasses import dataclass
from datetime import datetime

#: the only script of any page (allowed by its hash in the form_post page's CSP)
FORM_POST_SCRIPT = "document.forms[0].submit();"
#: the SMTP.Send permission as Microsoft words it on the consent page (the panel's F4 too)
CONSENT_SMTP = "Send emails from mailboxes using SMTP AUTH"



@dataclass
class PageView:
    kind: str  # code | account | password | consent | done | error
    title: str
    message: str
    error_code: int | None = None
    error_text: str = ""
    show_org_consent: bool = False
    ctx: str = ""
    upn: str = ""
    status: int = 200
    #: which known text this page shows (``data-reason``), so a terminal client can show the
    #: page in its user's language as Microsoft localises its own: code_wrong, code_used, ...
    reason: str = ""
    #: kind "redirect": where the browser goes next (the app's redirect URI), and the fields
    #: to post there (``response_mode=form_post``) if any
    location: str = ""
    form: dict[str, str] | None = None



def render_form_post(v: PageView) -> str:
    """``response_mode=form_post``: a form to the app, posted by the one script the
    page's policy allows, or by the button without scripts."""
    e = html.escape
    fields = "".join(f'<input type="hidden" name="{e(k)}" value="{e(val)}">'
                     for k, val in (v.form or {}).items())
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<title>Working...</title><link rel="icon" href="/favicon.ico"></head>'
            f'<body><form method="POST" name="hiddenform" action="{e(v.location)}">'
            f'{fields}<noscript><p>Script is disabled. Click Submit to continue.</p>'
            '<input type="submit" value="Submit"></noscript></form>'
            f'<script>{FORM_POST_SCRIPT}</script></body></html>')


def render_page(v: PageView, template: string.Template, *, tenant: str, app: str,
                now: datetime) -> str:
    """The page as HTML: everything from the user or the directory is escaped."""
    e = html.escape
    body = ""
    hidden = f'<input type="hidden" name="ctx" value="{e(v.ctx)}">' if v.ctx else ""
    links = ""
    if v.kind == "code":
        body = ('<form method="post" action="/devicelogin">'
                '<input type="hidden" name="step" value="code">'
                '<label for="otc">Code</label>'
                '<input type="text" id="otc" name="otc" autocomplete="off" autofocus '
                'maxlength="20">'
                '<div class="buttons"><button type="submit">Next</button></div></form>')
    elif v.kind == "account":
        body = ('<form method="post" action="/devicelogin">'
                f'<input type="hidden" name="step" value="account">{hidden}'
                '<input type="email" id="login" name="login" placeholder="Email, phone, or '
                'Skype" autofocus>'
                '<div class="buttons"><button type="submit">Next</button></div></form>')
        links = ('<p class="links"><a id="cant-access" href="/devicelogin/help">'
                 "Can&#39;t access your account?</a></p>")
    elif v.kind == "password":
        body = ('<form method="post" action="/devicelogin">'
                f'<input type="hidden" name="step" value="password">{hidden}'
                '<input type="password" id="passwd" name="passwd" placeholder="Password" '
                'autofocus>'
                '<div class="buttons"><button type="submit">Sign in</button></div></form>')
        links = ('<p class="links"><a id="forgot" href="/devicelogin/help">'
                 'Forgot my password</a></p>')
    elif v.kind == "consent":
        org = ('<p><label><input type="checkbox" name="consent_org" value="on"> '
               'Consent on behalf of your organization</label></p>'
               if v.show_org_consent else "")
        body = ('<p>This app would like to:</p><ul class="perms">'
                f'<li>{e(CONSENT_SMTP)}</li>'
                '<li>Maintain access to data you have given it access to</li>'
                '<li>View your basic profile</li></ul>'
                '<form method="post" action="/devicelogin">'
                f'<input type="hidden" name="step" value="consent">{hidden}{org}'
                '<p><small>Accepting these permissions means that you allow this app to use '
                'your data as specified in their terms of service and privacy statement.'
                '</small></p><div class="buttons">'
                '<button type="submit" name="action" value="cancel" class="secondary">'
                'Cancel</button><button type="submit" name="action" value="accept">Accept'
                '</button></div></form>')
    elif v.kind == "help":
        body = ('<p><a id="ca" href="/ca.pem" download="class-ca.pem">Download the tenant&#39;s '
                'CA certificate (ca.pem)</a></p><p><a href="/devicelogin">Start over</a></p>')
    elif v.kind == "error":
        body = '<p><a href="/devicelogin">Start over</a></p>'
    error = ""
    if v.error_text:
        # the code is not inline: Microsoft shows it under the error page's details
        error = f'<div class="error" id="error">{e(v.error_text)}</div>'
    details = ""
    if v.kind == "error" and v.error_code:
        details = ('<details class="details" id="details"><summary>More details</summary>'
                   f'<p>Error Code: AADSTS{v.error_code}</p>'
                   f'<p>Request Id: {uuid.uuid4()}</p>'
                   f'<p>Timestamp: {now:%Y-%m-%dT%H:%M:%SZ}</p>'
                   f'<p><a href="/error?code={v.error_code}">Troubleshooting details</a>'
                   '</p></details>')
    account = ""
    if v.upn:
        back = ""
        if v.kind == "password" and v.ctx:  # the arrow: choose the account again
            back = ('<form method="post" action="/devicelogin" class="back">'
                    f'<input type="hidden" name="step" value="back">{hidden}'
                    '<button type="submit" class="link" id="back" title="Back">'
                    '&larr; Back</button></form>')
        account = f'{back}<div class="account" id="account">{e(v.upn)}</div>'
    return template.substitute(
        kind=e(v.kind), title=e(v.title), message=e(v.message), body=body, error=error,
        error_code=e(str(v.error_code or "")), tenant=e(tenant),
        reason=e(v.reason), app=e(app), links=links, details=details,
        show_org_consent="true" if v.show_org_consent else "false", account=account)
