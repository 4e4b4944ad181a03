"""Answers a shared cache (a reverse proxy, a CDN) may keep: a permalink's HTML, its preview
image and the API's answers depend only on the address (path and query; for a page also the
host it was asked at, which its links carry), the language, the data version and the release
of the app. Their strong ETag is computed from exactly those, before any
work, so a conditional request is answered `304` at once; `Cache-Control` lets a shared cache
keep them a while and serve them stale while it revalidates.

The page HTML carries one per-load value, Dash's background-callback token (`end_id`); the app
has no background callbacks, so every load of an address is the same page to a visitor (and a
shared cache hands one load to everyone anyway).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

import dash
import flask

import barometer
from barometer.i18n import choose_lang
from barometer.web.problems import API_PREFIX
from barometer.web.registry import PAGES

PAGE_CACHE = "public, max-age=300, stale-while-revalidate=86400"
"""Pages and API answers: fresh for five minutes (a new wave shows within that), then served
stale for up to a day while the cache revalidates (a 304 costs the app nothing)."""
API_CACHE = PAGE_CACHE
PREVIEW_CACHE = "public, max-age=86400, stale-while-revalidate=604800"
"""A preview image changes only with the data (its ETag has the data version)."""
FALLBACK_CACHE = "public, max-age=60"
"""A fallback card (the chart could not be drawn in time): soon replaced by the real one."""
_ETAG_KEY = "barometer_edge_etag"


@cache
def release_id() -> str:
    """This release of the app: the versions of barometer and Dash and the size and time of
    every file of the package and the assets (a deploy of other code is another release)."""
    root = Path(barometer.__file__).parent
    assets = root.parent / "assets"
    stats = []
    for folder in (root, assets):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                stat = path.stat()
                stats.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join([barometer.__version__, dash.__version__, *stats])
                            .encode("utf-8"))
    return digest.hexdigest()[:16]


def representation_tag(kind: str, path: str, query: Iterable[tuple[str, str]], lang: str,
                       data_version: str) -> str:
    """The strong ETag value of one answer: what it is, its address (the query's pairs in a
    canonical order), its language, the data version and the release."""
    canonical = "&".join(f"{k}={v}" for k, v in sorted(query))
    text = "\0".join([kind, path, canonical, lang, data_version, release_id()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def matches(request: flask.Request, tag: str) -> str | None:
    """The validator of `If-None-Match` that names `tag` (also as flask-compress's
    `tag:br`/`tag:gzip` of a compressed answer), or None."""
    for sent in request.if_none_match.as_set():
        if sent == tag or sent.split(":", 1)[0] == tag:
            return sent
    return None


def not_modified(tag: str, cache_control: str, vary_language: bool) -> flask.Response:
    """A 304 carrying the validator the client sent (compressed or not) and the headers its
    200 had."""
    response = flask.Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = cache_control
    if vary_language:
        response.headers["Vary"] = "Accept-Language"
    return response


def page_kind(path: str) -> str | None:
    """'page' for the explorer's page routes, 'api' for API GETs, else None (not cached here)."""
    if path in {page.path for page in PAGES if page.shared}:
        return "page"
    if path.startswith(API_PREFIX + "/") or path == API_PREFIX:
        return "api"
    return None


def request_tag(request: flask.Request, kind: str, data_version: str) -> tuple[str, bool]:
    """The ETag of a page or API request, and whether its language came from Accept-Language."""
    query = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    asked = request.args.get("lang")
    if kind == "api":  # the API speaks the language its query names (default English)
        return representation_tag(kind, request.path, query, asked or "", data_version), False
    lang = choose_lang(asked, request.headers.get("Accept-Language"))
    # a page's links and citation carry the address it was asked at
    where = request.host_url.rstrip("/") + request.path
    return representation_tag(kind, where, query, lang, data_version), not asked


def install_edge_cache(server: flask.Flask, data_version: str) -> None:
    """ETag, Cache-Control, Vary and 304 for the pages and the API (the preview image sets its
    own, from the same `representation_tag`)."""
    @server.before_request
    def answer_conditional_requests():
        request = flask.request
        kind = page_kind(request.path) if request.method in ("GET", "HEAD") else None
        if kind is None:
            return None
        tag, vary_language = request_tag(request, kind, data_version)
        flask.g.setdefault(_ETAG_KEY, (tag, vary_language, kind))
        sent = matches(request, tag)
        if sent:
            return not_modified(sent, PAGE_CACHE if kind == "page" else API_CACHE, vary_language)
        return None

    @server.after_request
    def mark_cacheable(response: flask.Response) -> flask.Response:
        marked = flask.g.get(_ETAG_KEY)
        if marked is None or response.status_code != 200 or response.get_etag()[0]:
            return response
        if response.headers.get("Cache-Control") == "no-store":
            return response
        tag, vary_language, kind = marked
        response.set_etag(tag)
        response.headers["Cache-Control"] = PAGE_CACHE if kind == "page" else API_CACHE
        if vary_language:
            response.vary.add("Accept-Language")
        return response
