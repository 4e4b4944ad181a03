"""Languages: gettext catalogs for interface strings (managed with Babel) and locale formatting.

Interface strings are marked `_("...")` where a language is known and translated through the
`.po` catalogs in `barometer/locale/`. The `.mo` files are compiled by `make install`
(`pybabel compile`); when they are missing, the `.po` file is compiled in memory, so a fresh
checkout still speaks every language.
"""

from __future__ import annotations

import gettext
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

from barometer.codebook import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANG = "en"
_BABEL_LOCALE = {"en": "en", "sq": "sq", "sr-Latn": "sr_Latn", "sr-Cyrl": "sr_Cyrl"}
LANGUAGE_NAMES = {
    "en": "English",
    "sq": "Shqip",
    "sr-Latn": "Srpski",
    "sr-Cyrl": "Српски",
}


def normalise_lang(lang: str | None) -> str:
    """A supported language code for `lang` (case-insensitive, `sr` -> `sr-Latn`), else English."""
    if lang in LANGUAGES:  # the common case, on every formatted number of a table
        return lang
    return _normalised(lang)


@cache
def _normalised(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANG
    key = lang.strip().replace("_", "-").lower()
    for code in LANGUAGES:
        if key == code.lower():
            return code
    primary = key.split("-", 1)[0]
    if primary == "sr":
        return "sr-Cyrl" if "cyrl" in key.split("-") else "sr-Latn"
    if primary == "sq":
        return "sq"
    return DEFAULT_LANG


def negotiate_lang(accept_language: str | None) -> str:
    """The best supported language for an Accept-Language header, falling back to English."""
    if not accept_language:
        return DEFAULT_LANG
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((-quality, i, tag))
    for neg_quality, _i, tag in sorted(weighted):
        if neg_quality >= 0:
            continue
        code = tag.lower()
        if code.startswith("sr") and "cyrl" in code:
            return "sr-Cyrl"
        if code.startswith(("sr", "sh", "bs", "hr", "cnr")):
            return "sr-Latn"
        if code.startswith("sq"):
            return "sq"
        if code.startswith("en"):
            return "en"
    return DEFAULT_LANG


def choose_lang(requested: str | None, accept_language: str | None) -> str:
    """The URL's `lang` when given, else the browser's Accept-Language, else English."""
    return normalise_lang(requested) if requested else negotiate_lang(accept_language)


def _catalog_dir(lang: str) -> Path:
    return LOCALE_DIR / _BABEL_LOCALE[lang] / "LC_MESSAGES"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations of `lang` (English: the identity)."""
    lang = normalise_lang(lang)
    if lang == DEFAULT_LANG:
        return gettext.NullTranslations()
    folder = _catalog_dir(lang)
    mo, po = folder / "messages.mo", folder / "messages.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=_BABEL_LOCALE[lang])
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def gettext_for(lang: str) -> Callable[[str], str]:
    """The `_` function of a language."""
    return translations(normalise_lang(lang)).gettext


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a text for translation where it is declared (a table of parameters, pages); Babel
    extracts it, and `translate` gives it in a language where it is shown."""
    return text


def translate(text: str, lang: str) -> str:
    """A text marked with `N_` where it was declared, in `lang`."""
    return translations(normalise_lang(lang)).gettext(text)


def babel_locale(lang: str) -> Locale:
    return Locale.parse(_BABEL_LOCALE[normalise_lang(lang)])


@dataclass(frozen=True)
class NumberSymbols:
    """A locale's number symbols (from Babel's CLDR data), read once per language."""

    decimal: str
    group: str
    minus: str
    percent: str

    @classmethod
    @cache
    def of(cls, lang: str) -> NumberSymbols:
        locale = babel_locale(lang)
        return cls(get_decimal_symbol(locale), get_group_symbol(locale),
                   get_minus_sign_symbol(locale), locale.number_symbols["latn"]["percentSign"])


def _missing(value) -> bool:
    """None, NaN or pandas' NA: a figure that is not there (or not shown)."""
    if type(value) is float:  # the common case first
        return value != value
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and math.isnan(value)


def _correctly_rounded(value, digits: int) -> tuple[str, bool] | None:
    """(digits, negative) of a float by Python's correctly rounded formatting, which equals
    rounding its shortest decimal form half-even unless that form ends in a 5 just past the
    last digit kept (a tie: None, and the caller takes the Decimal path)."""
    if type(value) is not float and not isinstance(value, float):
        return None
    shown = repr(float(value))
    if "e" in shown or "n" in shown:  # exponent, nan, inf
        return None
    fraction = shown.partition(".")[2]
    if len(fraction) == digits + 1 and fraction.endswith("5"):
        return None
    return format(abs(value), f",.{digits}f"), math.copysign(1.0, value) < 0


def format_number(value: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A number with the locale's decimal and grouping symbols: the result of Babel's
    `format_decimal(value, "#,##0.0…")`, rounded half-even from `str(value)` as Babel does, but
    without re-parsing the pattern for every cell of a table."""
    if _missing(value):
        return "–"
    symbols = NumberSymbols.of(normalise_lang(lang))
    fast = _correctly_rounded(value, digits)
    if fast is not None:
        text, negative = fast
        text = text.replace(",", "\0").replace(".", symbols.decimal).replace("\0", symbols.group)
        return (symbols.minus if negative else "") + text
    number = Decimal(str(value))
    text = format(abs(number), f",.{digits}f")
    text = text.replace(",", "\0").replace(".", symbols.decimal).replace("\0", symbols.group)
    return (symbols.minus if number.is_signed() else "") + text


def format_percent(value: float | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A percentage (0-100) in the locale's style: 45.3% in English, 45,3% in Albanian."""
    if _missing(value):
        return "–"
    return format_number(value, lang, digits) + NumberSymbols.of(normalise_lang(lang)).percent


LATIN_IN_CYRILLIC = re.compile(
    r"\{[^{}]*\}|`[^`]*`|Σw²?|\b(?:CSV|XLSX|SVG|PNG|JSON|API|n|p|police|siguri)\b")
"""Latin that rightly stays Latin in the Cyrillic catalog: placeholders, `code` spans (values and
options), file formats, statistical symbols, and the search examples that show a query in
another language."""


def cyrillic_from_latin(text: str) -> str:
    """Serbian Latin interface text in Cyrillic, keeping `LATIN_IN_CYRILLIC` as written."""
    from barometer.translit import latin_to_cyrillic

    out, last = [], 0
    for match in LATIN_IN_CYRILLIC.finditer(text):
        out += [latin_to_cyrillic(text[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(out) + latin_to_cyrillic(text[last:])


def derive_cyrillic_catalog(locale_dir: Path = LOCALE_DIR) -> int:
    """Rewrite the sr_Cyrl catalog as the sr_Latn one transliterated (`make i18n-update`);
    returns the number of messages written. Placeholders like {name} are kept."""
    from babel.messages.pofile import write_po

    with (locale_dir / "sr_Latn" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        latin = read_po(fh, locale="sr_Latn")
    target = locale_dir / "sr_Cyrl" / "LC_MESSAGES" / "messages.po"
    with target.open("rb") as fh:
        cyrillic = read_po(fh, locale="sr_Cyrl")
    count = 0
    for message in latin:
        if not message.id:
            continue
        text = message.string
        converted = cyrillic_from_latin(text) if text else ""
        existing = cyrillic.get(message.id)
        if existing is None:
            cyrillic.add(message.id, converted, flags=message.flags)
        else:
            existing.string, existing.flags = converted, set(message.flags)
        count += 1
    for message in list(cyrillic):
        if message.id and message.id not in latin:
            cyrillic.delete(message.id)
    with target.open("wb") as fh:
        write_po(fh, cyrillic, width=76, omit_header=False)
    return count
