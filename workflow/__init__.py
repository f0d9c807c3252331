"""Audarma's newsroom domain: articles, segments, jobs, review and publishing (no Flask, no Celery)."""
