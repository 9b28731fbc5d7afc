"""How the tenant's sign-in pages read in the panel's language: titles, messages, errors and
the hints beside them (the default accounts, where to find the code)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from device_model.signins import FAX_SERVER, PAS, WaitingSignIn

from panel_tui.ui.host import host
from panel_tui.ui.text import tr

if TYPE_CHECKING:
    from cloud_sim.signin import Page

#: The tenant's role ids (``cloud_sim.accounts``: stable data, English as Microsoft's API names
#: them) and the catalog key that words each in the panel's language.
ROLE_KEYS = {
    "Global Administrator": "cloud.role.global_admin",
    "User": "cloud.role.user",
    "Personal account": "cloud.role.personal",
}
#: An account hint line at 80 columns: the pane's padding and a scroll bar take the rest.
HINT_WIDTH = 76


def hint_for(node: DOMNode, kind: str, pending: WaitingSignIn | None = None) -> str:
    """The hint beside a page: the default accounts (account, password pages), where the code is
    (the waiting sign-in's ``pending``: the Email Server's when there is none)."""
    link = host(node).cloud_link
    student = host(node).class_options
    if kind in ("account", "password") and student.student:
        # a class: the student signs in as themselves, not as the tenant's admin
        return "\n".join([tr(node, "cloud.signin.hint_student"),
                          f"  {student.student}  {student.student_password}"])
    accounts = link.info.accounts if link is not None else []
    if kind in ("account", "password") and accounts:
        lines = [tr(node, "cloud.signin.hint_accounts")]
        for a in accounts:
            # the role's words stay together: too long a line puts the whole role under it
            role = role_text(node, a.role).replace(" ", "\N{NO-BREAK SPACE}")
            line = tr(node, "cloud.signin.hint_account", username=a.username, password=a.password, role=role)
            wrapped = textwrap.wrap(line, HINT_WIDTH, subsequent_indent="    ", break_long_words=False,
                                    break_on_hyphens=False) or [line]
            lines.extend(part.replace("\N{NO-BREAK SPACE}", " ") for part in wrapped)
        return "\n".join(lines)
    if kind == "code":
        if pending is not None and pending.where == FAX_SERVER:
            return tr(node, "cloud.signin.hint_code_fax")
        if pending is not None and pending.where == PAS:
            return tr(node, "cloud.signin.hint_code_pas", user=pending.user)
        return tr(node, "cloud.signin.hint_code")
    return ""


def page_text(node: DOMNode, page: Page, part: str) -> str:
    """A page's title, message or error in the panel's language.

    Microsoft shows its pages in the browser's language; here the tenant names the page and
    its known text, and the catalog words it. A text the catalog does not know (another
    tenant, a newer page) is shown as the tenant sent it.
    """
    app_name = page.app
    reason = page.reason or ""
    if part == "error":
        fallback = page.error_text or ""
        key = f"cloud.page.reason.{reason}" if reason else ""
    elif page.kind == "error":
        fallback = page.title if part == "title" else page.message
        key = f"cloud.page.reason.{reason}.title" if reason and part == "title" else ""
    else:
        fallback = page.title if part == "title" else page.message
        if part == "message" and fallback == (page.error_text or None):
            fallback = ""  # a page without a message of its own: its error is shown below
        key = f"cloud.page.{page.kind}.{part}"
    if not key:
        return fallback
    text = tr(node, key, app=app_name)
    if text == key or "{app}" in tr(node, key) and not app_name:
        return fallback  # unknown here, or it needs the app's name the tenant did not send
    return text


def role_text(node: DOMNode, role: str) -> str:
    """A tenant's role id in the panel's language ("Global Administrator" reads "globālais
    administrators" in Latvian, as Microsoft's Latvian admin centre says); a role this panel does
    not know (another tenant's) is shown as the tenant names it."""
    key = ROLE_KEYS.get(str(role))
    return tr(node, key) if key else str(role)


def unavailable_text(node: DOMNode) -> str:
    link = host(node).cloud_link
    if link is None:
        return tr(node, "cloud.link.none")
    if link.mode == "microsoft":
        return tr(node, "cloud.signin.real_microsoft", url=link.info.verification_uri)
    if link.state == "failed":
        return tr(node, "cloud.link.failed", error=link.error or "")
    return tr(node, "cloud.link.starting")
