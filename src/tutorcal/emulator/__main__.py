"""``python -m tutorcal.emulator [--host 127.0.0.1] [--port 8765]``: the demo emulator alone."""

from __future__ import annotations

import argparse

from tutorcal.emulator.server import DEFAULT_PORT, run_emulator


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tutorcal.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        dest="redirect_uris",
        help="a redirect URI of the demo client (repeatable; default: tutorcal on port 8000)",
    )
    args = parser.parse_args()
    run_emulator(args.host, args.port, redirect_uris=args.redirect_uris)


if __name__ == "__main__":
    main()
