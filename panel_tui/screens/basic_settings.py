"""Basic Settings: Language (live switch), Operation Time Out, Date/Time Settings."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from panel_tui.screens.base import PanelScreen
from panel_tui.screens.form_screen import FormScreen
from panel_tui.widgets.form import FieldSpec

LANGUAGES: tuple[str, ...] = ("en", "lv")


class LanguageScreen(PanelScreen):
    """Language/Valoda: each language is named in itself; selecting one switches at once."""

    HELP_KEY = "panel.help.language"
    HINTS_KEY = "panel.hints.menu"
    #: focused as the screen mounts (on_mount focuses it too): Textual's default, "*", focused
    #: the status bar's lock icon first and on_mount moved it on, a focus and a blur that
    #: restyled the icon and refreshed the bar before every page change's first frame
    AUTO_FOCUS = "#languages"

    def compose_body(self) -> ComposeResult:
        current = self.panel.language
        options = []
        for code in LANGUAGES:
            g = self.panel.glyphs
            mark = g.chosen if code == current else g.not_chosen
            options.append(Option(mark + self.t(f"panel.language.{code}"), id=code))
        yield OptionList(*options, id="languages")

    def on_mount(self) -> None:
        self._focus()

    def _focus(self) -> None:
        menu = self.query_one("#languages", OptionList)
        menu.highlighted = LANGUAGES.index(self.panel.language) if self.panel.language in LANGUAGES else 0
        menu.focus()

    def language_changed(self) -> None:
        super().language_changed()
        if self.is_current:
            self.call_after_refresh(self._focus)

    @on(OptionList.OptionSelected, "#languages")
    def _select(self, event: OptionList.OptionSelected) -> None:
        code = str(event.option.id)
        self.device.update("basic", language=code)
        self.panel.language = code


class OperationTimeOutScreen(FormScreen):
    """Operation Time Out: On/Off and the idle minutes after which the admin is logged out."""

    SECTION = "basic"
    HELP_KEY = "panel.help.operation_time_out"

    def fields(self) -> Sequence[FieldSpec]:
        return (
            FieldSpec("operation_timeout_on", "panel.field.operation_timeout",
                      choices=(("panel.field.on_f", True), ("panel.field.off_f", False))),
            FieldSpec("operation_timeout_minutes", "panel.field.timeout_minutes", max_length=3,
                      enabled_when=lambda v: v.get("operation_timeout_on") is True),
        )


class DateTimeScreen(FormScreen):
    """Date/Time Settings: formats and the time difference; the device clock itself is shown."""

    SECTION = "basic"
    HELP_KEY = "panel.help.date_time"

    def intro(self) -> str | None:
        now = self.device.clock.now()
        return self.t("panel.date_time.now", date=now.strftime("%Y-%m-%d"), time=now.strftime("%H:%M:%S"))

    def fields(self) -> Sequence[FieldSpec]:
        return (
            FieldSpec("date_format", "panel.field.date_format",
                      choices=(("panel.date_format.ymd", "yyyy.mm.dd"), ("panel.date_format.mdy", "mm.dd.yyyy"),
                               ("panel.date_format.dmy", "dd.mm.yyyy"))),
            FieldSpec("time_format", "panel.field.time_format",
                      choices=(("panel.time_format.24h", "24h"), ("panel.time_format.12h", "12h"))),
            FieldSpec("time_difference_minutes", "panel.field.time_difference", max_length=5),
        )
