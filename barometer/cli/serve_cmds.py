"""`barometer serve`: the explorer and its API under gunicorn, debug off."""

from __future__ import annotations

import os

import click


def default_workers() -> int:
    return os.cpu_count() or 1


def gunicorn_options(host: str, port: int, workers: int, threads: int, timeout: int,
                     access_log: bool, max_requests: int) -> dict:
    """Gunicorn settings: threaded workers (keep-alive for API clients), the app loaded once in
    the master and shared copy-on-write by the workers."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "barometer",
    }
    if max_requests:
        options.update(max_requests=max_requests, max_requests_jitter=max(1, max_requests // 10))
    return options


def run_gunicorn(options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class BarometerApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            from barometer.present.preview_image import warm_up
            from barometer.web.app import create_app

            app = create_app()
            warm_up()  # link previews: matplotlib imported once, in the master, shared
            return app.server

    BarometerApplication().run()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for all; normally behind a reverse proxy).")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: the CPU count].")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker.")
@click.option("--timeout", type=click.IntRange(5, 600), default=60, show_default=True,
              help="Seconds before a stuck worker is restarted.")
@click.option("--max-requests", type=click.IntRange(0), default=0, show_default=True,
              help="Recycle a worker after this many requests (0: never).")
@click.option("--access-log/--no-access-log", default=False, show_default=True)
def serve(host: str, port: int, workers: int | None, threads: int, timeout: int,
          max_requests: int, access_log: bool) -> None:
    """Serve the explorer and the REST API with gunicorn (production settings, debug off).

    Environment: BAROMETER_CACHE_URL (redis://… shared result cache), BAROMETER_FRAME_ANCESTORS
    (who may frame the embed view), BAROMETER_SSR (0: no server-rendered first view),
    FORWARDED_ALLOW_IPS (proxies trusted for X-Forwarded-*).
    """
    from barometer.web.serving import ConfigError, cache_config, frame_ancestors

    try:  # fail before forking on a bad setting
        cache_config()
        frame_ancestors()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    run_gunicorn(gunicorn_options(host, port, workers or default_workers(), threads, timeout,
                                  access_log, max_requests))
