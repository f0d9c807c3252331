"""WSGI entry point for gunicorn: ``gunicorn web.wsgi:app``."""

import gc

from web import create_app

app = create_app()
# Everything made at start-up lives as long as the worker: keep it out of every later full
# garbage collection (about 150,000 objects, ~200 ms per full pass on the load-test machine).
gc.freeze()
