"""The job log's files read in bounded time, and the thread that fsyncs their journals.

``joblog.json`` is a snapshot and ``joblog.journal`` the changes since (see ``jobs.py``). Kept
apart from the log itself: these are the parts that know byte limits, torn lines and fsync, and
a tool that reads a state dir it does not own (the class trainer's table) needs only them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Protocol

from .jsontypes import JsonObject

log = logging.getLogger(__name__)

#: the most of the snapshot read whole; a larger one (a log kept by another version, say) gives
#: its newest entries from its first bytes (see :func:`salvage`)
SNAPSHOT_READ_LIMIT = 4 << 20
#: the most of the journal read at start-up: its last bytes (a longer one is cut short by a
#: kill between two compactions only if jobs carry huge replies)
JOURNAL_READ_LIMIT = 4 << 20


def read_journal_tail(journal: Path) -> bytes:
    """The journal's last ``JOURNAL_READ_LIMIT`` bytes, from a line start. Raises OSError."""
    with open(journal, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > JOURNAL_READ_LIMIT:
            fh.seek(size - JOURNAL_READ_LIMIT)
            fh.readline()  # a line cut by the seek
        return fh.read()


def journal_finished(path: Path) -> list[JsonObject]:
    """Jobs finished since the snapshot, newest first, as JSON objects: the journal beside
    ``joblog.json`` read without a ``Device`` (bounded, damaged lines skipped), for tools that
    read a state dir they do not own (the class trainer's progress table)."""
    try:
        raw = read_journal_tail(Path(path).with_suffix(".journal"))
    except OSError:
        return []
    out: list[JsonObject] = []
    for line in raw.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and rec.get("op") == "finish" and isinstance(rec.get("job"), dict):
            out.append(rec["job"])
    out.reverse()
    return out


class Flushable(Protocol):
    """What the flusher needs of a job log."""

    def _flush(self) -> None: ...


class Flusher:
    """One daemon thread for every job log: fsyncs journals a moment after their writes,
    batching the jobs that finished meanwhile, and compacts them; never on a job's path."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._dirty: dict[int, Flushable] = {}
        self._thread: threading.Thread | None = None

    def mark(self, job_log: Flushable) -> None:
        with self._cv:
            self._dirty[id(job_log)] = job_log
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="joblog-fsync", daemon=True)
                self._thread.start()
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._dirty:
                    self._cv.wait()
                batch = list(self._dirty.values())
                self._dirty.clear()
            for job_log in batch:
                try:
                    job_log._flush()
                except Exception:  # pragma: no cover - a thread must outlive any one log's failure; logged, the next job retries
                    log.exception("job journal flush failed")
            del batch, job_log


FLUSHER = Flusher()

def salvage(path: Path, limit: int, nbytes: int) -> JsonObject | None:
    """The newest ``limit`` entries of an oversized snapshot, parsed from its first ``nbytes``.

    The snapshot is written with sorted keys, newest entry first (``{"data":{"active":[...],
    "log":[...],"next_id":N},...}``), so its first bytes hold what the log keeps. None when they
    do not look like one.
    """
    try:
        with open(path, "rb") as fh:
            text = fh.read(nbytes).decode("utf-8", "ignore")
    except OSError:
        return None
    dec = json.JSONDecoder()
    ws = re.compile(r"[ \t\r\n]*")

    def skip(i: int) -> int:
        return ws.match(text, i).end()  # type: ignore[union-attr]

    m = re.match(r'\s*\{\s*"data"\s*:\s*\{', text)
    if not m:
        return None
    out: JsonObject = {}
    i = m.end()
    try:
        while True:
            i = skip(i)
            if text[i] == "}":
                break
            key, i = dec.raw_decode(text, i)
            i = skip(i)
            if text[i] != ":":
                break
            i = skip(i + 1)
            if key != "log":
                out[key], i = dec.raw_decode(text, i)
            else:
                entries: list[object] = []
                out["log"] = entries
                if text[i] != "[":
                    break
                i += 1
                while len(entries) < limit:
                    i = skip(i)
                    if text[i] == "]":
                        i += 1
                        break
                    entry, i = dec.raw_decode(text, i)
                    entries.append(entry)
                    i = skip(i)
                    if text[i] == ",":
                        i += 1
                if len(entries) >= limit:
                    break
            i = skip(i)
            if text[i] == ",":
                i += 1
    except (IndexError, ValueError):  # the read limit cut the document: keep what was read
        pass
    if not isinstance(out.get("log"), list):
        return None
    if not isinstance(out.get("next_id"), int):
        out.pop("next_id", None)
    return out
