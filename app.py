"""Run the explorer: `python app.py [--port 8050]`. Gunicorn serves `app:server`."""

from __future__ import annotations

import argparse

from barometer.web.app import create_app

dash_app = create_app()
server = dash_app.server

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    args = parser.parse_args()
    dash_app.run(host=args.host, port=args.port, debug=False)
