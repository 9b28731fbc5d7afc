"""cloud_sim: a simulated Microsoft 365 tenant (identity platform + Exchange Online SMTP).

Public API (docs/CONTRACTS.md): ``start_tenant``, ``TenantHandle``, ``TenantAdmin``,
``DefaultAccount``. Imports are lazy so that ``import cloud_sim`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["start_tenant", "TenantHandle", "TenantAdmin", "DefaultAccount", "CLIENT_ID",
           "TENANT_DOMAIN"]

if TYPE_CHECKING:  # pragma: no cover
    from cloud_sim.admin import TenantAdmin
    from cloud_sim.accounts import CLIENT_ID, TENANT_DOMAIN, DefaultAccount
    from cloud_sim.runtime import TenantHandle, start_tenant


def __getattr__(name: str) -> Any:
    """Lazy names (PEP 562): ``import cloud_sim`` stays cheap; Any: each name is another type."""
    if name in ("start_tenant", "TenantHandle"):
        from cloud_sim import runtime

        return getattr(runtime, name)
    if name == "TenantAdmin":
        from cloud_sim.admin import TenantAdmin

        return TenantAdmin
    if name in ("DefaultAccount", "CLIENT_ID", "TENANT_DOMAIN"):
        from cloud_sim import directory

        return getattr(directory, name)
    raise AttributeError(f"module 'cloud_sim' has no attribute {name!r}")
