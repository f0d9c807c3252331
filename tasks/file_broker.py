"""kombu's filesystem transport, writing each message whole before a worker can see it.

kombu's own ``_put`` creates the message file under its final name and writes it afterwards, so
a worker polling the folder can take the file while it is still empty and die on the JSON
(celery/kombu#1551). Here the message is written under a name no queue matches and then renamed
into place: ``os.replace`` is atomic within a folder, so a reader sees no file or a whole one.
The embedded broker of ``make run`` and the tests (``filesystem://``) uses this transport.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

PARTIAL_SUFFIX = ".part"  # "<ms>_<uuid>.<queue>.msg.part" never equals a reader's "<queue>.msg"


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        """Put ``payload`` onto ``queue``: written under a partial name, then renamed."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            try:
                os.remove(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel
