"""``python -m citynet.server [--host H] [--port P] …``: the same as ``citynet serve``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from citynet.errors import CitynetError
    from citynet.server.options import add_arguments, run

    parser = argparse.ArgumentParser(prog="python -m citynet.server",
                                     description="A read-only SPARQL 1.1 endpoint over the citynet graph.")
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except CitynetError as error:
        print(f"citynet: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then passes the signal on
        return 130


# Worker processes re-import this module under another name: only run when executed.
if __name__ == "__main__":
    sys.exit(main())
