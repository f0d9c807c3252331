"""Offline machine translation for Audarma: packages, routes, engine, glossary, memory, checks.

A pure library (no Flask, Celery or database); importing it loads no model.
"""
