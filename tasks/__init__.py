"""Celery app binding and the thin tasks that call workflow/ and translations/."""
