"""Wake-ups after the commit: the relay's NOTIFY, sent once the appending transaction has
committed, coalesced (issue 16).

A NOTIFY inside the appending transaction takes PostgreSQL's global notification lock
from its pre-commit to the end of its commit (the WAL flush included): every appender of
every store then commits one after the other, and a one-event append costs the notification
queue's work besides. Instead the unit of work pokes the store's `CommitNotifier` after its
commit; one green thread per process sends `NOTIFY` on a pool connection, and pokes that
arrive while one is on its way are answered by a single further NOTIFY. When the store's
active relay runs in this very process (`local`), it is woken in the process and no NOTIFY
is sent at all. A lost wake-up costs at most the relay's poll interval, never an event (the
relay reads from its checkpoint).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from eventkit import logs
from eventkit.db import Pool

log = logs.get("eventkit.wakeup")


class CommitNotifier:
    def __init__(self, pool: Pool, channel: str,
                 local: Callable[[], bool] | None = None) -> None:
        self.pool = pool
        self.channel = channel
        # wakes this process's relay; False when it is not the active one
        self.local = local
        self.sent = 0
        self._lock = threading.Lock()
        self._wanted = False
        self._running = False

    def poke(self) -> None:
        """Something committed: make sure the active relay is woken after this call."""
        try:
            if self.local is not None and self.local():
                return
        except Exception as exc:  # noqa: BLE001 - after the commit: never fail the command
            log.warning("wake-up in process failed", channel=self.channel, error=str(exc))
        with self._lock:
            self._wanted = True
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name=f"notify-{self.channel}", daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if not self._wanted:
                        self._running = False
                        return
                    self._wanted = False
                with self.pool.autocommit() as cur:
                    # one round trip; a wake-up needs no WAL flush (it carries no data)
                    cur.execute("SET LOCAL synchronous_commit TO off;"
                                " SELECT pg_notify(%s, '')", (self.channel,))
                self.sent += 1
        except Exception as exc:  # noqa: BLE001 - the relay's poll covers a lost wake-up
            log.warning("wake-up notify failed", channel=self.channel, error=str(exc))
            with self._lock:
                self._running = False
