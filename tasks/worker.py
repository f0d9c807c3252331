"""The worker entry point, the only place that builds a Flask app for Celery (celery -A).

At start the worker subscribes to the queues of the language pairs its installed packages serve
(``translate.en-kk``, ``translate_breaking.en-kk``, …) besides the ones named with ``-Q``, and a
thread in the main process refreshes its heartbeat row every 20 seconds with the pairs it can
serve now and the pairs it consumes. A wake-up goes to a pair's queue only while a live worker
consumes it, else to the common queue every worker reads, so a package installed after start is
used at once; a restart (or, with Redis,
``celery -A tasks.worker control add_consumer translate.ru-kk -d celery@HOST``) subscribes the
worker to the new pair's own queues.
"""

from __future__ import annotations

import logging
import threading

from celery.signals import celeryd_after_setup, worker_process_init, worker_ready, worker_shutdown

from web import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 20.0
_stop = threading.Event()
_subscribed: set[tuple[str, str]] = set()  # pairs whose queues this worker consumes


@worker_process_init.connect
def _own_connections(**_kwargs: object) -> None:
    """A forked pool child must not reuse pooled database connections of its parent."""
    flask_app.extensions["audarma.db"].engine.dispose(close=False)


@celeryd_after_setup.connect
def _subscribe_to_served_pairs(sender: str, instance, **_kwargs: object) -> None:
    """Consume the queues of every pair this machine's packages serve."""
    from tasks.dispatch import pair_queues
    from tasks.engine import served_pairs

    with flask_app.app_context():
        pairs = served_pairs()
    _subscribed.update(pairs)
    for name in pair_queues(pairs):
        instance.app.amqp.queues.select_add(name)
    log.info("worker %s serves %s", sender, ", ".join(f"{s}→{t}" for s, t in sorted(pairs))
             or "no language pair (no model installed)")


def beat_once(name: str, *, starting: bool = False) -> None:
    """Write this worker's heartbeat with the pairs and packages it serves now."""
    from tasks.engine import installed_codes, served_pairs
    from workflow.jobs.capabilities import record_worker

    with flask_app.app_context():
        database = flask_app.extensions["audarma.db"]
        with database.transaction() as session:
            record_worker(session, name, served_pairs(), installed_codes(),
                          queue_pairs=_subscribed, starting=starting)


def _heartbeats(name: str) -> None:
    starting = True
    while not _stop.is_set():
        try:
            beat_once(name, starting=starting)
            starting = False
        except Exception:  # database away for a moment: the next beat tries again
            log.warning("could not write the heartbeat of %s", name, exc_info=True)
        _stop.wait(HEARTBEAT_SECONDS)


@worker_ready.connect
def _start_heartbeats(sender, **_kwargs: object) -> None:
    """One heartbeat thread per worker (the main process, not each pool child)."""
    name = getattr(sender, "hostname", None) or "worker"
    threading.Thread(target=_heartbeats, args=(name,), name="audarma-heartbeat",
                     daemon=True).start()


@worker_shutdown.connect
def _stop_heartbeats(**_kwargs: object) -> None:
    _stop.set()
