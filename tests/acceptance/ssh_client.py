"""A minimal interactive SSH client (asyncssh), so that acceptance tests need no system ssh:
``python ssh_client.py PORT USER PASSWORD [COMMAND]`` behaves like ``ssh -t -p PORT USER@127.0.0.1``
in the terminal it runs in (raw mode, the window size and its changes, the remote exit status).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import termios
import tty

import asyncssh


async def main(port: int, user: str, password: str, command: str | None) -> int:
    cols, rows = shutil.get_terminal_size((80, 24))
    async with asyncssh.connect("127.0.0.1", port, username=user, password=password,
                                known_hosts=None, client_keys=None, agent_path=None) as conn:
        proc = await conn.create_process(command, term_type=os.environ.get("TERM", "xterm"),
                                         term_size=(cols, rows), encoding=None)
        loop = asyncio.get_running_loop()

        def key() -> None:
            data = os.read(0, 65536)
            if data:
                proc.stdin.write(data)

        def resize() -> None:
            c, r = shutil.get_terminal_size((80, 24))
            proc.change_terminal_size(c, r)

        loop.add_reader(0, key)
        loop.add_signal_handler(signal.SIGWINCH, resize)

        async def pump(stream, fd: int) -> None:
            while data := await stream.read(65536):
                os.write(fd, data)

        await asyncio.gather(pump(proc.stdout, 1), pump(proc.stderr, 2))
        await proc.wait_closed()
        return proc.exit_status or 0


if __name__ == "__main__":
    saved = termios.tcgetattr(0)
    tty.setraw(0)
    try:
        code = asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                sys.argv[4] if len(sys.argv) > 4 else None))
    finally:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)
    sys.exit(code)
