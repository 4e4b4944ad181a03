"""What the assistant can read and be asked besides its tools: the codebook and the method as
resources (in each language), and a prompt for a news summary that carries the honesty rules
(intervals, small bases, demonstration data never reported as findings)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from barometer.assistant.tools import MAX_ROWS, Assistant
from barometer.i18n import LANGUAGE_NAMES
from barometer.present.documents import indicators_document
from barometer.present.methods import methods_text

SCHEME = "barometer"
LANGS = tuple(LANGUAGE_NAMES)


@dataclass(frozen=True)
class ResourceSpec:
    """A readable document: its URI (English; `{uri}/{lang}` for another language)."""

    name: str
    uri: str
    mime_type: str
    description: str


RESOURCES = (
    ResourceSpec("codebook", f"{SCHEME}://codebook", "application/json",
                 "Every survey question: id, wording, answer categories, nets, bands, topic and "
                 "the countries and years where it was asked (as /api/v1/indicators gives it). "
                 f"In another language: {SCHEME}://codebook/{{lang}} (lang: "
                 f"{', '.join(LANGS)})."),
    ResourceSpec("methods", f"{SCHEME}://methods", "text/markdown",
                 "How every figure is computed: sample, weights, margins of error and their "
                 "formulas, significance tests, the small-base rule, the data version (as the "
                 f"About page says it). In another language: {SCHEME}://methods/{{lang}}."),
)


class UnknownResource(LookupError):
    """A URI that names no resource."""


def read_resource(assistant: Assistant, uri: str) -> tuple[str, str]:
    """(mime type, text) of a resource URI."""
    name, _, lang = uri.removeprefix(f"{SCHEME}://").partition("/")
    lang = lang or "en"
    spec = next((r for r in RESOURCES if r.name == name), None)
    if not uri.startswith(f"{SCHEME}://") or spec is None or lang not in LANGS:
        known = ", ".join(f"{r.uri}[/{{lang}}]" for r in RESOURCES)
        raise UnknownResource(f"no resource {uri[:120]!r}; there are {known}, lang one of "
                              f"{', '.join(LANGS)}")
    dataset = assistant.dataset
    if name == "codebook":
        doc = indicators_document(dataset, lang, assistant.years, assistant.available)
        return spec.mime_type, json.dumps(doc, ensure_ascii=False)
    return spec.mime_type, methods_text(assistant.codebook, dataset.version, len(dataset),
                                        len(assistant.codebook.sources), lang)


# -- the news prompt ---------------------------------------------------------------------------

NEWS_PROMPT = "summarise_for_news"
NEWS_PROMPT_HELP = ("Summarise one survey question for a news story, with every figure's "
                    "interval and base, its caveats, the citation and the link.")
NEWS_ARGUMENTS = (
    ("indicator", "The question: an indicator id (search_indicators finds one).", True),
    ("country", "Country codes, comma-separated (default: every country).", False),
    ("year", "Survey year (default: the latest).", False),
    ("lang", f"Language of the story: {', '.join(LANGS)} (default: en).", False),
)


def news_prompt(assistant: Assistant, arguments: dict[str, str]) -> str:
    """The instructions for a news summary of one question, with the honesty rules and the
    facts of these data (demonstration or not, thresholds) written in."""
    indicator = (arguments.get("indicator") or "").strip()
    if indicator not in assistant.codebook.by_id:
        raise ValueError(f"indicator {indicator[:80]!r} is not an indicator id; "
                         "search_indicators finds ids")
    ind = assistant.codebook.indicator(indicator)
    lang = arguments.get("lang") or "en"
    if lang not in LANGS:
        raise ValueError(f"lang {lang[:20]!r} is not one of {', '.join(LANGS)}")
    country = (arguments.get("country") or "").strip()
    year = (arguments.get("year") or "").strip()
    where = {"indicator": indicator, **({"country": country} if country else {}),
             **({"year": year} if year else {})}
    thresholds = assistant.codebook.dataset.thresholds
    call = json.dumps(where)
    lines = [
        f"Write a short news summary (about 150 words, in {LANGUAGE_NAMES[lang]}) of the survey "
        f"question `{indicator}`: \"{ind.question.get('en')}\".",
        "",
        "Get the figures from the tools, never from memory:",
        f"1. describe_indicator {json.dumps({'indicator': indicator})} for the wording and "
        "answers.",
        f"2. frequencies {call} for the answers by country; compare with pool \"equal\" for a "
        "regional figure; trend for change across years; crosstab with `by` (gender, "
        "age_group, education, …) for differences between groups.",
        "",
        "Honesty rules (all of them):",
        "- Give every percentage with its 95% confidence interval (ci_low to ci_high), or as "
        "± the margin of error; never a bare number.",
        "- Say how many people answered (base_n). A row marked `small` (base under "
        f"{thresholds.small_base}) is uncertain: say so beside it. A row marked `suppressed` "
        f"(base under {thresholds.min_base}) has no figures: never estimate or fill them in.",
        "- Call a difference between countries, groups or years real only when the intervals do "
        "not overlap, or the significance letters (`sig`) or the test (p < 0.05) say so; "
        "otherwise say the figures are within the margin of error of each other.",
        "- Say whether the figures are weighted, who is left out of the base (don't know, "
        "refused) and any pooling rule: read `base_note` and `notes`.",
        "- Do not round intervals away, do not add causes the data do not show, and quote the "
        "question's wording.",
        "- End with the citation and the permalink from the tool answer, so that readers can "
        "check every number.",
        f"- Tool answers hold at most {MAX_ROWS} rows; ask for fewer countries or years rather "
        "than guessing the rest.",
    ]
    if assistant.dataset.synthetic:
        lines += [
            "",
            "IMPORTANT: the data on this server are SYNTHETIC demonstration data (`synthetic`: "
            "true in every answer). Every figure is invented. Do not present any of them as a "
            "finding about real people or countries: open the text by saying it is a "
            "demonstration built on invented data, and write it only as an example of the "
            "format.",
        ]
    else:
        lines += ["", "If an answer says `synthetic`: true, its figures are invented "
                      "demonstration data: never report them as findings."]
    return "\n".join(lines)
