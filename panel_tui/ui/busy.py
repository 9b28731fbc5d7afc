"""A button that is disabled while its work runs, and gets the cursor back after.

Textual blurs a focused widget when it is disabled, leaving nothing focused. Once the work is
done the person's cursor is nowhere: Enter does nothing and Esc, which in Web Config goes from
a page to the left menu, reads "nothing focused" and leaves Web Config for the Panel, where the
next keys change the panel's settings. So the button remembers it had the cursor and takes it
back, unless the person has put the cursor somewhere else meanwhile.
"""

from __future__ import annotations

from textual.widgets import Button

_HAD_FOCUS = "-busy-had-focus"


def hold(button: Button) -> None:
    """Disable `button` while its work runs (call before starting the work)."""
    button.set_class(button.has_focus, _HAD_FOCUS)
    button.disabled = True


def release(button: Button) -> None:
    """Enable `button` again; the cursor goes back to it if it had it and is nowhere now."""
    button.disabled = False
    if button.has_class(_HAD_FOCUS):
        button.remove_class(_HAD_FOCUS)
        if button.is_attached and button.screen.focused is None:
            button.focus()
