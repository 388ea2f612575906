"""Start-up benchmark: ``tutorcal serve`` against a bare FastAPI + Tortoise app.

Run it with ``make bench`` or ``python -m bench`` from the repository root.
"""
