"""The demonstration questionnaire as data: scales, items, demographics and their translations.

Each text is given in English, Albanian and Serbian (Latin script; Cyrillic is derived). Model
parameters sit next to each item: `loadings` on the latent factors, `effects` of demographic
covariates, an `intercept` (positive = towards the first category) or, for nominal and
multiple-response items, one (intercept, loadings) utility per category. All numbers are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

COUNTRIES: tuple[str, ...] = ("AL", "XK", "RS")
YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
RESPONDENTS_PER_FILE = 1500

FACTORS: tuple[str, ...] = ("trust", "insecurity", "west", "tradition")
"""Latent respondent traits: institutional trust, perceived insecurity, pro-EU/Western
orientation, traditional values."""

COVARIATES: tuple[str, ...] = ("female", "age10", "higher_edu", "primary_edu", "rural")
"""Demographic covariates of the model; `age10` is (age - 45) / 10."""


@dataclass(frozen=True)
class Tr:
    """A text in English, Albanian and Serbian Latin."""

    en: str
    sq: str
    sr: str

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "sq": self.sq, "sr-Latn": self.sr}


@dataclass(frozen=True)
class Cat:
    code: str
    label: Tr


@dataclass(frozen=True)
class NetSpec:
    code: str
    label: Tr
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    """Substantive answer categories in natural order (DK/refused are added where asked)."""

    id: str
    categories: tuple[Cat, ...]
    nets: tuple[NetSpec, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)


@dataclass(frozen=True)
class Utility:
    """One category's utility in a nominal or multiple-response item."""

    intercept: float
    loadings: dict[str, float] = field(default_factory=dict)
    effects: dict[str, float] = field(default_factory=dict)


ItemType = Literal["ordinal", "single", "multiple"]


@dataclass(frozen=True)
class Item:
    """One substantive question: texts, scale, where it sits in the questionnaire, its model."""

    id: str
    topic: str
    type: ItemType
    scale: str
    question: Tr
    short: Tr
    number: int
    sub: int | None = None
    intercept: float = 0.0
    loadings: dict[str, float] = field(default_factory=dict)
    effects: dict[str, float] = field(default_factory=dict)
    utilities: tuple[Utility, ...] = ()
    countries: tuple[str, ...] = COUNTRIES
    since: int = YEARS[0]
    dk: float = 0.05
    choices: int = 3  # multiple response: at most this many options chosen

    def asked(self, country: str, year: int) -> bool:
        return country in self.countries and year >= self.since


def t(en: str, sq: str, sr: str) -> Tr:
    return Tr(en, sq, sr)


DK_CATEGORY = Cat("dk", t("Don't know", "Nuk e di", "Ne znam"))
REFUSED_CATEGORY = Cat("refused", t("Refused", "Refuzon të përgjigjet", "Odbija da odgovori"))
SELECTED = t("Selected", "U zgjodh", "Izabrano")
NOT_SELECTED = t("Not selected", "Nuk u zgjodh", "Nije izabrano")


def _scale(scale_id: str, cats: list[tuple[str, Tr]], nets: list[tuple[str, Tr, tuple]] = ()) -> Scale:
    return Scale(
        scale_id,
        tuple(Cat(code, label) for code, label in cats),
        tuple(NetSpec(code, label, tuple(codes)) for code, label, codes in nets),
    )


_SCALE_LIST: list[Scale] = [
    _scale(
        "trust",
        [
            ("full", t("Full trust", "Besim të plotë", "Potpuno poverenje")),
            ("some", t("Some trust", "Njëfarë besimi", "Delimično poverenje")),
            ("little", t("Little trust", "Pak besim", "Malo poverenja")),
            ("none", t("No trust at all", "Aspak besim", "Nimalo poverenja")),
        ],
        [
            ("trust", t("Trust (full + some)", "Besim (të plotë + njëfarë)", "Poverenje (potpuno + delimično)"), ("full", "some")),
            ("no_trust", t("No trust (little + none)", "Mosbesim (pak + aspak)", "Nepoverenje (malo + nimalo)"), ("little", "none")),
        ],
    ),
    _scale(
        "safety",
        [
            ("very_safe", t("Very safe", "Shumë i/e sigurt", "Veoma bezbedno")),
            ("fairly_safe", t("Fairly safe", "Disi i/e sigurt", "Uglavnom bezbedno")),
            ("fairly_unsafe", t("Fairly unsafe", "Disi i/e pasigurt", "Uglavnom nebezbedno")),
            ("very_unsafe", t("Very unsafe", "Shumë i/e pasigurt", "Veoma nebezbedno")),
        ],
        [
            ("safe", t("Safe (very + fairly)", "I/e sigurt (shumë + disi)", "Bezbedno (veoma + uglavnom)"), ("very_safe", "fairly_safe")),
            ("unsafe", t("Unsafe (fairly + very)", "I/e pasigurt (disi + shumë)", "Nebezbedno (uglavnom + veoma)"), ("fairly_unsafe", "very_unsafe")),
        ],
    ),
    _scale(
        "likelihood",
        [
            ("very_likely", t("Very likely", "Shumë e mundshme", "Veoma verovatno")),
            ("somewhat_likely", t("Somewhat likely", "Disi e mundshme", "Donekle verovatno")),
            ("not_very_likely", t("Not very likely", "Jo shumë e mundshme", "Malo verovatno")),
            ("not_at_all_likely", t("Not at all likely", "Aspak e mundshme", "Nimalo verovatno")),
        ],
        [
            ("likely", t("Likely (very + somewhat)", "E mundshme (shumë + disi)", "Verovatno (veoma + donekle)"), ("very_likely", "somewhat_likely")),
        ],
    ),
    _scale(
        "threat",
        [
            ("big", t("A big threat", "Kërcënim i madh", "Velika pretnja")),
            ("moderate", t("A moderate threat", "Kërcënim i mesëm", "Umerena pretnja")),
            ("small", t("A small threat", "Kërcënim i vogël", "Mala pretnja")),
            ("none", t("No threat at all", "Aspak kërcënim", "Nikakva pretnja")),
        ],
        [
            ("threat", t("A threat (big + moderate)", "Kërcënim (i madh + i mesëm)", "Pretnja (velika + umerena)"), ("big", "moderate")),
        ],
    ),
    _scale(
        "widespread",
        [
            ("very", t("Very widespread", "Shumë i përhapur", "Veoma rasprostranjena")),
            ("fairly", t("Fairly widespread", "Disi i përhapur", "Donekle rasprostranjena")),
            ("not_very", t("Not very widespread", "Jo shumë i përhapur", "Malo rasprostranjena")),
            ("not_at_all", t("Not at all widespread", "Aspak i përhapur", "Nimalo rasprostranjena")),
        ],
        [
            ("widespread", t("Widespread (very + fairly)", "I përhapur (shumë + disi)", "Rasprostranjena (veoma + donekle)"), ("very", "fairly")),
        ],
    ),
    _scale(
        "agree",
        [
            ("strongly_agree", t("Strongly agree", "Pajtohem plotësisht", "Potpuno se slažem")),
            ("somewhat_agree", t("Somewhat agree", "Pajtohem deri diku", "Uglavnom se slažem")),
            ("somewhat_disagree", t("Somewhat disagree", "Kryesisht nuk pajtohem", "Uglavnom se ne slažem")),
            ("strongly_disagree", t("Strongly disagree", "Nuk pajtohem aspak", "Uopšte se ne slažem")),
        ],
        [
            ("agree", t("Agree (strongly + somewhat)", "Pajtohen (plotësisht + deri diku)", "Slažu se (potpuno + uglavnom)"), ("strongly_agree", "somewhat_agree")),
            ("disagree", t("Disagree (somewhat + strongly)", "Nuk pajtohen (kryesisht + aspak)", "Ne slažu se (uglavnom + uopšte)"), ("somewhat_disagree", "strongly_disagree")),
        ],
    ),
    _scale(
        "support",
        [
            ("strongly_support", t("Strongly support", "E mbështes fuqishëm", "Snažno podržavam")),
            ("somewhat_support", t("Somewhat support", "E mbështes deri diku", "Donekle podržavam")),
            ("somewhat_oppose", t("Somewhat oppose", "E kundërshtoj deri diku", "Donekle se protivim")),
            ("strongly_oppose", t("Strongly oppose", "E kundërshtoj fuqishëm", "Snažno se protivim")),
        ],
        [
            ("support", t("Support (strongly + somewhat)", "Mbështetje (fuqishëm + deri diku)", "Podrška (snažno + donekle)"), ("strongly_support", "somewhat_support")),
            ("oppose", t("Oppose (somewhat + strongly)", "Kundërshtim (deri diku + fuqishëm)", "Protivljenje (donekle + snažno)"), ("somewhat_oppose", "strongly_oppose")),
        ],
    ),
    _scale(
        "favour",
        [
            ("very_favourable", t("Very favourable", "Shumë pozitiv", "Veoma pozitivno")),
            ("somewhat_favourable", t("Somewhat favourable", "Disi pozitiv", "Uglavnom pozitivno")),
            ("somewhat_unfavourable", t("Somewhat unfavourable", "Disi negativ", "Uglavnom negativno")),
            ("very_unfavourable", t("Very unfavourable", "Shumë negativ", "Veoma negativno")),
        ],
        [
            ("favourable", t("Favourable (very + somewhat)", "Pozitiv (shumë + disi)", "Pozitivno (veoma + uglavnom)"), ("very_favourable", "somewhat_favourable")),
        ],
    ),
    _scale(
        "relations",
        [
            ("very_good", t("Very good", "Shumë të mira", "Veoma dobri")),
            ("fairly_good", t("Fairly good", "Disi të mira", "Uglavnom dobri")),
            ("fairly_bad", t("Fairly bad", "Disi të këqija", "Uglavnom loši")),
            ("very_bad", t("Very bad", "Shumë të këqija", "Veoma loši")),
        ],
        [
            ("good", t("Good (very + fairly)", "Të mira (shumë + disi)", "Dobri (veoma + uglavnom)"), ("very_good", "fairly_good")),
        ],
    ),
    _scale(
        "frequency",
        [
            ("often", t("Often", "Shpesh", "Često")),
            ("sometimes", t("Sometimes", "Ndonjëherë", "Ponekad")),
            ("rarely", t("Rarely", "Rrallë", "Retko")),
            ("never", t("Never", "Asnjëherë", "Nikada")),
        ],
        [
            ("at_least_sometimes", t("At least sometimes", "Të paktën ndonjëherë", "Bar ponekad"), ("often", "sometimes")),
        ],
    ),
    _scale(
        "concern",
        [
            ("very", t("Very concerned", "Shumë i/e shqetësuar", "Veoma zabrinut/a")),
            ("somewhat", t("Somewhat concerned", "Disi i/e shqetësuar", "Donekle zabrinut/a")),
            ("not_very", t("Not very concerned", "Jo shumë i/e shqetësuar", "Malo zabrinut/a")),
            ("not_at_all", t("Not at all concerned", "Aspak i/e shqetësuar", "Nimalo zabrinut/a")),
        ],
        [
            ("concerned", t("Concerned (very + somewhat)", "Të shqetësuar (shumë + disi)", "Zabrinuti (veoma + donekle)"), ("very", "somewhat")),
        ],
    ),
    _scale("yes_no", [("yes", t("Yes", "Po", "Da")), ("no", t("No", "Jo", "Ne"))]),
    _scale(
        "yes_no_depends",
        [
            ("yes", t("Yes", "Po", "Da")),
            ("no", t("No", "Jo", "Ne")),
            ("depends", t("It depends", "Varet", "Zavisi")),
        ],
    ),
    _scale(
        "eu_vote",
        [
            ("for", t("For membership", "Për anëtarësim", "Za članstvo")),
            ("against", t("Against membership", "Kundër anëtarësimit", "Protiv članstva")),
            ("would_not_vote", t("Would not vote", "Nuk do të votoja", "Ne bih glasao/la")),
        ],
    ),
    _scale(
        "eu_join_when",
        [
            ("within_5", t("Within 5 years", "Brenda 5 vjetëve", "U narednih 5 godina")),
            ("5-10", t("In 5 to 10 years", "Për 5 deri në 10 vjet", "Za 5 do 10 godina")),
            ("over_10", t("In more than 10 years", "Për më shumë se 10 vjet", "Za više od 10 godina")),
            ("never", t("Never", "Kurrë", "Nikada")),
        ],
    ),
    _scale(
        "dialogue_benefit",
        [
            ("kosovo", t("Kosovo", "Kosova", "Kosovo")),
            ("serbia", t("Serbia", "Serbia", "Srbija")),
            ("both", t("Both equally", "Të dyja njësoj", "Obe strane podjednako")),
            ("neither", t("Neither", "Asnjëra", "Nijedna strana")),
        ],
    ),
    _scale(
        "news_source",
        [
            ("tv", t("Television", "Televizioni", "Televizija")),
            ("online", t("Online news portals", "Portalet e lajmeve në internet", "Internet portali")),
            ("social", t("Social media", "Rrjetet sociale", "Društvene mreže")),
            ("radio", t("Radio", "Radio", "Radio")),
            ("print", t("Newspapers", "Gazetat", "Novine")),
            ("none", t("None of these", "Asnjëri prej tyre", "Nijedan od ovih")),
        ],
    ),
    _scale(
        "threats",
        [
            ("unemployment", t("Unemployment and poverty", "Papunësia dhe varfëria", "Nezaposlenost i siromaštvo")),
            ("corruption", t("Corruption", "Korrupsioni", "Korupcija")),
            ("organised_crime", t("Organised crime", "Krimi i organizuar", "Organizovani kriminal")),
            ("political_instability", t("Political instability", "Paqëndrueshmëria politike", "Politička nestabilnost")),
            ("neighbour_relations", t("Relations with a neighbouring country", "Marrëdhëniet me një shtet fqinj", "Odnosi sa susednom državom")),
            ("natural_disasters", t("Natural disasters and climate change", "Fatkeqësitë natyrore dhe ndryshimet klimatike", "Prirodne katastrofe i klimatske promene")),
            ("extremism", t("Terrorism and violent extremism", "Terrorizmi dhe ekstremizmi i dhunshëm", "Terorizam i nasilni ekstremizam")),
            ("emigration", t("Emigration", "Emigrimi", "Iseljavanje")),
            ("disinformation", t("Disinformation", "Dezinformimi", "Dezinformacije")),
        ],
    ),
    _scale(
        "radicalisation_drivers",
        [
            ("unemployment", t("Unemployment and poverty", "Papunësia dhe varfëria", "Nezaposlenost i siromaštvo")),
            ("religious_indoctrination", t("Religious indoctrination", "Indoktrinimi fetar", "Verska indoktrinacija")),
            ("online_propaganda", t("Propaganda online and on social media", "Propaganda në internet dhe në rrjetet sociale", "Propaganda na internetu i društvenim mrežama")),
            ("lack_of_education", t("Lack of education", "Mungesa e arsimimit", "Nedostatak obrazovanja")),
            ("social_exclusion", t("Social exclusion", "Përjashtimi social", "Socijalna isključenost")),
            ("political_grievances", t("Political grievances and injustice", "Pakënaqësitë politike dhe padrejtësia", "Političko nezadovoljstvo i nepravda")),
            ("foreign_influence", t("Foreign influence", "Ndikimi i huaj", "Strani uticaj")),
        ],
    ),
]
SCALES: MappingProxyType[str, Scale] = MappingProxyType({s.id: s for s in _SCALE_LIST})

SHARED_SCALES: tuple[str, ...] = (
    "trust", "safety", "likelihood", "threat", "widespread", "agree", "support", "favour",
    "relations", "frequency", "concern", "yes_no", "yes_no_depends",
)  # fmt: skip
"""Scales written once under the codebook's `scales:`; the others are inlined in their item."""

TOPICS: tuple[tuple[str, Tr], ...] = (
    ("safety", t("Safety and threats", "Siguria dhe kërcënimet", "Bezbednost i pretnje")),
    ("trust", t("Trust in institutions", "Besimi në institucione", "Poverenje u institucije")),
    ("corruption", t("Corruption and integrity", "Korrupsioni dhe integriteti", "Korupcija i integritet")),
    ("extremism", t("Violent extremism", "Ekstremizmi i dhunshëm", "Nasilni ekstremizam")),
    ("eu", t("EU and regional cooperation", "BE-ja dhe bashkëpunimi rajonal", "EU i regionalna saradnja")),
    ("dialogue", t("Kosovo–Serbia dialogue", "Dialogu Kosovë–Serbi", "Dijalog Kosova i Srbije")),
    ("gender", t("Gender and security", "Gjinia dhe siguria", "Rod i bezbednost")),
    ("disinformation", t("Disinformation and emerging threats", "Dezinformimi dhe kërcënimet e reja", "Dezinformacije i nove pretnje")),
    ("demographics", t("Demographics", "Të dhënat demografike", "Demografski podaci")),
)


# -- substantive items ----------------------------------------------------------------------------

_TRUST = t(
    "How much do you trust {en}?", "Sa besim keni te {sq}?", "Koliko imate poverenja u {sr}?"
)
# (id suffix, sub, object in en / sq (nominative) / sr (accusative), short, intercept, loadings)
_TRUST_BATTERY: list[tuple[str, Tr, Tr, float, dict[str, float], tuple[str, ...]]] = [
    ("police", t("the police", "policia", "policiju"), t("Police", "Policia", "Policija"), 0.5, {"trust": 0.9}, COUNTRIES),
    ("courts", t("the courts", "gjykatat", "sudove"), t("Courts", "Gjykatat", "Sudovi"), -0.4, {"trust": 1.0}, COUNTRIES),
    ("prosecution", t("the prosecution service", "prokuroria", "tužilaštvo"), t("Prosecution", "Prokuroria", "Tužilaštvo"), -0.4, {"trust": 1.0}, COUNTRIES),
    ("armed_forces", t("the armed forces (in Kosovo: the Kosovo Security Force)", "forcat e armatosura (në Kosovë: Forca e Sigurisë së Kosovës)", "oružane snage (na Kosovu: Kosovske bezbednosne snage)"), t("Armed forces", "Forcat e armatosura", "Oružane snage"), 0.9, {"trust": 0.7, "tradition": 0.3}, COUNTRIES),
    ("parliament", t("parliament", "parlamenti", "skupštinu"), t("Parliament", "Parlamenti", "Skupština"), -0.6, {"trust": 1.1}, COUNTRIES),
    ("government", t("the government", "qeveria", "vladu"), t("Government", "Qeveria", "Vlada"), -0.4, {"trust": 1.1}, COUNTRIES),
    ("president", t("the president", "presidenti", "predsednika"), t("President", "Presidenti", "Predsednik"), -0.1, {"trust": 1.0}, COUNTRIES),
    ("eu", t("the European Union", "Bashkimi Evropian", "Evropsku uniju"), t("European Union", "Bashkimi Evropian", "Evropska unija"), 0.1, {"trust": 0.5, "west": 0.9}, COUNTRIES),
    ("nato", t("NATO", "NATO", "NATO"), t("NATO", "NATO", "NATO"), 0.0, {"trust": 0.4, "west": 1.0}, COUNTRIES),
    ("intl_missions", t("the international missions in Kosovo (KFOR, EULEX)", "misionet ndërkombëtare në Kosovë (KFOR, EULEX)", "međunarodne misije na Kosovu (KFOR, EULEX)"), t("International missions", "Misionet ndërkombëtare", "Međunarodne misije"), 0.2, {"trust": 0.4, "west": 0.7}, ("XK",)),
    ("media", t("the media", "mediat", "medije"), t("Media", "Mediat", "Mediji"), -0.5, {"trust": 0.7}, COUNTRIES),
    ("religious", t("religious communities", "bashkësitë fetare", "verske zajednice"), t("Religious communities", "Bashkësitë fetare", "Verske zajednice"), 0.5, {"trust": 0.4, "tradition": 0.8}, COUNTRIES),
    ("civil_society", t("civil society organisations", "organizatat e shoqërisë civile", "organizacije civilnog društva"), t("Civil society", "Shoqëria civile", "Civilno društvo"), -0.1, {"trust": 0.6, "west": 0.3}, COUNTRIES),
]

_CORRUPTION = t(
    "How widespread is corruption in {en}?",
    "Sa i përhapur është korrupsioni në {sq}?",
    "Koliko je korupcija rasprostranjena u {sr}?",
)
_CORRUPTION_BATTERY: list[tuple[str, Tr, Tr, float]] = [
    ("police", t("the police", "polici", "policiji"), t("Police", "Policia", "Policija"), 0.3),
    ("courts", t("the courts", "gjykata", "sudovima"), t("Courts", "Gjykatat", "Sudovi"), 0.6),
    ("health", t("the health system", "sistemin shëndetësor", "zdravstvu"), t("Health system", "Sistemi shëndetësor", "Zdravstvo"), 0.8),
    ("customs", t("customs", "doganë", "carini"), t("Customs", "Dogana", "Carina"), 0.5),
    ("government", t("the government", "qeveri", "vladi"), t("Government", "Qeveria", "Vlada"), 0.7),
]

_VIEWS = t("What is your view of {en}?", "Çfarë mendimi keni për {sq}?", "Kakvo je vaše mišljenje o {sr}?")
_VIEWS_BATTERY: list[tuple[str, Tr, Tr, float, dict[str, float]]] = [
    ("eu", t("the European Union", "Bashkimin Evropian", "Evropskoj uniji"), t("View of the EU", "Mendimi për BE-në", "Mišljenje o EU"), 0.4, {"west": 1.0}),
    ("usa", t("the United States", "Shtetet e Bashkuara", "Sjedinjenim Američkim Državama"), t("View of the USA", "Mendimi për SHBA-në", "Mišljenje o SAD"), 0.2, {"west": 1.1}),
    ("russia", t("Russia", "Rusinë", "Rusiji"), t("View of Russia", "Mendimi për Rusinë", "Mišljenje o Rusiji"), -0.3, {"west": -1.0, "tradition": 0.3}),
    ("china", t("China", "Kinën", "Kini"), t("View of China", "Mendimi për Kinën", "Mišljenje o Kini"), 0.0, {"west": -0.4}),
    ("turkey", t("Turkey", "Turqinë", "Turskoj"), t("View of Turkey", "Mendimi për Turqinë", "Mišljenje o Turskoj"), 0.1, {"tradition": 0.5}),
]

_RELATIONS = t(
    "How would you describe relations between your country and {en}?",
    "Si do t'i përshkruanit marrëdhëniet ndërmjet vendit tuaj dhe {sq}?",
    "Kako biste opisali odnose između vaše zemlje i {sr}?",
)
# Relations with a neighbour are never asked in that neighbour itself.
_RELATIONS_BATTERY: list[tuple[str, Tr, Tr, tuple[str, ...]]] = [
    ("albania", t("Albania", "Shqipërisë", "Albanije"), t("Relations with Albania", "Marrëdhëniet me Shqipërinë", "Odnosi sa Albanijom"), ("XK", "RS")),
    ("kosovo", t("Kosovo", "Kosovës", "Kosova"), t("Relations with Kosovo", "Marrëdhëniet me Kosovën", "Odnosi sa Kosovom"), ("AL", "RS")),
    ("serbia", t("Serbia", "Serbisë", "Srbije"), t("Relations with Serbia", "Marrëdhëniet me Serbinë", "Odnosi sa Srbijom"), ("AL", "XK")),
]


def _fill(template: Tr, obj: Tr) -> Tr:
    return Tr(
        template.en.format(en=obj.en),
        template.sq.format(sq=obj.sq),
        template.sr.format(sr=obj.sr),
    )


def _prefixed(prefix: Tr, short: Tr) -> Tr:
    return Tr(f"{prefix.en}: {short.en}", f"{prefix.sq}: {short.sq}", f"{prefix.sr}: {short.sr}")


_TRUST_PREFIX = t("Trust", "Besimi", "Poverenje")
_CORRUPTION_PREFIX = t("Corruption", "Korrupsioni", "Korupcija")


def _items() -> list[Item]:
    items: list[Item] = [
        Item(
            "safe_neighbourhood", "safety", "ordinal", "safety",
            t("How safe do you feel in your neighbourhood?", "Sa të sigurt ndiheni në lagjen tuaj?", "Koliko se bezbedno osećate u svom komšiluku?"),
            t("Safety in the neighbourhood", "Siguria në lagje", "Bezbednost u komšiluku"),
            1, intercept=0.8, loadings={"insecurity": -1.0}, effects={"female": -0.15, "rural": 0.2}, dk=0.03,
        ),
        Item(
            "safe_at_night", "safety", "ordinal", "safety",
            t("How safe do you feel walking alone in your area at night?", "Sa të sigurt ndiheni kur ecni vetëm natën në zonën tuaj?", "Koliko se bezbedno osećate kada noću hodate sami u svom kraju?"),
            t("Safety walking alone at night", "Siguria kur ecni vetëm natën", "Bezbednost pri noćnom hodanju"),
            2, intercept=0.3, loadings={"insecurity": -1.1}, effects={"female": -0.5, "age10": -0.1}, dk=0.03,
        ),
        Item(
            "security_threats", "safety", "multiple", "threats",
            t("What are the three biggest threats to your country's security? (up to three answers)", "Cilat janë tri kërcënimet më të mëdha për sigurinë e vendit tuaj? (deri në tri përgjigje)", "Koje su tri najveće pretnje bezbednosti vaše zemlje? (do tri odgovora)"),
            t("Biggest security threats", "Kërcënimet më të mëdha për sigurinë", "Najveće bezbednosne pretnje"),
            3,
            utilities=(
                Utility(1.2, {}, {"primary_edu": 0.3}),
                Utility(0.9, {"trust": -0.5}),
                Utility(0.5, {"insecurity": 0.4}),
                Utility(0.3, {"trust": -0.3}, {"higher_edu": 0.2}),
                Utility(-0.2, {"west": -0.3, "tradition": 0.4}),
                Utility(-0.6, {}, {"age10": -0.1, "higher_edu": 0.3}),
                Utility(-0.5, {"insecurity": 0.5}),
                Utility(0.4, {}, {"age10": -0.2}),
                Utility(-0.8, {"west": 0.3}, {"higher_edu": 0.4}),
            ),
            dk=0.04,
        ),
        Item(
            "armed_conflict_likely", "safety", "ordinal", "likelihood",
            t("How likely is an armed conflict in the region in the next five years?", "Sa e mundshme është që të ndodhë një konflikt i armatosur në rajon në pesë vitet e ardhshme?", "Koliko je verovatno da će u narednih pet godina doći do oružanog sukoba u regionu?"),
            t("Armed conflict likely within 5 years", "Konflikt i armatosur brenda 5 vjetëve", "Oružani sukob u narednih 5 godina"),
            4, intercept=-0.6, loadings={"insecurity": 0.9}, effects={"female": 0.15}, dk=0.07,
        ),
    ]
    for sub, (suffix, obj, short, intercept, loadings, countries) in enumerate(_TRUST_BATTERY, start=1):
        items.append(
            Item(
                f"trust_{suffix}", "trust", "ordinal", "trust", _fill(_TRUST, obj),
                _prefixed(_TRUST_PREFIX, short), 5, sub, intercept=intercept, loadings=loadings,
                effects={"age10": 0.05, "rural": 0.1}, countries=countries, dk=0.04 + 0.005 * (sub % 5),
            )
        )
    for sub, (suffix, obj, short, intercept) in enumerate(_CORRUPTION_BATTERY, start=1):
        items.append(
            Item(
                f"corruption_{suffix}", "corruption", "ordinal", "widespread", _fill(_CORRUPTION, obj),
                _prefixed(_CORRUPTION_PREFIX, short), 6, sub, intercept=intercept,
                loadings={"trust": -0.7}, effects={"higher_edu": 0.15}, dk=0.06,
            )
        )
    items += [
        Item(
            "bribe_paid", "corruption", "single", "yes_no",
            t("In the last 12 months, did you or a member of your family pay a bribe?", "Në 12 muajt e fundit, a keni dhënë ryshfet ju apo ndonjë anëtar i familjes suaj?", "Da li ste vi ili neki član vaše porodice u poslednjih 12 meseci dali mito?"),
            t("Paid a bribe in the last 12 months", "Ka dhënë ryshfet në 12 muajt e fundit", "Davanje mita u poslednjih 12 meseci"),
            7, intercept=-1.2, loadings={"trust": -0.3}, effects={"rural": 0.1, "age10": -0.05}, dk=0.02,
        ),
        Item(
            "report_corruption", "corruption", "single", "yes_no_depends",
            t("If you witnessed corruption, would you report it?", "Nëse do të ishit dëshmitar i korrupsionit, a do ta raportonit?", "Ako biste bili svedok korupcije, da li biste je prijavili?"),
            t("Would report corruption", "Do ta raportonte korrupsionin", "Prijavio/la bi korupciju"),
            8,
            utilities=(
                Utility(0.3, {"trust": 0.6}, {"higher_edu": 0.2}),
                Utility(0.0, {"trust": -0.4}),
                Utility(0.1),
            ),
            dk=0.05,
        ),
        Item(
            "police_free_of_politics", "corruption", "ordinal", "agree",
            t("How far do you agree: the police work free of political influence.", "Sa pajtoheni me pohimin: policia punon pa ndikim politik.", "Koliko se slažete sa tvrdnjom: policija radi bez političkog uticaja."),
            t("Police free of political influence", "Policia pa ndikim politik", "Policija bez političkog uticaja"),
            9, intercept=-0.3, loadings={"trust": 0.8}, dk=0.07,
        ),
        Item(
            "extremism_threat", "extremism", "ordinal", "threat",
            t("How much of a threat is violent extremism to your country?", "Sa i madh është kërcënimi nga ekstremizmi i dhunshëm për vendin tuaj?", "Koliku pretnju za vašu zemlju predstavlja nasilni ekstremizam?"),
            t("Violent extremism as a threat", "Ekstremizmi i dhunshëm si kërcënim", "Nasilni ekstremizam kao pretnja"),
            10, intercept=-0.1, loadings={"insecurity": 0.7}, effects={"age10": 0.08}, dk=0.06,
        ),
        Item(
            "returnees_reintegration", "extremism", "ordinal", "agree",
            t("How far do you agree: citizens who returned from foreign conflicts should be reintegrated into society.", "Sa pajtoheni me pohimin: qytetarët që janë kthyer nga konfliktet e huaja duhet të riintegrohen në shoqëri.", "Koliko se slažete sa tvrdnjom: građane koji su se vratili sa stranih ratišta treba reintegrisati u društvo."),
            t("Reintegrate returned foreign fighters", "Riintegrimi i luftëtarëve të kthyer", "Reintegracija povratnika sa stranih ratišta"),
            11, intercept=-0.2, loadings={"insecurity": -0.4, "trust": 0.2}, effects={"higher_edu": 0.2}, dk=0.08,
        ),
        Item(
            "radicalisation_drivers", "extremism", "multiple", "radicalisation_drivers",
            t("What are the main drivers of radicalisation among young people? (up to three answers)", "Cilët janë shkaktarët kryesorë të radikalizimit te të rinjtë? (deri në tri përgjigje)", "Koji su glavni uzroci radikalizacije mladih? (do tri odgovora)"),
            t("Drivers of radicalisation", "Shkaktarët e radikalizimit", "Uzroci radikalizacije"),
            12,
            utilities=(
                Utility(1.0, {}, {"primary_edu": 0.2}),
                Utility(0.5, {"tradition": -0.4}),
                Utility(0.6, {}, {"age10": 0.1}),
                Utility(0.4, {}, {"higher_edu": -0.2}),
                Utility(0.0, {"trust": -0.3}, {"higher_edu": 0.3}),
                Utility(-0.3, {"trust": -0.5}),
                Utility(-0.2, {"west": -0.4}),
            ),
            dk=0.07,
        ),
        Item(
            "eu_referendum", "eu", "single", "eu_vote",
            t("If a referendum on EU membership were held tomorrow, how would you vote?", "Nëse nesër do të mbahej një referendum për anëtarësimin në BE, si do të votonit?", "Kada bi sutra bio održan referendum o članstvu u EU, kako biste glasali?"),
            t("Vote in an EU referendum", "Vota në referendum për BE-në", "Glas na referendumu o EU"),
            13,
            utilities=(
                Utility(1.0, {"west": 1.2}, {"higher_edu": 0.2}),
                Utility(-0.3, {"west": -1.0, "tradition": 0.3}),
                Utility(-0.6, {"trust": -0.3}),
            ),
            dk=0.05,
        ),
        Item(
            "eu_accession_expected", "eu", "single", "eu_join_when",
            t("When do you think your country will join the EU?", "Kur mendoni se vendi juaj do të anëtarësohet në BE?", "Šta mislite, kada će vaša zemlja postati članica EU?"),
            t("Expected EU accession", "Anëtarësimi i pritur në BE", "Očekivano pristupanje EU"),
            14,
            utilities=(
                Utility(-0.8, {"west": 0.5, "trust": 0.3}),
                Utility(0.3, {"west": 0.4}),
                Utility(0.4),
                Utility(0.0, {"west": -0.7, "trust": -0.3}),
            ),
            dk=0.08,
        ),
        Item(
            "nato_support", "eu", "ordinal", "support",
            t("Do you support your country's membership of NATO?", "A e mbështetni anëtarësimin e vendit tuaj në NATO?", "Da li podržavate članstvo vaše zemlje u NATO?"),
            t("Support for NATO membership", "Mbështetja për anëtarësimin në NATO", "Podrška članstvu u NATO"),
            15, intercept=0.2, loadings={"west": 1.2}, dk=0.05,
        ),
    ]
    for sub, (suffix, obj, short, intercept, loadings) in enumerate(_VIEWS_BATTERY, start=1):
        items.append(
            Item(
                f"view_{suffix}", "eu", "ordinal", "favour", _fill(_VIEWS, obj), short, 16, sub,
                intercept=intercept, loadings=loadings, effects={"age10": 0.03}, dk=0.05 + 0.005 * sub,
            )
        )
    for sub, (suffix, obj, short, countries) in enumerate(_RELATIONS_BATTERY, start=1):
        items.append(
            Item(
                f"relations_{suffix}", "eu", "ordinal", "relations", _fill(_RELATIONS, obj), short,
                17, sub, intercept=0.0, loadings={"tradition": -0.3, "insecurity": -0.3},
                countries=countries, dk=0.06,
            )
        )
    items += [
        Item(
            "regional_cooperation", "eu", "ordinal", "agree",
            t("How far do you agree: security cooperation in the Western Balkans benefits your country.", "Sa pajtoheni me pohimin: bashkëpunimi për siguri në Ballkanin Perëndimor i sjell dobi vendit tuaj.", "Koliko se slažete sa tvrdnjom: bezbednosna saradnja na Zapadnom Balkanu koristi vašoj zemlji."),
            t("Regional cooperation benefits the country", "Bashkëpunimi rajonal i sjell dobi vendit", "Regionalna saradnja koristi zemlji"),
            18, intercept=0.6, loadings={"west": 0.5, "tradition": -0.3}, effects={"higher_edu": 0.2}, dk=0.06,
        ),
        Item(
            "dialogue_support", "dialogue", "ordinal", "support",
            t("Do you support the dialogue between Kosovo and Serbia?", "A e mbështetni dialogun ndërmjet Kosovës dhe Serbisë?", "Da li podržavate dijalog između Kosova i Srbije?"),
            t("Support for the dialogue", "Mbështetja për dialogun", "Podrška dijalogu"),
            19, intercept=0.3, loadings={"west": 0.5, "tradition": -0.4}, dk=0.06,
        ),
        Item(
            "dialogue_beneficiary", "dialogue", "single", "dialogue_benefit",
            t("Who benefits most from the dialogue between Kosovo and Serbia?", "Kush përfiton më shumë nga dialogu ndërmjet Kosovës dhe Serbisë?", "Ko ima najviše koristi od dijaloga između Kosova i Srbije?"),
            t("Who benefits from the dialogue", "Kush përfiton nga dialogu", "Ko ima koristi od dijaloga"),
            20,
            utilities=(
                Utility(0.0, {"tradition": 0.3}),
                Utility(0.2, {"tradition": 0.3}),
                Utility(0.1, {"west": 0.5}),
                Utility(0.3, {"trust": -0.5}),
            ),
            dk=0.08,
        ),
        Item(
            "normalisation_possible", "dialogue", "single", "yes_no",
            t("Is normalisation of relations between Kosovo and Serbia possible within the next 10 years?", "A është i mundur normalizimi i marrëdhënieve ndërmjet Kosovës dhe Serbisë brenda 10 viteve të ardhshme?", "Da li je normalizacija odnosa između Kosova i Srbije moguća u narednih 10 godina?"),
            t("Normalisation possible within 10 years", "Normalizimi i mundur brenda 10 vjetëve", "Normalizacija moguća u narednih 10 godina"),
            21, intercept=-0.2, loadings={"west": 0.4, "insecurity": -0.3}, dk=0.08,
        ),
        Item(
            "women_in_police_army", "gender", "ordinal", "agree",
            t("How far do you agree: women should serve in the police and the army on equal terms with men.", "Sa pajtoheni me pohimin: gratë duhet të shërbejnë në polici dhe në ushtri në kushte të barabarta me burrat.", "Koliko se slažete sa tvrdnjom: žene treba da služe u policiji i vojsci pod jednakim uslovima kao muškarci."),
            t("Women in the police and army", "Gratë në polici dhe ushtri", "Žene u policiji i vojsci"),
            22, intercept=0.6, loadings={"tradition": -0.9}, effects={"female": 0.5, "higher_edu": 0.2}, dk=0.03,
        ),
        Item(
            "report_domestic_violence", "gender", "single", "yes_no",
            t("Would you report domestic violence that you witnessed?", "A do ta raportonit dhunën në familje nëse do të ishit dëshmitar?", "Da li biste prijavili nasilje u porodici kome ste bili svedok?"),
            t("Would report domestic violence", "Do ta raportonte dhunën në familje", "Prijavio/la bi nasilje u porodici"),
            23, intercept=0.9, loadings={"trust": 0.3, "tradition": -0.4}, effects={"female": 0.3}, dk=0.04,
        ),
        Item(
            "women_less_safe", "gender", "single", "yes_no",
            t("Do women feel less safe than men in your area?", "A ndihen gratë më pak të sigurta se burrat në zonën tuaj?", "Da li se žene u vašem kraju osećaju manje bezbedno od muškaraca?"),
            t("Women feel less safe than men", "Gratë ndihen më pak të sigurta se burrat", "Žene se osećaju manje bezbedno od muškaraca"),
            24, intercept=0.0, loadings={"insecurity": 0.6}, effects={"female": 0.4}, dk=0.06,
        ),
        Item(
            "false_news_frequency", "disinformation", "ordinal", "frequency",
            t("How often do you come across news that you believe is false?", "Sa shpesh hasni lajme që besoni se janë të rreme?", "Koliko često nailazite na vesti za koje mislite da su lažne?"),
            t("Comes across false news", "Has lajme të rreme", "Nailazi na lažne vesti"),
            25, intercept=0.5, loadings={"trust": -0.4}, effects={"age10": -0.2, "higher_edu": 0.2}, dk=0.05,
        ),
        Item(
            "trusted_news_source", "disinformation", "single", "news_source",
            t("Which source do you trust most for news about security?", "Cilit burim i besoni më shumë për lajmet për sigurinë?", "Kom izvoru najviše verujete kada su u pitanju vesti o bezbednosti?"),
            t("Most trusted source of security news", "Burimi më i besuar i lajmeve për sigurinë", "Izvor vesti o bezbednosti kome se najviše veruje"),
            26,
            utilities=(
                Utility(1.0, {"trust": 0.3}, {"age10": 0.35}),
                Utility(0.4, {}, {"age10": -0.2, "higher_edu": 0.3}),
                Utility(0.3, {"trust": -0.3}, {"age10": -0.4}),
                Utility(-1.5, {}, {"age10": 0.1}),
                Utility(-1.3, {}, {"age10": 0.2}),
                Utility(-1.0, {"trust": -0.6}),
            ),
            dk=0.04,
        ),
        Item(
            "ai_fakes_concern", "disinformation", "ordinal", "concern",
            t("How concerned are you about fake videos and audio made with artificial intelligence?", "Sa të shqetësuar jeni për incizimet e rreme video dhe audio të krijuara me inteligjencë artificiale?", "Koliko ste zabrinuti zbog lažnih video i audio snimaka napravljenih veštačkom inteligencijom?"),
            t("Concern about AI-made fakes", "Shqetësimi për falsifikimet me inteligjencë artificiale", "Zabrinutost zbog lažnjaka napravljenih veštačkom inteligencijom"),
            27, intercept=0.2, loadings={"insecurity": 0.5}, effects={"age10": 0.05, "higher_edu": 0.2}, since=2023, dk=0.07,
        ),
    ]
    return items


ITEMS: tuple[Item, ...] = tuple(_items())


# -- demographics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    label: Tr
    share: float  # share of the country's adults
    urban: float  # share of the region's adults living in towns


REGIONS: MappingProxyType[str, tuple[Region, ...]] = MappingProxyType({
    "AL": (
        Region("al_berat", t("Berat", "Berat", "Berat"), 0.042, 0.50),
        Region("al_diber", t("Dibër", "Dibër", "Dibra"), 0.043, 0.30),
        Region("al_durres", t("Durrës", "Durrës", "Drač"), 0.103, 0.70),
        Region("al_elbasan", t("Elbasan", "Elbasan", "Elbasan"), 0.095, 0.45),
        Region("al_fier", t("Fier", "Fier", "Fier"), 0.100, 0.45),
        Region("al_gjirokaster", t("Gjirokastër", "Gjirokastër", "Đirokastra"), 0.020, 0.55),
        Region("al_korce", t("Korçë", "Korçë", "Korča"), 0.072, 0.50),
        Region("al_kukes", t("Kukës", "Kukës", "Kukës"), 0.028, 0.30),
        Region("al_lezhe", t("Lezhë", "Lezhë", "Lješ"), 0.043, 0.45),
        Region("al_shkoder", t("Shkodër", "Shkodër", "Skadar"), 0.070, 0.50),
        Region("al_tirane", t("Tirana", "Tiranë", "Tirana"), 0.320, 0.85),
        Region("al_vlore", t("Vlorë", "Vlorë", "Valona"), 0.064, 0.65),
    ),
    "XK": (
        Region("xk_prishtina", t("Prishtina", "Prishtinë", "Priština"), 0.270, 0.65),
        Region("xk_mitrovica", t("Mitrovica", "Mitrovicë", "Mitrovica"), 0.120, 0.40),
        Region("xk_peja", t("Peja", "Pejë", "Peć"), 0.100, 0.40),
        Region("xk_prizren", t("Prizren", "Prizren", "Prizren"), 0.180, 0.40),
        Region("xk_ferizaj", t("Ferizaj", "Ferizaj", "Uroševac"), 0.110, 0.35),
        Region("xk_gjilan", t("Gjilan", "Gjilan", "Gnjilane"), 0.100, 0.35),
        Region("xk_gjakova", t("Gjakova", "Gjakovë", "Đakovica"), 0.120, 0.40),
    ),
    "RS": (
        Region("rs_belgrade", t("Belgrade", "Beogradi", "Beograd"), 0.240, 0.85),
        Region("rs_vojvodina", t("Vojvodina", "Vojvodina", "Vojvodina"), 0.270, 0.60),
        Region("rs_sumadija_west", t("Šumadija and Western Serbia", "Shumadija dhe Serbia Perëndimore", "Šumadija i Zapadna Srbija"), 0.270, 0.45),
        Region("rs_south_east", t("Southern and Eastern Serbia", "Serbia Jugore dhe Lindore", "Južna i Istočna Srbija"), 0.220, 0.50),
    ),
})

_SAFETY_BY_REGION = {
    "al_tirane": -0.35, "al_durres": -0.25, "al_shkoder": -0.2, "al_fier": -0.15,
    "al_elbasan": -0.1, "al_vlore": -0.05, "al_korce": 0.2, "al_berat": 0.25, "al_diber": 0.35,
    "al_gjirokaster": 0.4, "al_kukes": 0.45,
    "xk_mitrovica": -0.6, "xk_prishtina": -0.3, "xk_gjilan": 0.1, "xk_peja": 0.2,
    "xk_prizren": 0.3, "xk_gjakova": 0.35,
    "rs_belgrade": -0.35, "rs_south_east": -0.1, "rs_sumadija_west": 0.15, "rs_vojvodina": 0.25,
}
REGION_EFFECTS: MappingProxyType[str, MappingProxyType[str, float]] = MappingProxyType({
    "safe_neighbourhood": MappingProxyType(_SAFETY_BY_REGION),
    "safe_at_night": MappingProxyType(_SAFETY_BY_REGION),
    "trust_police": MappingProxyType({
        "xk_mitrovica": -0.7, "al_shkoder": -0.25, "rs_belgrade": -0.2, "rs_south_east": -0.2,
        "al_tirane": -0.15, "xk_prizren": 0.2, "rs_vojvodina": 0.2, "al_kukes": 0.3}),
    "trust_eu": MappingProxyType({
        "xk_mitrovica": -0.9, "rs_south_east": -0.3, "rs_sumadija_west": -0.2, "al_tirane": 0.3,
        "xk_prishtina": 0.3, "rs_belgrade": 0.3, "rs_vojvodina": 0.3}),
})
"""Invented regional differences on a few ordinal items (item -> region -> shift of the latent
answer, positive towards the first category: safer, more trust), so that maps show a pattern.
They imitate no real finding."""

ETHNICITY_LABELS: MappingProxyType[str, Tr] = MappingProxyType({
    "albanian": t("Albanian", "Shqiptar", "Albanac"),
    "serb": t("Serb", "Serb", "Srbin"),
    "bosniak": t("Bosniak", "Boshnjak", "Bošnjak"),
    "turkish": t("Turkish", "Turk", "Turčin"),
    "greek": t("Greek", "Grek", "Grk"),
    "macedonian": t("Macedonian", "Maqedonas", "Makedonac"),
    "hungarian": t("Hungarian", "Hungarez", "Mađar"),
    "roma": t("Roma, Ashkali or Egyptian", "Rom, ashkali ose egjiptian", "Rom, Aškalija ili Egipćanin"),
    "other": t("Other", "Tjetër", "Ostalo"),
})
ETHNICITIES: MappingProxyType[str, tuple[tuple[str, float], ...]] = MappingProxyType({
    "AL": (("albanian", 0.93), ("greek", 0.025), ("macedonian", 0.01), ("roma", 0.02), ("other", 0.015)),
    "XK": (("albanian", 0.88), ("serb", 0.06), ("bosniak", 0.02), ("turkish", 0.01), ("roma", 0.02), ("other", 0.01)),
    "RS": (("serb", 0.83), ("hungarian", 0.05), ("bosniak", 0.03), ("roma", 0.03), ("albanian", 0.01), ("other", 0.05)),
})

GENDER = _scale("gender", [("male", t("Male", "Mashkull", "Muški")), ("female", t("Female", "Femër", "Ženski"))])
EDUCATION = _scale(
    "education",
    [
        ("primary", t("Primary or less", "Fillor ose më pak", "Osnovno ili niže")),
        ("secondary", t("Secondary", "I mesëm", "Srednje")),
        ("higher", t("Higher (university)", "I lartë (universitar)", "Više ili visoko")),
    ],
)
SETTLEMENT = _scale("settlement", [("urban", t("Urban", "Urban", "Gradsko")), ("rural", t("Rural", "Rural", "Seosko"))])
EMPLOYMENT = _scale(
    "employment",
    [
        ("employed", t("Employed", "I/e punësuar", "Zaposlen/a")),
        ("self_employed", t("Self-employed", "I/e vetëpunësuar", "Samozaposlen/a")),
        ("unemployed", t("Unemployed", "I/e papunë", "Nezaposlen/a")),
        ("student", t("Pupil or student", "Nxënës ose student", "Učenik ili student")),
        ("retired", t("Retired", "Pensionist", "Penzioner/ka")),
        ("homemaker", t("Homemaker", "Kujdeset për shtëpinë", "Domaćica ili domaćin")),
    ],
)
INCOME = _scale(
    "income",
    [
        ("up_to_300", t("Up to €300", "Deri në 300 €", "Do 300 €")),
        ("301-600", t("€301–600", "301–600 €", "301–600 €")),
        ("601-1000", t("€601–1,000", "601–1.000 €", "601–1.000 €")),
        ("over_1000", t("Over €1,000", "Mbi 1.000 €", "Preko 1.000 €")),
    ],
)
AGE_BANDS: tuple[tuple[str, int, int], ...] = (("18-29", 18, 29), ("30-44", 30, 44), ("45-59", 45, 59), ("60+", 60, 120))
AGE_BAND_LABELS: MappingProxyType[str, Tr] = MappingProxyType({
    "18-29": t("18–29", "18–29", "18–29"),
    "30-44": t("30–44", "30–44", "30–44"),
    "45-59": t("45–59", "45–59", "45–59"),
    "60+": t("60 and over", "60 e më shumë", "60 i više"),
})

# Demographic questions (question, short); variable names per country live in `deliveries`.
DEMOGRAPHIC_TEXTS: MappingProxyType[str, tuple[Tr, Tr]] = MappingProxyType({
    "gender": (t("Respondent's gender", "Gjinia e të anketuarit", "Pol ispitanika"), t("Gender", "Gjinia", "Pol")),
    "age": (t("Age in completed years", "Mosha në vite të mbushura", "Starost u navršenim godinama"), t("Age", "Mosha", "Starost")),
    "age_group": (t("Age group", "Grupmosha", "Starosna grupa"), t("Age group", "Grupmosha", "Starosna grupa")),
    "education": (t("Highest level of education completed", "Niveli më i lartë i arsimit të përfunduar", "Najviši završeni nivo obrazovanja"), t("Education", "Arsimi", "Obrazovanje")),
    "settlement": (t("Type of settlement", "Lloji i vendbanimit", "Tip naselja"), t("Settlement", "Vendbanimi", "Naselje")),
    "region": (t("Region of residence", "Rajoni i vendbanimit", "Region u kome živite"), t("Region", "Rajoni", "Region")),
    "ethnicity": (t("Ethnic affiliation", "Përkatësia etnike", "Nacionalna pripadnost"), t("Ethnicity", "Etnia", "Nacionalnost")),
    "employment": (t("Employment status", "Statusi i punësimit", "Radni status"), t("Employment", "Punësimi", "Zaposlenost")),
    "income": (t("Monthly household income (in euro or the equivalent)", "Të ardhurat mujore të familjes (në euro ose ekuivalenti)", "Mesečni prihodi domaćinstva (u evrima ili protivvrednosti)"), t("Household income", "Të ardhurat e familjes", "Prihodi domaćinstva")),
})
AGE_UNIT = t("years", "vjet", "godina")

COUNTRY_NAMES: MappingProxyType[str, Tr] = MappingProxyType({
    "AL": t("Albania", "Shqipëria", "Albanija"),
    "XK": t("Kosovo", "Kosova", "Kosovo"),
    "RS": t("Serbia", "Serbia", "Srbija"),
})
ADULT_POPULATION: MappingProxyType[str, int] = MappingProxyType({"AL": 2_300_000, "XK": 1_200_000, "RS": 5_600_000})
FEMALE_TARGET_SHARE = 0.51
AGE_BAND_TARGETS: tuple[float, ...] = (0.21, 0.27, 0.25, 0.27)


KEYWORDS: dict[str, Tr] = {
    # Words people search a question by that its own texts lack (the codebook's `keywords`).
    "eu_referendum": t("support EU membership, join the European Union, EU accession",
                       "mbështetje për anëtarësimin në BE, Bashkimi Evropian",
                       "podrška članstvu u EU, Evropska unija, pristupanje"),
    "view_eu": t("attitude opinion European Union, support EU",
                 "qëndrim opinion Bashkimi Evropian, mbështetje BE",
                 "stav mišljenje Evropska unija, podrška EU"),
    "trust_police": t("confidence police", "besueshmëri policia", "poverenje policija"),
    "extremism_threat": t("radicalisation terrorism", "radikalizim terrorizëm",
                          "radikalizacija terorizam"),
}
