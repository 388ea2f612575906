"""Launch the baseline the way ``tutorcal serve`` launches tutorcal.

Prepare the schema first (SQLite: create it; other databases: the same ``CREATE TABLE IF NOT
EXISTS``), close the connections, then ``uvicorn.run`` the app from an import string.

    python -m bench.baseline_serve --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys


async def prepare_schema() -> None:
    from tortoise import Tortoise

    from bench.baseline_app import tortoise_config

    await Tortoise.init(config=tortoise_config())
    try:
        await Tortoise.generate_schemas(safe=True)
    finally:
        await Tortoise.close_connections()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline_serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    import uvicorn

    logging.basicConfig(level=logging.INFO, stream=sys.stdout)
    asyncio.run(prepare_schema())
    uvicorn.run(
        "bench.baseline_app:app",
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
