"""Any line of a ``panel-tui-script`` is either a clean parse error (line number, message) or
valid steps: never a traceback, whatever the words, options, numbers, regexes or quotes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel_tui.scenarios import script
from tests.reliability.conftest import SCALE

WORDS = [*script.COMMANDS, "job", "status", "sign-in", "reply", "panel", "mail", "none", "~", "--send",
         "--dpi", "--pages", "--size", "--times", "--mailbox", "--users", "--no-commit", "--", "-", "latency",
         "reset", "hang", "idp-down", "smtp", "idp", "token", "clear", "451", "421", "361", "completed",
         "admin", "on", "off", "default", "91d", "0d", "1e9d", "email_server.smtp_port", "free-port",
         "user@contoso.onmicrosoft.com", "to=a@b.c", "size<", "size<-1", "subject~(", "attachment~[",
         "security-defaults", "smtp-auth", "ca-add", "set-password", "consent", "size-limit", "99999999999999999999",
         "'", '"', "#", "\\", "\x00", "é", "٣", "𝟗"]

line = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=7).map(" ".join)


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=4))
def test_any_line_parses_or_is_a_clean_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        parsed = script.parse(text)
    except script.ScriptErrors as exc:
        assert exc.errors
        for err in exc.errors:
            assert 1 <= err.line <= len(text.splitlines()) and err.message
            assert "\n" not in err.message and "Traceback" not in err.message
        exc.format("t.panel")
        return
    for parsed_line in parsed:
        for step in parsed_line.steps:
            assert step.describe()
    script.cases(parsed)
