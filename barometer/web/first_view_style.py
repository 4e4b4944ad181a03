"""The first view's own stylesheet, written into the page's head: the Bootstrap rules that first
views use (`vendor/first-view-bootstrap.css`) and the app's `assets/style.css`. Bootstrap itself
then loads without holding up the first paint, and applies after it (`first_view_stylesheets`):
the first view shows without waiting for 230 KB of Bootstrap to arrive and be parsed (its
download and parsing come after the first paint).

The Bootstrap subset is made by `make first-view-css`: the first views of `SAMPLE_ADDRESSES`
(every page, language and kind of view), written by this module, are given to PurgeCSS, which
keeps the rules whose selectors they use.

    python -m barometer.web.first_view_style OUT_DIR    # writes OUT_DIR/<n>.html
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

WEB = Path(__file__).resolve().parent
BOOTSTRAP = WEB.parent.parent / "assets" / "00-bootstrap.min.css"
APP_STYLE = WEB.parent.parent / "assets" / "style.css"
FIRST_VIEW_BOOTSTRAP = WEB / "vendor" / "first-view-bootstrap.css"

LANGS = ("en", "sq", "sr-Latn", "sr-Cyrl")
VIEWS = (
    "/",
    "/?indicator=trust_police&by=gender&country=XK&year=2024",
    "/?indicator=trust_police&by=region&country=XK&year=2024&chart=map",
    "/?indicator=trust_police&by=age_group&country=AL&year=2024&chart=stacked",
    "/?indicator=trust_police&by=gender&country=RS&year=2024&chart=horizontal",
    "/?indicator=trust_police&by=gender&country=XK&year=2024&chart=table",
    "/?indicator=trust_police&country=XK&year=2024&chart=bars",
    "/?indicator=nope&year=1999",
    "/?embed=1&indicator=trust_police&country=XK&year=2024",
    "/?embed=1&indicator=trust_police&by=gender&country=XK&year=2024&chart=table",
    "/trends?indicator=trust_police&country=XK",
    "/trends?indicator=trust_police&by=gender&country=XK",
    "/trends?indicator=trust_police&country=XK&chart=map&by=region",
    "/trends?embed=1&indicator=trust_police&country=XK",
    "/compare?indicator=trust_police",
    "/compare?indicator=trust_police&by=gender&chart=table",
    "/compare?embed=1&indicator=trust_police",
    "/tabbook?country=XK&year=2024",
    "/codebook?indicator=trust_police",
    "/about",
)
SAMPLE_ADDRESSES: tuple[str, ...] = tuple(
    view + ("&" if "?" in view else "?") + f"lang={lang}" for view in VIEWS for lang in LANGS)
"""The addresses whose first views the Bootstrap subset is made from (and tested against)."""

FIRST_VIEW = re.compile(r'<div id="first-view".*?(?=<script id="_dash-config")', re.S)


def first_view_of(page_html: str, address: str) -> str:
    """The first view within a page's HTML (up to Dash's config, where its scripts begin)."""
    found = FIRST_VIEW.search(page_html)
    if found is None:
        raise ValueError(f"{address}: the page has no first view")
    return found.group(0)


def sample_first_views(client) -> dict[str, str]:
    """The first view of every `SAMPLE_ADDRESSES` page, by address (`client`: the app's Flask
    test client)."""
    views = {}
    for address in SAMPLE_ADDRESSES:
        answer = client.get(address)
        if answer.status_code != 200:
            raise ValueError(f"{address}: HTTP {answer.status_code}")
        views[address] = first_view_of(answer.get_data(as_text=True), address)
    return views


STYLESHEET_TAG = re.compile(r'<link rel="stylesheet" href="(([^"?]*/assets/[^"?]+)[^"]*)">')
"""A stylesheet link of Dash's: (its address, the address less the query; under the app's path
prefix, if it has one)."""
SUBSET_ID = "first-view-bootstrap"
"""The id of the subset's `<style>`; its `data-href` is Bootstrap's address, for first_view.js."""


@lru_cache(maxsize=4)
def style_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").removeprefix('@charset "UTF-8";')


def first_view_stylesheets(css: str) -> str:
    """The page's stylesheet links (Dash's, in the head) as a page with a first view has them:
    none holds up its first paint. Bootstrap's gives way to the subset first views use, written
    in; `assets/first_view.js` links Bootstrap itself right after it once the first view is on
    the screen, and the app takes over once it has loaded (with scripts off, a `<noscript>` copy
    links it at once). The app's `style.css` is written in after them: the order of the rules is
    Bootstrap's, then the app's, as with the links."""
    def written_in(match: re.Match) -> str:
        link, href, path = match.group(0), match.group(1), match.group(2)
        if path.endswith("/assets/" + BOOTSTRAP.name):
            return (f'<style id="{SUBSET_ID}" data-href="{href}">'
                    f"{style_text(FIRST_VIEW_BOOTSTRAP)}</style><noscript>{link}</noscript>")
        if path.endswith("/assets/" + APP_STYLE.name):
            return f"<style>{style_text(APP_STYLE)}</style>"
        return link

    page_css = STYLESHEET_TAG.sub(written_in, css)
    if SUBSET_ID not in page_css:
        raise ValueError(f"the page links no {BOOTSTRAP.name}: {css!r}")
    return page_css


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    from barometer.ingest import load_dataset
    from barometer.web.app import create_app

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    client = create_app(load_dataset()).server.test_client()
    for number, (address, view) in enumerate(sample_first_views(client).items()):
        page = f"<!-- {address} -->\n<html><head></head><body>{view}</body></html>"
        (out / f"{number:03d}.html").write_text(page, encoding="utf-8")
    print(f"{out}: {len(SAMPLE_ADDRESSES)} first views")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
