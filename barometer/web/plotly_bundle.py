"""The partial Plotly bundle: the pages draw bar and scatter traces only (maps are filled scatter
polygons), so they load plotly.js's basic distribution (1.2 MB, 0.39 MB compressed) instead of
the full one (4.8 MB, 1.5 MB compressed).

Dash's `dcc.Graph` loads Plotly itself when the first graph mounts (`window.Plotly`, else a
script from `_dash-component-suites/plotly/package_data/plotly.min.js` when the app serves its
scripts locally): pages without a chart never load it. Answering that one address with the
basic bundle keeps Dash's lazy loading and changes nothing else. `make plotly-bundle` fetches
the file from the npm registry, at the plotly.js version the Python plotly package bundles.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import dash
import flask

VENDOR = Path(__file__).parent / "vendor"
BUNDLE = VENDOR / "plotly-basic.min.js"
DASH_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
"""Where Dash's renderer fetches Plotly when it serves its scripts locally (dash-renderer sets
`window._dashPlotlyJSURL` to this path under `requests_pathname_prefix`)."""
MAX_AGE = 24 * 3600  # not fingerprinted: revalidated by ETag after a day


@cache
def bundle_bytes() -> tuple[bytes, str]:
    """The bundle's bytes and their SHA-256 (its strong ETag)."""
    body = BUNDLE.read_bytes()
    return body, hashlib.sha256(body).hexdigest()




def is_bundle_request(request: flask.Request) -> bool:
    return request.path.endswith("/" + DASH_PLOTLY_PATH)


def register_plotly_bundle(app: dash.Dash) -> None:
    """Answer Dash's Plotly address with the basic bundle (a route without variables, so Flask
    matches it before Dash's `_dash-component-suites/<package>/<path>`)."""
    if not app.config.serve_locally:
        raise ValueError("the partial Plotly bundle needs serve_locally=True (else the browser "
                         "loads the full bundle from the CDN)")

    def plotly_bundle():
        body, digest = bundle_bytes()
        response = flask.Response(body, mimetype="text/javascript")
        response.set_etag(digest)
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response.make_conditional(flask.request)

    app.server.add_url_rule(app.config.routes_pathname_prefix + DASH_PLOTLY_PATH,
                           "plotly_bundle", plotly_bundle)
