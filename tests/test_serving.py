"""Production behaviour of the Flask server: security headers and the CSP, frame-ancestors for
the embed view, static cache lifetimes, compression, clean errors (API, Dash callbacks, pages),
/healthz and the settings read from the environment."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re

import pytest

from barometer.web import serving
from barometer.web.app import create_app

SHELL_CALLBACK = {
    "output": "..shell.children...lang-store.data...title-store.data..",
    "outputs": [{"id": "shell", "property": "children"}, {"id": "lang-store", "property": "data"},
                {"id": "title-store", "property": "data"}],
    "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
    "changedPropIds": ["url.pathname"],
    "state": [{"id": "url", "property": "search", "value": "?indicator=trust_police"}],
}


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def inline_script_hashes(page: str) -> set[str]:
    """sha256 CSP sources of the executable inline scripts of an HTML page, computed here."""
    hashes = set()
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)  # e.g. Dash's [if IE] notice
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        kind = re.search(r'type="([^"]+)"', attrs)
        if "src=" in attrs or (kind and "javascript" not in kind.group(1)):
            continue  # external, or data (JSON, an inert tag the page loads later)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes.add(f"'sha256-{digest}'")
    return hashes


# -- headers -------------------------------------------------------------------------------------


def test_page_headers_and_csp_allow_exactly_dash_inline_scripts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = directives(response.headers["Content-Security-Policy"])
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = inline_script_hashes(response.get_data(as_text=True))
    assert inline, "Dash pages carry inline scripts"
    assert inline <= set(scripts)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert not [s for s in policy["style-src"] if s.startswith("http")], "no CDN stylesheets"


@pytest.mark.parametrize("path", ["/api/v1/crosstab?indicator=trust_police", "/healthz",
                                  "/api/v1/nothing", "/api/v1/docs"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_frame_ancestors_from_environment_apply_to_the_embed_view_only(dataset, monkeypatch):
    monkeypatch.setenv("BAROMETER_FRAME_ANCESTORS", "'self' https://news.example.org")
    client = create_app(dataset).server.test_client()
    embed = directives(client.get("/?embed=1&indicator=trust_police").headers[
        "Content-Security-Policy"])
    page = directives(client.get("/?indicator=trust_police").headers["Content-Security-Policy"])
    assert embed["frame-ancestors"] == ["'self'", "https://news.example.org"]
    assert page["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("value", ["https://ok.example 'unsafe-inline'", "javascript:alert(1)",
                                   "'none' https://a.example", "a;b"])
def test_bad_frame_ancestors_stop_the_start(dataset, monkeypatch, value):
    monkeypatch.setenv("BAROMETER_FRAME_ANCESTORS", value)
    with pytest.raises(serving.ConfigError, match="BAROMETER_FRAME_ANCESTORS"):
        create_app(dataset)


def test_api_answers_cross_origin_and_is_cacheable(client):
    response = client.get("/api/v1/indicators")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response.headers["Cache-Control"]


# -- static assets and compression ---------------------------------------------------------------


def test_fingerprinted_assets_are_cached_for_a_year_and_compressed_once(client):
    page = client.get("/").get_data(as_text=True)
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert suites
    url = next(u for u in suites if "dash_renderer" in u or "dash-renderer" in u)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).get_data()
    assert gzip.decompress(response.get_data()) == plain
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.get_data() == response.get_data()
    css = re.findall(r'href="(/assets/[^"]+\?m=[^"]+)"', page)
    assert css
    asset = client.get(css[0])
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_api_json_is_compressed(client):
    response = client.get("/api/v1/indicators", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"{")


def test_pages_may_be_kept_by_a_shared_cache_and_revalidated(client):
    # (tests/test_edge_cache.py checks the ETag, the 304 and the variants)
    response = client.get("/")
    assert response.headers["Cache-Control"] == (
        "public, max-age=300, stale-while-revalidate=86400")
    assert response.get_etag()[0]


# -- errors --------------------------------------------------------------------------------------

TAMPERED = [
    ("not-json", b"{not json", "application/json"),
    ("form-body", b"output=shell.children", "application/x-www-form-urlencoded"),
    ("json-array", b"[1, 2, 3]", "application/json"),
    ("unknown-output", b'{"output": "secret.children", "inputs": []}', "application/json"),
    ("no-inputs", b'{"output": "..shell.children...lang-store.data...title-store.data.."}', "application/json"),
    ("inputs-wrong-type", b'{"output": "..shell.children...lang-store.data...title-store.data..", "inputs": 5}',
     "application/json"),
    ("junk-input-values", b'{"output": "..shell.children...lang-store.data...title-store.data..", "outputs": [],'
     b' "inputs": [{"id": "url", "property": "pathname", "value": {"$gt": [1]}}],'
     b' "changedPropIds": ["url.pathname"], "state": []}', "application/json"),
    ("missing-state", b'{"output": "..shell.children...lang-store.data...title-store.data..", "outputs": [{"id":'
     b' "shell", "property": "children"}], "inputs": [{"id": "x", "property": "y"}],'
     b' "changedPropIds": 7}', "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), [t[1:] for t in TAMPERED],
                         ids=[t[0] for t in TAMPERED])
def test_tampered_callback_payload_gets_a_clean_json_error(client, body, content_type):
    response = client.post("/_dash-update-component", data=body,
                           headers={"Content-Type": content_type})
    assert 400 <= response.status_code <= 500
    assert response.mimetype == "application/problem+json"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text and "barometer/" not in text
    good = client.post("/_dash-update-component", json=SHELL_CALLBACK)
    assert good.status_code == 200
    assert good.get_json()["response"]["lang-store"]["data"] == "en"


def test_server_error_on_a_page_route_is_a_plain_page_without_traceback(client, monkeypatch):
    import barometer.web.views as web_views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(web_views, "crosstab", broken)
    response = client.get("/download/table.csv?indicator=trust_police")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert "Something went wrong" in text
    albanian = client.get("/download/table.csv?indicator=trust_police&lang=sq").get_data(as_text=True)
    assert '<html lang="sq">' in albanian and "secret internals" not in albanian
    assert "Something went wrong" not in albanian  # the Albanian page, not the English one


def test_unknown_download_is_404_page(client):
    response = client.get("/download/table.pdf")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
    serbian = client.get("/download/table.pdf", headers={"Accept-Language": "sr-Cyrl-RS"})
    assert '<html lang="sr-Cyrl">' in serbian.get_data(as_text=True)


# -- health and settings -------------------------------------------------------------------------


def test_healthz(client, dataset):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "data_version": dataset.version,
                                   "rows": len(dataset), "cache": "in-process"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("url", "expected"), [
    ("", {"CACHE_TYPE": "SimpleCache"}),
    ("redis://cache.internal:6380/3", {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_DB": 3,
                                        "CACHE_REDIS_URL": "redis://cache.internal:6380/3"}),
    ("rediss://:pw@cache:6379", {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_DB": 0}),
])
def test_cache_config_from_url(url, expected):
    config = serving.cache_config(url)
    assert expected.items() <= config.items()


@pytest.mark.parametrize("url", ["http://cache:6379", "memcached://x", "redis://h:1/zero"])
def test_bad_cache_url_is_a_config_error(url):
    with pytest.raises(serving.ConfigError, match="BAROMETER_CACHE_URL"):
        serving.cache_config(url)
