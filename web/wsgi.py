"""WSGI entry point for gunicorn: ``gunicorn web.wsgi:app``."""

import gc

from web import create_app
from web.health import monitor

# The production web process buffers partner access-log rows for 1 s (one INSERT per second
# instead of a commit per pull; a crash loses at most that second). AUDARMA_ACCESS_LOG_FLUSH_SECONDS
# =0 writes each at once.
app = create_app(defaults={"ACCESS_LOG_FLUSH_SECONDS": 1.0})
# The first health check runs now, in the background: a load balancer's first probe is answered
# from it instead of waiting for the broker ping.
monitor(app).refresh_in_background()
# Everything made at start-up lives as long as the worker: keep it out of every later full
# garbage collection (about 150,000 objects, ~200 ms per full pass on the load-test machine).
gc.freeze()
