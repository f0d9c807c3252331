"""The publishing factories (stories with approved editions, partners) for interface tests."""

from tests.publishing.conftest import make_partner, make_story  # noqa: F401
