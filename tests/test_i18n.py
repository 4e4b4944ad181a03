"""Every word the app shows exists in every language; locale formatting and language negotiation.

The interface strings are extracted from the source at test time (the same extractor `pybabel
extract` uses), so a string added to the code without a translation fails here, before anyone
re-extracts the catalog.
"""

from __future__ import annotations

import ast
import re
import string
from decimal import Decimal
from functools import cache

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from barometer.codebook import Text, load_codebook
from barometer.i18n import (
    LATIN_IN_CYRILLIC,
    LOCALE_DIR,
    format_number,
    format_percent,
    gettext_for,
    negotiate_lang,
    normalise_lang,
)
from barometer.paths import PROJECT_ROOT
from barometer.translit import cyrillic_to_latin

CATALOG_LOCALES = {"sq": "sq", "sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl"}
SHIPPED_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"


@cache
def source_msgids() -> dict[str, list[str]]:
    """msgid -> where it is used ("file:line"), extracted from barometer/ as `pybabel extract` does."""
    found: dict[str, list[str]] = {}
    keywords = {**DEFAULT_KEYWORDS, "_": None}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT / "barometer", method_map=[("**.py", "python")], keywords=keywords
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append(f"barometer/{filename}:{lineno}")
    return found


@cache
def catalog(folder: str) -> Catalog:
    path = LOCALE_DIR / folder / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"{path} is missing: run `pybabel init -l {folder}` (see babel.cfg)"
    with path.open("rb") as fh:
        return read_po(fh, locale=folder)


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def unextractable_strings() -> list[tuple[str, str, str]]:
    """(file:line, problem, English text) for translated strings `pybabel extract` cannot see.

    The extractor reads `_("literal")` calls only: not `gettext_for(lang)("...")`, not `_()` inside
    an f-string (before Python 3.12), not `_(variable)`.
    """
    found = []
    for path in sorted((PROJECT_ROOT / "barometer").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PROJECT_ROOT)
        in_fstring = {id(n) for js in ast.walk(tree) if isinstance(js, ast.JoinedStr)
                      for n in ast.walk(js)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            arg = node.args[0]
            text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""
            func = node.func
            if (isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
                    and func.func.id == "gettext_for"):
                found.append((f"{rel}:{node.lineno}", "gettext_for(...)(...) call", text or ast.unparse(arg)))
            elif isinstance(func, ast.Name) and func.id == "_":
                if id(node) in in_fstring:
                    found.append((f"{rel}:{node.lineno}", "_() inside an f-string", text))
                elif not text:
                    found.append((f"{rel}:{node.lineno}", "_() of a non-literal", ast.unparse(arg)))
    return found


def test_the_source_has_interface_strings():
    """Guards the tests below against an extraction that silently finds nothing."""
    msgids = source_msgids()
    assert len(msgids) > 80
    assert {"Explore", "Trends", "Compare", "Codebook", "About", "Answer"} <= set(msgids)


def test_interface_strings_are_extractable():
    """A string the extractor cannot see never reaches the catalogs: visitors get English."""
    extracted = source_msgids()
    problems = [f"{where}: {problem}: {text!r}" for where, problem, text in unextractable_strings()
                if text not in extracted]  # a text also marked elsewhere does get translated
    assert problems == [], (
        "mark interface strings as _(\"literal\") with `_ = gettext_for(lang)`:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("folder", sorted(CATALOG_LOCALES))
def test_every_interface_string_is_translated(folder):
    cat = catalog(folder)
    problems = []
    for msgid, where in sorted(source_msgids().items()):
        message = cat.get(msgid)
        if message is None or not message.string:
            problems.append(f"untranslated {msgid!r} ({where[0]})")
        elif message.fuzzy:
            problems.append(f"fuzzy {msgid!r} ({where[0]}): check it and drop the fuzzy flag")
        elif placeholders(message.string) != placeholders(msgid):
            problems.append(f"placeholders differ in {msgid!r}: {message.string!r}")
    assert problems == [], (
        f"{folder}: {len(problems)} problem(s); re-extract (see babel.cfg) and translate:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("folder", sorted(CATALOG_LOCALES))
def test_catalog_compiles_without_errors(folder):
    """`pybabel compile` (make install) runs these checks and fails the build on any error.

    Babel flags a msgid as %-format when '%' is followed by what reads as a conversion ('95% c'
    in '95% confidence', '100% s' in '100% stacked'), then demands the same in every translation.
    The cure is in the source text: 'Stacked to 100%', 'confidence interval (95%)'.
    """
    errors = [f"{message.id!r}: {error}" for message, errs in catalog(folder).check() for error in errs]
    assert errors == [], "pybabel compile would fail (see this test's docstring):\n" + "\n".join(errors)


def test_translations_are_loaded_at_run_time():
    assert gettext_for("sq")("Explore") == "Eksploro"
    assert gettext_for("sr-Latn")("Explore") == "Istraži"
    assert gettext_for("sr-Cyrl")("Explore") == "Истражи"
    assert gettext_for("en")("Explore") == "Explore"
    assert gettext_for("xx")("Explore") == "Explore"
    assert gettext_for("sq")("Base: n = {n}").format(n=12) == "Baza: n = 12"


def test_cyrillic_catalog_is_the_latin_one_transliterated():
    latin, cyrillic = catalog("sr_Latn"), catalog("sr_Cyrl")
    problems = []
    for message in cyrillic:
        if not message.id or not message.string:
            continue
        expected = latin.get(message.id).string
        if cyrillic_to_latin(message.string) != expected:
            problems.append(f"{message.id!r}: {message.string!r} does not read as {expected!r}")
        left_latin = re.findall(r"[A-Za-zčćžšđČĆŽŠĐ]+", LATIN_IN_CYRILLIC.sub("", message.string))
        if left_latin:
            problems.append(f"{message.id!r}: Latin left in the Cyrillic text: {left_latin}")
    assert problems == [], "\n".join(problems)


# -- codebook labels --------------------------------------------------------------------------


def texts_in(node: object, path: str = "codebook"):
    """Every `Text` in a codebook, with the dotted path to it."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts_in(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from texts_in(value, f"{path}.{key}")
    elif isinstance(node, tuple | list):
        for i, value in enumerate(node):
            label = getattr(value, "id", None) or getattr(value, "code", None) or i
            yield from texts_in(value, f"{path}[{label}]")


def test_shipped_codebook_labels_have_albanian_and_serbian():
    assert SHIPPED_CODEBOOK.exists(), f"{SHIPPED_CODEBOOK} is missing"
    codebook = load_codebook(SHIPPED_CODEBOOK)
    texts = list(texts_in(codebook))
    kinds = {re.sub(r"\[[^]]*\]", "", p).split(".")[-1] for p, _t in texts}
    assert {"title", "citation", "name", "label", "question", "short"} <= kinds
    problems = []
    for path, text in texts:
        if not text.sq:
            problems.append(f"{path}: no sq (en: {text.en!r})")
        if not (text.sr_latn or text.sr_cyrl):
            problems.append(f"{path}: no sr-Latn or sr-Cyrl (en: {text.en!r})")
        for lang, value in (("sq", text.sq), ("sr", text.sr_latn or text.sr_cyrl)):
            if value and value == text.en and len(text.en.split()) >= 3:
                problems.append(f"{path}: the {lang} text is the English one: {value!r}")
    assert problems == [], f"{len(problems)} codebook label(s) untranslated:\n" + "\n".join(problems)


# -- locale formatting ------------------------------------------------------------------------

PERCENT_CASES = [  # (lang, value, digits, as a reader of that language writes it)
    ("en", 45.3, 1, "45.3%"),
    ("sq", 45.3, 1, "45,3%"),
    ("sr-Latn", 45.3, 1, "45,3%"),
    ("sr-Cyrl", 45.3, 1, "45,3%"),
    ("en", 7.0, 0, "7%"),
    ("sq", 99.96, 1, "100,0%"),
    ("sr-Latn", 0.25, 2, "0,25%"),
]


@pytest.mark.parametrize(("lang", "value", "digits", "written"), PERCENT_CASES)
def test_format_percent(lang, value, digits, written):
    assert format_percent(value, lang, digits) == written


@pytest.mark.parametrize("lang", ["en", "sq", "sr-Latn", "sr-Cyrl"])
def test_format_percent_follows_cldr(lang):
    """The decimal symbol and the percent sign come from the locale's CLDR data."""
    locale = Locale.parse(lang.replace("-", "_"))
    decimal = format_decimal(Decimal("45.3"), format="0.0", locale=locale)
    sign = locale.number_symbols["latn"]["percentSign"]
    assert format_percent(45.3, lang) == decimal + sign
    assert decimal == ("45.3" if lang == "en" else "45,3")


NUMBER_CASES = [
    ("en", 12345.67, 1, "12,345.7"),
    ("sq", 12345.67, 1, "12\u00a0345,7"),
    ("sr-Latn", 12345.67, 1, "12.345,7"),
    ("sr-Cyrl", 1500, 0, "1.500"),
    ("en", 1500, 0, "1,500"),
]


@pytest.mark.parametrize(("lang", "value", "digits", "written"), NUMBER_CASES)
def test_format_number(lang, value, digits, written):
    assert format_number(value, lang, digits) == written
    babel_locale = lang.replace("-", "_")
    assert written == format_decimal(round(Decimal(str(value)), digits), locale=babel_locale)


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_values_format_as_a_dash(missing):
    assert format_percent(missing, "sq") == "–"
    assert format_number(missing, "sr-Latn") == "–"


# -- language choice --------------------------------------------------------------------------

ACCEPT_LANGUAGE_CASES = [
    ("sq-AL,sq;q=0.9", "sq"),
    ("sr-Cyrl-RS", "sr-Cyrl"),
    ("sr", "sr-Latn"),
    ("sr-Latn-RS,sr;q=0.9", "sr-Latn"),
    ("de-DE", "en"),
    ("de-DE,de;q=0.9,sr;q=0.5", "sr-Latn"),
    ("en-US,en;q=0.9,sq;q=0.8", "en"),
    ("en;q=0.3,sq;q=0.8", "sq"),
    ("sq;q=0,sr-Cyrl;q=0.2", "sr-Cyrl"),
    ("hr-HR", "sr-Latn"),
    ("*", "en"),
    ("", "en"),
    (None, "en"),
]


@pytest.mark.parametrize(("header", "lang"), ACCEPT_LANGUAGE_CASES)
def test_negotiate_lang(header, lang):
    assert negotiate_lang(header) == lang


NORMALISE_CASES = [
    ("en", "en"),
    ("sq", "sq"),
    ("SQ", "sq"),
    ("sq-AL", "sq"),
    ("sr", "sr-Latn"),
    ("sr-latn", "sr-Latn"),
    ("sr_Latn", "sr-Latn"),
    ("sr-Cyrl", "sr-Cyrl"),
    ("SR-CYRL", "sr-Cyrl"),
    ("sr_Cyrl", "sr-Cyrl"),
    ("sr-Cyrl-BA", "sr-Cyrl"),
    ("sr-RS", "sr-Latn"),
    ("fr", "en"),
    ("", "en"),
    (None, "en"),
]


@pytest.mark.parametrize(("given", "lang"), NORMALISE_CASES)
def test_normalise_lang(given, lang):
    assert normalise_lang(given) == lang



@settings(max_examples=400, deadline=None)
@given(value=st.one_of(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
                       st.integers(-10_000, 10_000).map(lambda k: k / 1000),
                       st.integers(-10_000, 10_000).map(lambda k: k / 100 + 0.005)),
       digits=st.integers(0, 2), lang=st.sampled_from(["en", "sq", "sr-Latn"]))
def test_format_number_equals_babel(value, digits, lang):
    """The fast path (Python's correctly rounded formatting, ties sent to Decimal) writes what
    Babel's format_decimal writes, ties and negative numbers included."""
    locale = Locale.parse(lang.replace("-", "_"))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    expected = format_decimal(Decimal(str(value)), format=pattern, locale=locale)
    assert format_number(value, lang, digits) == expected
