"""What every background worker's `flask ... worker` command does once its worker is made
(`flask push worker`, `flask document-checks worker`): with `--once`, pass until nothing is
due and print the counts; otherwise run until SIGTERM or Ctrl-C, finishing the item in hand
and recording it before exiting (a kill instead leaves a lease that runs out, and the item
is taken again by the next worker)."""
from __future__ import annotations

import signal
import threading

import click


def run_worker(worker, *, once: bool, poll_seconds: float, name: str) -> None:
    if once:
        counts = worker.drain()
        click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"{name} running", err=True)
    worker.run_forever(stop, poll_seconds)
