"""The tenant's role ids as the panel words them: known ids through the catalog, others as is."""

from __future__ import annotations

import pytest

from cloud_sim import accounts
from device_model.i18n import Catalog
from panel_tui.cloud import signin_texts


def test_every_default_role_of_the_tenant_has_a_catalog_key_in_both_languages() -> None:
    """A role renamed in the tenant's data (its stable id) must not fall back to English."""
    for role in {a.role for a in accounts.default_accounts()}:
        assert role in signin_texts.ROLE_KEYS, role
    for lang in ("en", "lv"):
        messages = Catalog().messages(lang)
        for key in signin_texts.ROLE_KEYS.values():
            assert messages.get(key), (lang, key)


@pytest.mark.parametrize(
    ("role", "shown"),
    [(accounts.GLOBAL_ADMIN, "<cloud.role.global_admin>"), (accounts.USER, "<cloud.role.user>"),
     (accounts.PERSONAL, "<cloud.role.personal>"),
     # another tenant's roles: shown as it names them, not guessed from a word in them
     ("Exchange Administrator", "Exchange Administrator"), ("Helpdesk Operator", "Helpdesk Operator")],
)
def test_role_text_translates_known_roles_and_shows_others_as_is(
    monkeypatch: pytest.MonkeyPatch, role: str, shown: str
) -> None:
    monkeypatch.setattr(signin_texts, "tr", lambda node, key, **params: f"<{key}>")
    assert signin_texts.role_text(None, role) == shown  # type: ignore[arg-type]
