"""``panel-tui serve``: one panel per student for a class, over SSH, on one class tenant.

The server never runs a panel in its own process: each connection gets its own ``panel-tui``
child in its own pseudo-terminal, with its own device state dir (``STATE/students/<name>``), so a
crash, a hang or a memory leak in one student's panel is that student's alone, and the panel
code runs exactly as it does on a laptop. The class tenant (``STATE/tenant``) is one
``cloud_sim`` started by the server on fixed ports; every child points at it with ``--cloud``.
"""


async def until_stopped() -> None:
    """Wait for Ctrl+C, SIGTERM or SIGHUP: the class server (SSH or web) then stops its children
    and the class tenant in its ``finally``, instead of dying with a traceback. SIGHUP is the
    trainer's terminal closing: the server used to die at once, leaving its list of connected
    students behind (the trainer's table still showed them connected)."""
    import asyncio
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
