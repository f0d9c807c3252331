"""The embedded broker hands a worker whole messages only.

kombu's filesystem transport creates a message file under its final name and writes it
afterwards; a worker polling the folder in between took the empty file and died on the JSON
(seen in the browser run of ``make run``). The check runs a reader in the gap between opening
the file and writing it: kombu's own transport fails it (kept as a strict xfail, so the test
shows it can fail), Audarma's finds nothing there and then the whole message.
"""

from __future__ import annotations

import pytest
from kombu import Connection
from kombu.transport import filesystem

from tasks import file_broker
from web.config import broker_settings


def _channel(transport, tmp_path):
    options = broker_settings("filesystem://", tmp_path)["broker_transport_options"]
    connection = Connection("filesystem://", transport=transport, transport_options=options)
    return connection, connection.default_channel


@pytest.mark.parametrize("module", [
    file_broker,
    pytest.param(filesystem, marks=pytest.mark.xfail(strict=True, reason="kombu#1551")),
])
def test_a_reader_never_sees_a_message_being_written(module, tmp_path, monkeypatch):
    connection, channel = _channel(module.Transport, tmp_path)
    seen_while_writing = []
    real_dumps = module.dumps

    def dumps_with_a_reader_in_between(payload):
        # the file (if any) is open for writing now: a worker polls the queue at this moment
        try:
            seen_while_writing.append(channel._get("translate.en-kk"))
        except Exception as exc:  # noqa: BLE001 (Empty, or kombu's JSONDecodeError)
            seen_while_writing.append(type(exc).__name__)
        return real_dumps(payload)

    monkeypatch.setattr(module, "dumps", dumps_with_a_reader_in_between)
    try:
        channel._put("translate.en-kk", {"body": "whole"})
        monkeypatch.setattr(module, "dumps", real_dumps)
        assert seen_while_writing == ["Empty"]
        assert channel._get("translate.en-kk") == {"body": "whole"}
    finally:
        connection.release()


def test_the_app_uses_the_whole_message_transport_for_the_embedded_broker(tmp_path):
    assert broker_settings("filesystem://", tmp_path)["broker_transport"] == (
        "tasks.file_broker:Transport")
    assert "broker_transport" not in broker_settings("redis://127.0.0.1:6379/0", tmp_path)
