"""The process's garbage collector, settled once the service has started.

A full (generation 2) collection walks every tracked object of the process; a started
service holds a few hundred thousand of them (modules, schemas, routes, the console's
files, pools) that live as long as the process. Under load the collector ran a full pass
every few seconds and stopped every green thread of the process for it: issue 16 measured
60-100 ms without a single answer about every three seconds in the gateway, which was most
of the dashboard's p99. `gc.freeze()` moves what exists at start into a permanent
generation the collector never walks again, and a larger first threshold makes the
young collections (each short) rarer. Garbage cycles are still collected.
"""

from __future__ import annotations

import gc
import threading

from eventkit import config

_settled = threading.Event()


def settle() -> None:
    """Once per process, after start: collect, freeze what remains, raise the thresholds."""
    if _settled.is_set():
        return
    _settled.set()
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(config.env_int("GC_THRESHOLD", 10_000), second, third)
