"""`/preview.png`: the link-preview image (Open Graph / Twitter card) of a permalink.

Contract: `/preview.png?<the page's own query>`, plus `page=trends` or `page=compare` for those
pages (Explore without it); `lang` as the page's (else Accept-Language). The answer is a 1200×630
PNG of the view's chart (`barometer.present.preview_image`, from the same view the page shows),
cached by query, language, data version and release. Rendering never holds up page views: at
most `RENDERS` previews are drawn at once per process; a request that waits longer than
`WAIT_SECONDS` for its turn, or whose drawing fails or takes longer than `RENDER_SECONDS`, gets
a plain text card with the headline sentence (cached briefly, so the real image follows).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import flask

from barometer.i18n import choose_lang, gettext_for
from barometer.present.preview_image import (
    PreviewCard,
    blank_png,
    card_png,
    text_card_png,
    title_parts,
)
from barometer.web.api import CACHE_EXTENSION
from barometer.web.context import AppContext
from barometer.web.edge_cache import (
    FALLBACK_CACHE,
    PREVIEW_CACHE,
    matches,
    not_modified,
    representation_tag,
)

log = logging.getLogger(__name__)

PREVIEW_PATH = "/preview.png"
PAGE_VIEWS = {"": "crosstab", "explore": "crosstab", "trends": "trend", "compare": "compare"}
"""`page=` of a preview request -> the view it draws."""
PAGE_OF_PATH = {"/": "", "/trends": "trends", "/compare": "compare"}
"""A page's path -> its `page=` in a preview address."""
RENDERS = 1  # matplotlib's text layout is not meant for many threads; one at a time per process
WAIT_SECONDS = 2.0
RENDER_SECONDS = 3.0
CACHE_SECONDS = 24 * 3600
FALLBACK_SECONDS = 60


@dataclass(frozen=True)
class Preview:
    """A preview's bytes, and whether it is the fallback card."""

    png: bytes
    fallback: bool = False


class PreviewRenderer:
    """Draws previews one (`RENDERS`) at a time in worker threads, with bounded waits."""

    def __init__(self, renders: int = RENDERS, wait: float = WAIT_SECONDS,
                 render_time: float = RENDER_SECONDS) -> None:
        self.turns = threading.BoundedSemaphore(renders)
        self.pool = ThreadPoolExecutor(max_workers=renders, thread_name_prefix="preview")
        self.wait, self.render_time = wait, render_time

    def render(self, card: PreviewCard, on_done=None) -> bytes | None:
        """The PNG of `card`, or None when no turn came within `wait` or drawing failed or took
        longer than `render_time` (a late drawing still reaches `on_done`)."""
        if not self.turns.acquire(timeout=self.wait):
            return None
        try:
            future = self.pool.submit(card_png, card)
        except RuntimeError:
            self.turns.release()
            return None

        def finished(done) -> None:
            self.turns.release()
            if on_done is not None and done.exception() is None:
                on_done(done.result())

        future.add_done_callback(finished)
        try:
            return future.result(timeout=self.render_time)
        except FutureTimeout:
            log.warning("preview took longer than %.1f s; answered with the text card",
                        self.render_time)
        except Exception:  # noqa: BLE001 - a preview that cannot be drawn gets the text card
            log.exception("preview could not be drawn")
        return None


def preview_address(page_path: str, search: str, lang: str) -> str:
    """The preview image (`og:image`) address of the view a page shows: the page's own query,
    its `page=` and its language (explicit: link-preview robots send no Accept-Language)."""
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
             if k not in ("embed", "page", "lang")]
    page = PAGE_OF_PATH.get(page_path, "")
    return PREVIEW_PATH + "?" + urlencode([*pairs, *([("page", page)] if page else []),
                                            ("lang", lang)])


def preview_view(app_ctx: AppContext, args: list[tuple[str, str]], lang: str):
    """The page's view of a preview request (its `page=` says which page)."""
    page = next((v for k, v in reversed(args) if k == "page"), "")
    view = PAGE_VIEWS.get(page, "crosstab")
    query = [(k, v) for k, v in args if k not in ("page", "embed")]
    params = app_ctx.view_params(urlencode(query), lang, view=view)
    views = app_ctx.views
    shown = {"crosstab": views.explore, "trend": views.trends, "compare": views.compare}[view]
    return shown(params)


def card_of(app_ctx: AppContext, shown, lang: str) -> PreviewCard:
    _ = gettext_for(lang)
    headline = shown.summary[0] if shown.summary else ""  # (a view without figures says why)
    label = _("synthetic demonstration data") if app_ctx.dataset.synthetic else ""
    return PreviewCard(figure=shown.figure, title=shown.question, headline=headline,
                       note=shown.note, label=label)


def fallback_png(card: PreviewCard) -> bytes:
    """The text card of a preview (a blank image if even that cannot be drawn)."""
    try:
        return text_card_png(card.headline, card.label, title_parts(card.figure)[0] or card.title)
    except Exception:  # noqa: BLE001
        log.exception("the preview text card could not be drawn")
        return blank_png()


def register_preview(server: flask.Flask, app_ctx: AppContext,
                     renderer: PreviewRenderer | None = None) -> PreviewRenderer:
    """Mount `/preview.png` on the explorer's server."""
    renderer = renderer or PreviewRenderer()
    server.extensions["barometer_preview"] = renderer

    @server.get(PREVIEW_PATH)
    def preview_png():
        request = flask.request
        args = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
        asked = request.args.get("lang")
        lang = choose_lang(asked, request.headers.get("Accept-Language"))
        version = app_ctx.dataset.version
        tag = representation_tag("preview", PREVIEW_PATH, args, lang, version)
        sent = matches(request, tag)
        if sent:
            return not_modified(sent, PREVIEW_CACHE, vary_language=not asked)
        key = f"preview:{tag}"
        cache = server.extensions.get(CACHE_EXTENSION)
        stored = _get(cache, key)
        if stored is None:
            stored = _draw(app_ctx, renderer, cache, key, args, lang)
        response = flask.Response(stored.png, mimetype="image/png")
        if stored.fallback:
            response.set_etag(f"{tag}-fallback")
            response.headers["Cache-Control"] = FALLBACK_CACHE
        else:
            response.set_etag(tag)
            response.headers["Cache-Control"] = PREVIEW_CACHE
        if not asked:
            response.vary.add("Accept-Language")
        return response

    return renderer


def _draw(app_ctx: AppContext, renderer: PreviewRenderer, cache, key: str,
          args: list[tuple[str, str]], lang: str) -> Preview:
    started = time.perf_counter()
    shown = preview_view(app_ctx, args, lang)
    card = card_of(app_ctx, shown, lang)
    png = renderer.render(card, on_done=lambda late: _set(cache, key, Preview(late),
                                                          CACHE_SECONDS))
    if png is None:
        preview = Preview(fallback_png(card), fallback=True)
        _set(cache, key, preview, FALLBACK_SECONDS)
        return preview
    log.debug("preview drawn in %.0f ms", 1000 * (time.perf_counter() - started))
    return Preview(png)


def _get(cache, key: str) -> Preview | None:
    if cache is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage costs speed only
        log.warning("cache get failed for %s", key, exc_info=True)
        return None


def _set(cache, key: str, value: Preview, timeout: int) -> None:
    if cache is None:
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        log.warning("cache set failed for %s", key, exc_info=True)
