"""A fix for Textual (8.2.8) that the panel applies when its app module is imported.

`textual._styles_cache.StylesCache.get_inner_outer` is an `functools.lru_cache(1024)` on an
instance method: its keys hold `self`, so the styles cache of up to 1024 widgets already
removed stays alive, with every line each of them drew (their `Strip` objects and the caches
those keep). In the panel one Scan to Email job with its Job Status leaves ~60 such widgets
behind, so its memory grew with each job until the cache filled. The result depends only on
the two colours (`self` is unused), so the replacement caches on the colours alone: same
styles, same bound, and no widget kept.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """Textual's own body of `get_inner_outer`: the inner and outer background styles."""
    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> None:
    """Replace the method when it is still Textual's cached one (a later Textual may fix it)."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is not None and hasattr(current, "cache_info") and current is not _get_inner_outer:
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
