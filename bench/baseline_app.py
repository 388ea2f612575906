"""The baseline: a bare FastAPI + Tortoise app with one model and one query per /readyz.

It registers Tortoise the way ``tutorcal.main.create_app`` does and answers /readyz with the
same ``SELECT 1`` under the same timeout (bench/bare.py), so that what differs from tutorcal
is tutorcal's own start-up work, not the per-request work.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from bench.bare import database_url, tortoise_app, tortoise_config

CONFIG = tortoise_config(__name__, database_url("sqlite://./baseline.sqlite3"))


class Item(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "items"


app = tortoise_app("baseline", CONFIG)
