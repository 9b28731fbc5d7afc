"""``tenant OPERATION ...`` lines of a script: the tenant admin operations with their options."""

from __future__ import annotations

from panel_tui.scenarios.steps import Step, Tenant, tenant
from panel_tui.scenarios.script_words import ScriptError, Words, closest as _closest

TENANT_COMMANDS = ("security-defaults", "smtp-auth", "public-client-flows", "size-limit", "message-size-limit",
                   "ca-add", "ca-clear", "consent", "revoke-sessions", "set-password", "reset")
_ON_OFF = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False,
           "enabled": True, "disabled": False}


def parse_tenant(n: int, args: list[str]) -> Step:
    """One ``tenant`` line's step, echoing the line's words (``Tenant.words``, a new password
    masked); :class:`ScriptError` for a malformed one."""
    import dataclasses
    import shlex

    step = _parse_tenant(n, args)
    if not isinstance(step, Tenant):
        return step
    secret = len(args) - 1 if step.op == "set-password" else -1  # the new password: never in any output
    shown = " ".join("********" if i == secret else shlex.quote(word) for i, word in enumerate(args))
    return dataclasses.replace(step, words=shown)


def _parse_tenant(n: int, args: list[str]) -> Step:
    def fail(message: str) -> ScriptError:
        return ScriptError(n, message)

    def account(who: str) -> str:
        return Words(n, "tenant", []).account(who)

    if not args:
        raise fail(f"usage: tenant OPERATION ...; operations: {', '.join(TENANT_COMMANDS)}")
    op, rest = args[0].lower(), args[1:]
    opts: dict[str, str | bool] = {}
    pos: list[str] = []
    takes_value = {"--mailbox", "--users"}
    i = 0
    while i < len(rest):
        w = rest[i]
        if w.startswith("--") and len(w) > 2:
            if w in takes_value:
                if i + 1 >= len(rest):
                    raise fail(f"{w} needs a value")
                opts[w] = rest[i + 1]
                i += 2
                continue
            opts[w] = True
        else:
            pos.append(w)
        i += 1

    def only(*allowed: str) -> None:
        extra = [o for o in opts if o not in allowed]
        if extra:
            raise fail(f"unknown option {extra[0]} for tenant {op}")

    def on_off(word: str, *, tri: bool = False) -> bool | None:
        w = word.lower()
        if tri and w in ("default", "none", "org"):
            return None
        if w not in _ON_OFF:
            raise fail(f"say on or off{' or default' if tri else ''}, not {word!r}")
        return _ON_OFF[w]

    def one(usage: str) -> str:
        if len(pos) != 1:
            raise fail(f"usage: tenant {usage}")
        return pos[0]

    if op in ("security-defaults", "public-client-flows"):
        only()
        value = on_off(one(f"{op} on|off"))
        return tenant(op, enabled=value)
    if op == "smtp-auth":
        only("--mailbox")
        if "--mailbox" in opts:
            value = on_off(one("smtp-auth --mailbox UPN on|off|default"), tri=True)
            return tenant("mailbox-smtp-auth", upn=account(str(opts["--mailbox"])), value=value)
        return tenant("org-smtp-auth", enabled=on_off(one("smtp-auth [--mailbox UPN] on|off")))
    if op in ("size-limit", "message-size-limit"):
        only()
        size = one("size-limit BYTES")
        if not (size.isascii() and size.isdigit()) or int(size) <= 0:
            raise fail(f"the size limit is a positive number of bytes, not {size!r}")
        return tenant("message-size-limit", size=int(size))
    if op == "ca-add":
        only("--users", "--block-device-code")
        name = one('ca-add NAME [--users a,b] [--block-device-code]   (quote a NAME with spaces)')
        args = {"name": name, "block_device_code_flow": bool(opts.get("--block-device-code", False))}
        if "--users" in opts:
            args["users"] = str(opts["--users"])
        return tenant("ca-add", **args)
    if op in ("ca-clear", "reset"):
        only()
        if pos:
            raise fail(f"usage: tenant {op}")
        return tenant(op)
    if op == "consent":
        only()
        what = one("consent grant|revoke").lower()
        if what not in ("grant", "revoke"):
            raise fail(f"say grant or revoke, not {what!r}")
        return tenant(f"consent-{what}")
    if op == "revoke-sessions":
        only()
        return tenant(op, upn=account(one("revoke-sessions USER")))
    if op == "set-password":
        only()
        if len(pos) != 2:
            raise fail("usage: tenant set-password USER NEW-PASSWORD")
        return tenant(op, upn=account(pos[0]), password=pos[1])
    hint = _closest(op, TENANT_COMMANDS)
    raise fail(f"unknown tenant operation {args[0]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
               + f"; operations: {', '.join(TENANT_COMMANDS)}")
