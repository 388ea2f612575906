"""The Google emulator in a process of its own, as Google is another machine to tutorcal.

Unseeded (no demo users or clients): the benchmark registers its client and users through
the control API. Loopback only.

    python -m bench.emulator_serve --port 8765
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.emulator_serve")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    import uvicorn

    from tutorcal.emulator.app import create_emulator_app

    uvicorn.run(
        create_emulator_app(),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
