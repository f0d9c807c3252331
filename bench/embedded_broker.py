"""Compare kombu transports that need no server (filesystem, SQLAlchemy on SQLite) with Redis.

Measures, in one run on this machine: messages/s to publish N messages, messages/s to consume
and ack them, and whether broadcast (fanout, which Celery's `control.ping` needs) works.

    .venv/bin/python bench/embedded_broker.py [--messages 2000] [--redis redis://127.0.0.1:6379/13]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kombu import Connection, Exchange, Queue


def _transport(name: str, tmp: Path, redis_url: str) -> tuple[str, dict]:
    if name == "filesystem":
        folder = tmp / "fs"
        folder.mkdir()
        return "filesystem://", {"data_folder_in": str(folder), "data_folder_out": str(folder),
                                 "control_folder": str(folder), "store_processed": False}
    if name == "sqlalchemy":
        return f"sqla+sqlite:///{tmp / 'broker.db'}", {}
    return redis_url, {}


def measure(name: str, messages: int, tmp: Path, redis_url: str) -> dict:
    """Publish then consume ``messages`` small JSON messages; test fanout support."""
    url, options = _transport(name, tmp, redis_url)
    queue = Queue(f"bench-{name}", Exchange(f"bench-{name}", type="direct"), routing_key="k")
    with Connection(url, transport_options=options) as conn:
        producer = conn.Producer(serializer="json")
        start = time.perf_counter()
        for i in range(messages):
            producer.publish({"job_id": i}, exchange=queue.exchange, routing_key="k",
                             declare=[queue])
        published = time.perf_counter() - start
        received = 0

        def _on(body, message):
            nonlocal received
            received += 1
            message.ack()

        start = time.perf_counter()
        with conn.Consumer(queue, callbacks=[_on], accept=["json"]):
            while received < messages:
                try:
                    conn.drain_events(timeout=5)
                except TimeoutError:
                    break
        consumed = time.perf_counter() - start
        fanout = "yes" if conn.transport.implements.exchange_type.__contains__("fanout") else "no"
    return {"transport": name, "publish_per_s": messages / published,
            "consume_per_s": received / consumed if consumed else 0.0, "received": received,
            "fanout": fanout}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("filesystem", "sqlalchemy", "redis"):
            sub = Path(tmp) / name
            sub.mkdir()
            try:
                rows.append(measure(name, args.messages, sub, args.redis))
            except Exception as exc:  # report, keep measuring the others
                rows.append({"transport": name, "error": f"{type(exc).__name__}: {exc}"})
    print(f"{'transport':<12}{'publish/s':>12}{'consume/s':>12}{'received':>10}  fanout(ping)")
    for row in rows:
        if "error" in row:
            print(f"{row['transport']:<12}  error: {row['error']}")
            continue
        print(f"{row['transport']:<12}{row['publish_per_s']:>12.0f}{row['consume_per_s']:>12.0f}"
              f"{row['received']:>10}  {row['fanout']}")


if __name__ == "__main__":
    main()
