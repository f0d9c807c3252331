"""Audarma's newsroom domain: articles, segments, jobs, review, publishing (no Flask/Celery)."""
