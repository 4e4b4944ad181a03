"""`barometer mcp`: the assistant's MCP server over stdio, for an assistant on this machine.

Permalinks and citations in its answers start with `--base-url`, else `BAROMETER_PUBLIC_URL`,
else the address `barometer serve` listens on by default. (Over HTTP, at `/mcp` of
`barometer serve`, they start with the address the request came to.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import click

PUBLIC_URL_ENV = "BAROMETER_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8050"


def public_url(value: str | None) -> str:
    """The explorer's address for links: `value`, else the setting, else the local default;
    checked to be an http(s) address without query or fragment."""
    url = (value or os.environ.get(PUBLIC_URL_ENV, "") or DEFAULT_PUBLIC_URL).strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query \
            or parsed.fragment:
        source = "--base-url" if value else PUBLIC_URL_ENV
        raise click.BadParameter(f"{url!r} is not a web address like https://example.org",
                                 param_hint=source)
    return url.rstrip("/")


@click.command()
@click.option("--base-url", default=None, metavar="URL",
              help=f"The explorer's public address, for permalinks and citations [default: "
                   f"${PUBLIC_URL_ENV}, else {DEFAULT_PUBLIC_URL}].")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Codebook YAML (default: data/codebook.yaml).")
def mcp(base_url: str | None, codebook_path: Path | None) -> None:
    """Serve the survey to an AI assistant over MCP on stdin/stdout (tools: search_indicators,
    describe_indicator, crosstab, frequencies, trend, compare; resources: codebook, methods;
    prompt: summarise_for_news). The assistant starts this command itself; it ends when the
    assistant closes stdin."""
    url = public_url(base_url)
    from barometer.codebook import CodebookError
    from barometer.ingest import IngestError, load_dataset

    try:
        dataset = load_dataset(codebook_path)
    except (IngestError, CodebookError, OSError) as exc:
        click.echo(f"error: {' '.join(str(exc).split())}", err=True)
        sys.exit(1)
    from barometer.assistant.server import serve_stdio
    from barometer.assistant.tools import Assistant

    serve_stdio(Assistant(dataset), url)
