"""Size and safety limits for ingest, kept in one place so the API, CLI and poller agree."""

from __future__ import annotations

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # default file-upload limit (configurable per call)
MAX_TEXT_CHARS = 1_000_000  # pasted text / decoded file, after decoding
MAX_BLOCKS = 5_000  # blocks in one article
MAX_TITLE_CHARS = 300  # a guessed headline is cut here
MAX_HEADING_CHARS = 120  # a pasted line longer than this is never a sub-heading
MAX_HEADING_WORDS = 14
MAX_BYLINE_CHARS = 160

# .docx is a zip: checked from the central directory BEFORE python-docx opens it.
# CPython's zipfile never inflates an entry past its declared size, so declared sizes are binding.
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_UNCOMPRESSED = 64 * 1024 * 1024
DOCX_MAX_RATIO = 150  # total uncompressed / total compressed

HTML_MAX_DEPTH = 200  # deeper HTML is flattened to text instead of walked recursively
SNIFF_BYTES = 8192  # bytes looked at to tell text from binary
BINARY_CONTROL_RATIO = 0.10  # share of control bytes above which text is called binary

FEED_MAX_BYTES = 10 * 1024 * 1024
FEED_MAX_ENTRIES = 500
HTML_MAX_CHARS = 10_000_000  # a whole web page, before extraction
