"""How each (country, year) delivery file is laid out: the real-world mess, declared as data.

Fieldwork agencies differ in variable naming, label language and script, answer codes, the
codes for don't know / refused (and whether SPSS declares them user-missing), the weight
variable's name, how age is delivered, and the file format. The codebook reconciles all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from barometer.demo.spec import COUNTRIES, YEARS

Naming = Literal["Q", "q", "P"]
MissingStyle = Literal["8_9", "98_99", "neg"]
Script = Literal["sq", "sr-Cyrl", "sr-Latn"]

MISSING_CODES: dict[str, tuple[int, int]] = {"8_9": (8, 9), "98_99": (98, 99), "neg": (-1, -2)}
"""(don't know, refused) codes of each style."""

# Demographic variable names per agency (`age_band` only where age arrives in bands).
_ALBANIAN_NAMES = {
    "gender": "gjinia", "age": "mosha", "age_band": "mosha_gr", "education": "arsimi",
    "settlement": "vendbanimi", "region": "qarku", "ethnicity": "etnia",
    "employment": "punesimi", "income": "te_ardhurat",
}  # fmt: skip
_AGENCY_NAMES = {
    "gender": "D1", "age": "D2", "age_band": "D2_gr", "education": "D3", "settlement": "D4",
    "region": "D5", "ethnicity": "D6", "employment": "D7", "income": "D8",
}  # fmt: skip
_SERBIAN_NAMES = {
    "gender": "pol", "age": "starost", "age_band": "starost_gr", "education": "obrazovanje",
    "settlement": "tip_naselja", "region": "region", "ethnicity": "nacionalnost",
    "employment": "radni_status", "income": "prihodi",
}  # fmt: skip


@dataclass(frozen=True)
class Delivery:
    country: str
    year: int
    format: Literal["sav", "zsav", "dta"]
    naming: Naming
    missing: MissingStyle
    declare_missing: bool  # SPSS user-missing declared for the DK/RA codes
    script: Script
    weight: str
    respondent_id: str
    demographic_names: dict[str, str]
    reversed_trust: bool = False  # trust coded 1 = no trust at all ... 4 = full trust
    age_in_bands: bool = False
    strata: str | None = None
    psu: str | None = None

    @property
    def id(self) -> str:
        return f"{self.country}_{self.year}"

    @property
    def file_name(self) -> str:
        return f"{self.id}.{self.format}"

    @property
    def dk_code(self) -> int:
        return MISSING_CODES[self.missing][0]

    @property
    def refused_code(self) -> int:
        return MISSING_CODES[self.missing][1]

    def variable(self, number: int, sub: int | None = None) -> str:
        """The questionnaire variable name in this agency's style: Q12_3, q12c or P12_3."""
        if sub is None:
            return f"{self.naming}{number}"
        if self.naming == "q":
            return f"q{number}{chr(ord('a') + sub - 1)}"
        return f"{self.naming}{number}_{sub}"


def _delivery(country: str, year: int, **overrides) -> Delivery:
    base: dict = {
        "AL": dict(format="sav", naming="q" if year < 2023 else "Q", missing="8_9" if year < 2024 else "98_99",
                   declare_missing=year >= 2023, script="sq", weight="pesha", respondent_id="id_resp",
                   demographic_names=_ALBANIAN_NAMES),
        "XK": dict(format="sav", naming="Q", missing="98_99" if year < 2023 else "neg",
                   declare_missing=year in (2023, 2024), script="sq", weight="weight", respondent_id="respid",
                   demographic_names=_AGENCY_NAMES),
        "RS": dict(format="sav", naming="P", missing="8_9", declare_missing=year != 2023,
                   script="sr-Cyrl" if year == 2021 else "sr-Latn", weight="ponder",
                   respondent_id="ispitanik", demographic_names=_SERBIAN_NAMES, reversed_trust=True),
    }[country]
    if year == 2025:
        base |= {"strata": {"AL": "shtresa", "XK": "strata", "RS": "stratum"}[country], "psu": "psu"}
    return Delivery(country=country, year=year, **(base | overrides))


_OVERRIDES: dict[tuple[str, int], dict] = {
    ("AL", 2022): {"age_in_bands": True},
    ("AL", 2024): {"format": "zsav"},
    ("XK", 2022): {"format": "dta"},  # Stata: no user-missing, plain 98/99 codes
}

DELIVERIES: tuple[Delivery, ...] = tuple(
    _delivery(c, y, **_OVERRIDES.get((c, y), {})) for c in COUNTRIES for y in YEARS
)
