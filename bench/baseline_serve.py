"""Launch the baseline the way ``tutorcal serve`` launches tutorcal.

Prepare the schema first (SQLite: create it; other databases: the same ``CREATE TABLE IF NOT
EXISTS``), close the connections, then ``uvicorn.run`` the app from an import string.

    python -m bench.baseline_serve --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import asyncio
import logging


async def prepare_schema() -> None:
    from tortoise import Tortoise

    from bench.baseline_app import CONFIG

    await Tortoise.init(config=CONFIG)
    try:
        await Tortoise.generate_schemas(safe=True)
    finally:
        await Tortoise.close_connections()


def main(argv: list[str] | None = None) -> None:
    from bench.bare import serve

    asyncio.run(prepare_schema())
    serve("bench.baseline_app:app", argv, logging.INFO)


if __name__ == "__main__":
    main()
