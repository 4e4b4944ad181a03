"""The first view in the HTML: a permalink's page arrives with its result already in it.

`first_view_html` writes the same component tree the app's first render shows (`first_render`)
as static HTML: the question, the result in words, the table with its intervals and letters,
the base note, and the chart as static SVG (`barometer.present.static_chart`, from the same
figure). It sits in Dash's mount point, so it is what a visitor sees before any script runs,
what a reader with scripts off and a crawler read, and what a link preview quotes.
`assets/first_view.js` then keeps it in place, over the app as React renders it, until the app
has drawn its chart: the numbers never leave their place.

Dash components are written by their type: `html.*` as their tag, the few Bootstrap and core
components the pages use as the markup they render to (controls as disabled look-alikes), the
rest (stores, locations, tooltips) as nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from barometer.present.static_chart import figure_svg

FIRST_VIEW_ID = "first-view"
SETTING = "BAROMETER_SSR"
"""The environment setting that switches the first view off ("0"): the page benchmark's
baseline, and a way out should a page ever render wrongly."""

VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}
ATTRIBUTES = {"className": "class", "htmlFor": "for", "colSpan": "colspan", "rowSpan": "rowspan",
              "tabIndex": "tabindex", "html_for": "for"}
KEPT = {"role", "title", "lang"}
ID_PREFIX = "first-"
"""The static copy's ids (and the references to them) are its own: the app's elements, with
the same ids, are in the document beside it until it gives way."""
REFERENCES = {"for", "aria-controls", "aria-labelledby", "aria-describedby"}
SKIPPED = {"children", "style", "id", "n_clicks", "n_clicks_timestamp", "disable_n_clicks",
           "loading_state", "key", "setProps"}


def component_html(node) -> str:
    """A Dash component tree (or plain children) as HTML."""
    if node is None or node is False:
        return ""
    if isinstance(node, str):
        return escape(node)
    if isinstance(node, int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(component_html(child) for child in node)
    if isinstance(node, dict) and "props" in node:  # a component as JSON (from a callback)
        namespace, kind, props = node.get("namespace", ""), node.get("type", ""), node["props"]
    elif hasattr(node, "to_plotly_json"):
        as_json = node.to_plotly_json()
        namespace, kind, props = as_json["namespace"], as_json["type"], as_json["props"]
    else:
        return escape(str(node))
    if namespace == "dash_html_components":
        return element(kind.lower(), props, html_props=True)
    writer = WRITERS.get(f"{namespace}.{kind}")
    if writer is not None:
        return writer(props)
    if namespace == "dash_core_components" or kind in ("Tooltip", "Popover", "Store"):
        return ""
    return element("div", props)


def element(tag: str, props: Mapping, *, classes: str = "", inner: str | None = None,
            html_props: bool = False, **extra) -> str:
    """One element: `props` (Dash names) as attributes, `classes` before its own className.
    Other components' props are their own options, not attributes: only ARIA and data
    attributes, role, title and lang of theirs are kept."""
    attributes: dict[str, object] = {}
    identifier = props.get("id")
    if isinstance(identifier, str):
        attributes["id"] = ID_PREFIX + identifier
    own = props.get("className") or ""
    names = f"{classes} {own}".strip()
    if names:
        attributes["class"] = names
    style = props.get("style")
    if isinstance(style, dict) and style:
        attributes["style"] = "; ".join(f"{css_name(k)}: {v}" for k, v in style.items())
    for name, value in props.items():
        if name in SKIPPED or name == "className" or value is None or value is False:
            continue
        if not html_props and "-" not in name and name not in KEPT:
            continue
        if isinstance(value, str | int | float) and (name in ATTRIBUTES or name.islower()
                                                     or "-" in name):
            attributes[ATTRIBUTES.get(name, name)] = value
    attributes.update({k.rstrip("_").replace("_", "-"): v for k, v in extra.items()
                       if v is not None})
    for name in REFERENCES & attributes.keys():
        attributes[name] = " ".join(ID_PREFIX + ref for ref in str(attributes[name]).split())
    if str(attributes.get("href", "")).startswith("#") and len(str(attributes["href"])) > 1:
        attributes["href"] = "#" + ID_PREFIX + str(attributes["href"])[1:]
    text = " ".join(f'{k}="{escape(str(v))}"' if v is not True else k
                    for k, v in attributes.items())
    opening = f"<{tag} {text}>" if text else f"<{tag}>"
    if tag in VOID:
        return opening
    body = component_html(props.get("children")) if inner is None else inner
    return f"{opening}{body}</{tag}>"


def css_name(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


# -- Bootstrap and core components as the markup they render to --------------------------------


def _col(props: Mapping) -> str:
    sizes = [f"col-{bp}-{props[bp]}" if props[bp] is not True else f"col-{bp}"
             for bp in ("xs", "sm", "md", "lg", "xl", "xxl") if props.get(bp)]
    width = props.get("width")
    classes = " ".join(([f"col-{width}"] if width else []) + sizes) or "col"
    return element("div", props, classes=classes.replace("col-xs-", "col-"))


def _navbar(props: Mapping) -> str:
    expand = props.get("expand")
    classes = ["navbar", "navbar-expand" if expand is True else f"navbar-expand-{expand or 'md'}"]
    if props.get("dark"):
        classes.append("navbar-dark")
    if props.get("color"):
        classes.append(f"bg-{props['color']}")
    return element("nav", props, classes=" ".join(classes))


def _nav_link(props: Mapping) -> str:
    classes = "nav-link" + (" active" if props.get("active") is True else "")
    return element("a", props, classes=classes, href=props.get("href"))


def _button(props: Mapping) -> str:
    colour = props.get("color") or "primary"
    classes = "btn " + (f"btn-outline-{colour}" if props.get("outline") else f"btn-{colour}")
    if props.get("size"):
        classes += f" btn-{props['size']}"
    return element("button", props, classes=classes, type="button", disabled=True)


def _choices(props: Mapping, kind: str, *, switch: bool = False) -> str:
    value = props.get("value")
    chosen = set(value) if isinstance(value, list) else {value}
    inline = " form-check-inline" if props.get("inline") else ""
    items = []
    for option in props.get("options") or []:
        if not isinstance(option, dict):
            option = {"label": option, "value": option}
        checked = " checked" if option.get("value") in chosen else ""
        items.append(f'<div class="form-check{inline}{" form-switch" if switch else ""}">'
                     f'<input class="form-check-input" type="{kind}" disabled{checked}>'
                     f'<label class="form-check-label">{component_html(option.get("label"))}'
                     "</label></div>")
    return element("div", props, inner="".join(items))


def _switch(props: Mapping) -> str:
    checked = " checked" if props.get("value") else ""
    return (f'<div class="form-check form-switch {escape(props.get("className") or "")}">'
            f'<input class="form-check-input" type="checkbox" role="switch" disabled{checked}>'
            f'<label class="form-check-label">{component_html(props.get("label"))}</label></div>')


def _dropdown(props: Mapping) -> str:
    value = props.get("value")
    chosen = value if isinstance(value, list) else [value] if value is not None else []
    labels = {o.get("value"): o.get("label") for o in props.get("options") or []
              if isinstance(o, dict)}
    shown = ", ".join(str(labels.get(v, v)) for v in chosen) or props.get("placeholder") or ""
    return element("div", props, classes="static-dropdown", inner=escape(shown))


def _graph(props: Mapping) -> str:
    figure = props.get("figure") or {}
    style = props.get("style") or {}
    if not figure.get("data") and not (figure.get("layout") or {}).get("annotations"):
        return element("div", props, classes="dash-graph", inner="")
    given = re.fullmatch(r"(\d+)(?:\.\d+)?px", str(style.get("height", "")))
    height = int(given.group(1)) if given else int((figure.get("layout") or {}).get("height")
                                                   or 520)
    return element("div", props, classes="dash-graph first-chart",
                   inner=figure_svg(figure, height))


def _table(props: Mapping) -> str:
    classes = ["table"] + [f"table-{name}" for name in ("bordered", "hover", "striped")
                           if props.get(name)]
    if props.get("size"):
        classes.append(f"table-{props['size']}")
    return element("table", props, classes=" ".join(classes))


WRITERS: dict[str, Callable[[Mapping], str]] = {
    "dash_bootstrap_components.Container": lambda p: element(
        "div", p, classes="container-fluid" if p.get("fluid") else "container"),
    "dash_bootstrap_components.Row": lambda p: element("div", p, classes="row"),
    "dash_bootstrap_components.Col": _col,
    "dash_bootstrap_components.Navbar": _navbar,
    "dash_bootstrap_components.Nav": lambda p: element(
        "div", p, classes="nav navbar-nav" if p.get("navbar") else "nav"),
    "dash_bootstrap_components.NavItem": lambda p: element("div", p, classes="nav-item"),
    "dash_bootstrap_components.NavLink": _nav_link,
    "dash_bootstrap_components.Button": _button,
    "dash_bootstrap_components.Alert": lambda p: element(
        "div", p, classes=f"alert alert-{p.get('color') or 'primary'}", role="alert"),
    "dash_bootstrap_components.Label": lambda p: element(
        "label", p, classes="form-label", for_=p.get("html_for")),
    "dash_bootstrap_components.FormText": lambda p: element("div", p, classes="form-text"),
    "dash_bootstrap_components.Input": lambda p: element(
        "input", p, classes="form-control", value=p.get("value"), readonly=True),
    "dash_bootstrap_components.InputGroup": lambda p: element(
        "div", p, classes="input-group" + (f" input-group-{p['size']}" if p.get("size") else "")),
    "dash_bootstrap_components.Checklist": lambda p: _choices(p, "checkbox"),
    "dash_bootstrap_components.RadioItems": lambda p: _choices(p, "radio"),
    "dash_bootstrap_components.Switch": _switch,
    "dash_bootstrap_components.Table": _table,
    "dash_bootstrap_components.Badge": lambda p: element("span", p, classes="badge"),
    "dash_core_components.Link": lambda p: element("a", p, href=p.get("href")),
    "dash_core_components.Loading": lambda p: component_html(p.get("children")),
    "dash_core_components.Graph": _graph,
    "dash_core_components.Dropdown": _dropdown,
    "dash_core_components.Markdown": lambda p: element("div", p),
}


def first_view_html(layout) -> str:
    """The layout of the first render as the static page that stands in for it."""
    return (f'<div id="{FIRST_VIEW_ID}" class="first-view" aria-busy="false">'
            f"{component_html(layout)}</div>")


SCRIPT_TAG = re.compile(r'<script src="([^"]+)"></script>')
LOADER = "/assets/first_view.js"
UNUSED_SCRIPTS = ("/dash_table/", "/polyfill@")
"""Scripts Dash lists whether or not the app needs them: the DataTable library (no page has one)
and Babel's polyfill, written for browsers Dash no longer supports (its renderer brings the
regenerator runtime the components' lazy loaders use). About 100-190 ms of script evaluation on
this machine's Chromium, for nothing."""


def without_unused_scripts(scripts: str) -> str:
    """The page's script tags less `UNUSED_SCRIPTS` (with the first view or without it)."""
    return SCRIPT_TAG.sub(
        lambda match: "" if any(unused in match.group(1) for unused in UNUSED_SCRIPTS)
        else match.group(0), scripts)


def scripts_after_first_paint(scripts: str) -> tuple[str, str]:
    """(the page's scripts, its renderer) rearranged so that the first view is painted before
    any of the app's scripts loads: their tags stay in place but inert (`data-src`), and
    `assets/first_view.js`, the page's one deferred script, loads them in order once the first
    view is on the screen, then starts Dash's renderer itself. Inline scripts (clientside
    callbacks, which need no library) run where they are, under the CSP's hashes."""
    if not any(src.startswith(LOADER) for src in SCRIPT_TAG.findall(scripts)):
        raise ValueError(f"{LOADER} is not among the page's scripts")

    def inert(match: re.Match) -> str:
        src = match.group(1)
        if src.startswith(LOADER):
            return f'<script src="{src}" defer></script>'
        return f'<script type="text/plain" data-src="{src}"></script>'

    renderer = '<script id="_dash-renderer" type="text/plain">new DashRenderer()</script>'
    return SCRIPT_TAG.sub(inert, scripts), renderer


# -- link previews ------------------------------------------------------------------------------

OG_LOCALES = {"en": "en_GB", "sq": "sq_AL", "sr-Latn": "sr_RS", "sr-Cyrl": "sr_RS"}
PREVIEW_SIZE = (1200, 630)


@dataclass(frozen=True)
class LinkPreview:
    """What a shared link shows in a social network or a messaging app: title, description
    (the result in words) and the preview picture of the same view."""

    title: str
    description: str
    url: str
    image: str
    site: str
    lang: str


def preview_tags(preview: LinkPreview) -> str:
    """The description, Open Graph and Twitter card tags of a page."""
    width, height = PREVIEW_SIZE
    named = [("description", preview.description), ("twitter:card", "summary_large_image"),
             ("twitter:title", preview.title), ("twitter:description", preview.description),
             ("twitter:image", preview.image)]
    properties = [("og:type", "website"), ("og:site_name", preview.site),
                  ("og:title", preview.title), ("og:description", preview.description),
                  ("og:url", preview.url), ("og:locale", OG_LOCALES.get(preview.lang, "en_GB")),
                  ("og:image", preview.image), ("og:image:type", "image/png"),
                  ("og:image:width", str(width)), ("og:image:height", str(height)),
                  ("og:image:alt", preview.title)]
    return "".join(
        [f'<meta name="{name}" content="{escape(value)}">' for name, value in named]
        + [f'<meta property="{name}" content="{escape(value)}">' for name, value in properties]
        + [f'<link rel="canonical" href="{escape(preview.url)}">'])


def plain_title(figure: dict) -> str:
    """A chart's title (question, answer, where, when, by what) as one line of text."""
    title = (figure.get("layout") or {}).get("title") or {}
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    return re.sub(r"\s+", " ", re.sub(r"<br>", " · ", re.sub(r"</?(sup|b|i)>", "", text))).strip()
