"""Where a ``next`` parameter may send the browser: a path on this site, as a browser reads it.

A browser parsing a ``Location`` drops tabs and newlines anywhere, trims leading and trailing
control characters and spaces, and treats ``\\`` as ``/`` in http(s) URLs, so ``/\\t/host`` and
``/\\\\host`` mean ``//host`` (another site). The check runs on that normalised text, and the
normalised text is what the redirect sends: what was checked is what the browser follows.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def browser_normalised(target: str) -> str:
    """``target`` as a browser's URL parser sees it before resolving it (WHATWG URL, http(s))."""
    return _TAB_OR_NEWLINE.sub("", target).strip(_C0_OR_SPACE).replace("\\", "/")


def same_origin_path(target: str | None) -> str | None:
    """The normalised ``target`` if it is a path on this site (``/…``, not ``//…``); else None."""
    if not target:
        return None
    path = browser_normalised(target)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None
    if not path.startswith("/") or path.startswith("//"):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    return path
