"""Emptying the app's tables between tests, keeping aerich's record of applied migrations."""

from __future__ import annotations

from aerich.models import Aerich
from tortoise import Tortoise
from tortoise.contrib.test import _topological_sort_models


async def empty_tables() -> None:
    assert Tortoise.apps is not None
    models = [model for model in Tortoise.apps.get_models_iterable() if model is not Aerich]
    db = models[0]._meta.db
    dialect = db.capabilities.dialect
    if dialect == "postgres":
        tables = ", ".join(f'"{model._meta.db_table}"' for model in models)
        await db.execute_script(f"TRUNCATE {tables} CASCADE")
        return
    switch = {"mysql": "SET FOREIGN_KEY_CHECKS = {}", "sqlite": "PRAGMA foreign_keys = {}"}[dialect]
    quote = "`" if dialect == "mysql" else '"'
    await db.execute_script(switch.format("0" if dialect == "mysql" else "OFF"))
    try:
        for model in _topological_sort_models(models):
            await db.execute_script(f"DELETE FROM {quote}{model._meta.db_table}{quote}")
    finally:
        await db.execute_script(switch.format("1" if dialect == "mysql" else "ON"))
