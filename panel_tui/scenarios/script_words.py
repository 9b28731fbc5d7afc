"""The words of one script line as every command's parser reads them, and the parse error.

Apart from the parser (``script.py``) so that the command parsers in ``script_expect.py`` and
``script_tenant.py`` read lines the same way without importing the parser back.
"""

from __future__ import annotations

from collections.abc import Sequence


class ScriptError(ValueError):
    """A malformed line: ``line`` is 1-based; str() is ``LINE: message``."""

    def __init__(self, line: int, message: str, *, text: str = "") -> None:
        self.line = line
        self.message = message
        self.text = text
        super().__init__(f"line {line}: {message}")


class Words:
    """One line's words after the command, with the helpers every command's parser uses."""

    def __init__(self, n: int, cmd: str, args: list[str]) -> None:
        self.n, self.cmd, self.args = n, cmd, args

    def fail(self, message: str) -> ScriptError:
        return ScriptError(self.n, message)

    def options(self, flags: Sequence[str] = (), valued: Sequence[str] = ()) -> tuple[list[str], dict[str, str]]:
        pos: list[str] = []
        seen: dict[str, str] = {}  # an option's value; a flag's is the flag itself
        i = 0
        while i < len(self.args):
            w = self.args[i]
            if w.startswith("--") and len(w) > 2:
                if w in valued:
                    if i + 1 >= len(self.args):
                        raise self.fail(f"{w} needs a value")
                    seen[w] = self.args[i + 1]
                    i += 2
                    continue
                if w not in flags:
                    known = ", ".join([*flags, *valued]) or "none"
                    raise self.fail(f"unknown option {w} for {self.cmd} (options: {known})")
                seen[w] = w
            else:
                pos.append(w)
            i += 1
        return pos, seen

    def count(self, pos: list[str], k: int, usage: str) -> None:
        if len(pos) != k:
            raise self.fail(f"usage: {usage}")

    def number(self, value: str, what: str, low: int = 1, high: int = 10**6) -> int:
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            raise self.fail(f"{what} is a whole number from {low} to {high}, not {value!r}")
        return int(value)

    def setting(self, where: str, value: str) -> tuple[str, dict[str, str]]:
        """``SECTION.FIELD VALUE`` (``set``, ``expect refused``) as the section and its one field,
        checked against the device's settings now, so a typo is said with its line number."""
        section, dot, name = where.partition(".")
        if not dot or not section or not name:
            raise self.fail(f"say which setting as SECTION.FIELD, not {where!r}")
        from panel_tui.scenarios.tenant_ops import StepError, coerce_settings

        try:
            coerce_settings(section, {name: value})
        except StepError as exc:
            raise self.fail(str(exc)) from None
        return section, {name: value}


    def account(self, who: str) -> str:
        """An account as ``sign-in``, ``pas sign-in`` and the tenant's user operations take it:
        a UPN, or the short name of one of the tenant's default accounts (every script's tenant
        has them, cloud_sim.accounts; the engine resolves it the same way, engine.Session.upn),
        so ``sign-in admn`` is a line error before anything runs, not a stop halfway."""
        if "@" in who:
            return who
        from cloud_sim.accounts import default_accounts

        known = [a.username.split("@", 1)[0] for a in default_accounts()]
        if who.lower() in known:
            return who
        hint = closest(who.lower(), known)
        raise self.fail(f"no such account {who!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                        + f"; default accounts: {', '.join(known)}, or a full address")


def closest(word: str, choices: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1)
    return found[0] if found else None
