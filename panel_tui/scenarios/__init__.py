"""Troubleshooting scenarios for testers: each error code of the guide on demand.

``catalog`` holds the scenarios as data, ``engine`` runs them through the real stack
(``apply``/``run``), ``script`` is the line-based script language and ``panel-tui-script``,
``cli`` is ``python -m panel_tui.scenarios list|run|apply``. See docs/SCENARIOS.md.

Nothing heavy is imported here: the panel may import the catalog without msal or the tenant.
"""

from __future__ import annotations

__all__ = ["catalog", "engine", "script"]
