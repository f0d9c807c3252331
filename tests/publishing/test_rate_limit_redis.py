"""The per-key rate limit on Redis (as in production): shared by workers, one round trip a pull."""

from __future__ import annotations

import redis

from tests.publishing.conftest import bearer


def _commands(url: str) -> dict[str, int]:
    client = redis.Redis.from_url(url)
    try:
        return {name: stats["calls"] for name, stats in client.info("commandstats").items()}
    finally:
        client.close()


def test_the_limit_is_counted_in_redis_with_exact_headers(make_app, redis_url):
    from workflow.partners.admin import create_partner

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _p, key, secret = create_partner(session, "Slow", "kk", rate_limit="3/minute")
        key_id = key.id
    client = app.test_client()
    answers = [client.get("/feeds/kk.rss", headers=bearer(secret)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    resets = sorted(int(a.headers["X-RateLimit-Reset"]) for a in answers[:3])
    assert resets[-1] - resets[0] <= 1  # one window (Redis keeps its TTL in whole seconds)
    store = redis.Redis.from_url(redis_url)
    counters = [k for k in store.keys("LIMITS:*") if f"partner-key:{key_id}:".encode() in k]
    assert [int(store.get(k)) for k in counters] == [4]  # every worker counts in this one key
    store.close()


def test_a_pull_makes_one_redis_round_trip(make_app, redis_url):
    from workflow.partners.admin import create_partner

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _p, _k, secret = create_partner(session, "Busy", "kk", rate_limit="100/minute")
    client = app.test_client()
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    before = _commands(redis_url)
    response = client.get("/feeds/kk.rss", headers=bearer(secret))
    after = _commands(redis_url)
    assert response.status_code == 200 and response.headers["X-RateLimit-Remaining"] == "98"
    sent = {name: after[name] - before.get(name, 0) for name in after
            if after[name] != before.get(name, 0) and name != "cmdstat_info"}
    assert sent.get("cmdstat_evalsha") == 1, sent  # the hit, count and TTL in one script
    assert "cmdstat_get" not in sent and sent.get("cmdstat_ttl") == 1, sent  # TTL inside it


def test_pulls_are_counted_in_memory_while_redis_is_away(make_app):
    from workflow.partners.admin import create_partner

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _p, _k, secret = create_partner(session, "Away", "kk", rate_limit="2/minute")
    client = app.test_client()
    answers = [client.get("/feeds/kk.rss", headers=bearer(secret)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]  # no 500: limited all the same
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert answers[2].get_json()["error"]["code"] == "rate_limited"
