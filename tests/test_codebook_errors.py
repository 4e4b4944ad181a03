"""Codebook schema errors name the file, the YAML line and the key, and say what was expected."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_ingest_fixtures import CODEBOOK, write_deliveries

from barometer.cli import main
from barometer.codebook import CodebookError, load_codebook, parse_codebook


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# (name, change to the valid test codebook, line marker or None, expected fragments)
CASES = [
    ("unknown key", ("    type: ordinal\n    question: {en: \"How much do you trust the police?\"}",
                     "    type: ordinal\n    questoin: {en: \"How much do you trust the police?\"}"),
     "questoin", ["questoin", "unknown key"]),
    ("bad type", ("    type: numeric\n    demographic: true\n    question: {en: Age}",
                  "    type: number\n    demographic: true\n    question: {en: Age}"),
     "type: number", ["indicators.age.type", "single", "numeric"]),
    ("bad year", ("{id: RS-2021, country: RS, year: 2021", "{id: RS-2021, country: RS, year: 21"),
     "year: 21,", ["sources.RS-2021.year", "greater than or equal to 1900"]),
    ("unknown country", ("{id: RS-2023, country: RS,", "{id: RS-2023, country: SR,"),
     None, ["sources.RS-2023.country", "'SR' is not one of the countries"]),
    ("source listed twice", ("{id: RS-2023, country: RS, year: 2023", "{id: RS-2021, country: RS, year: 2023"),
     None, ["source 'RS-2021' is listed twice"]),
    ("code to unknown category", ("trust_rs: {4: full,", "trust_rs: {4: fully,"),
     None, ["indicators.trust_police.sources.RS-2021.codes", "unknown categories ['fully']"]),
    ("missing required key", ("    topic: trust\n    type: ordinal\n    question: {en: \"How much do you trust the EU?\"}",
                              "    type: ordinal\n    question: {en: \"How much do you trust the EU?\"}"),
     None, ["trust_eu", "topic", "required"]),
]


@pytest.mark.parametrize(("name", "change", "marker", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_schema_errors_name_line_and_key(name, change, marker, fragments):
    old, new = change
    assert old in CODEBOOK, name
    text = CODEBOOK.replace(old, new, 1)
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source_name="codebook.yaml")
    message = str(info.value)
    assert message.startswith("codebook.yaml")
    for fragment in fragments:
        assert fragment in message, message
    if marker is not None:
        assert f"line {_line_of(text, marker)}," in message


def test_invalid_yaml_names_the_line():
    text = CODEBOOK.replace("  - {id: trust, label: Trust}", "  - {id: trust, label: Trust", 1)
    with pytest.raises(CodebookError, match=r"codebook.yaml, line \d+: not valid YAML"):
        parse_codebook(text, source_name="codebook.yaml")


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="cannot read the codebook"):
        load_codebook(tmp_path / "nope.yaml")


def test_ingest_cli_prints_codebook_error_and_fails(tmp_path):
    path = write_deliveries(tmp_path)
    path.write_text(CODEBOOK.replace("year: 2021, file: raw/rs", "year: 21, file: raw/rs"), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "--codebook", str(path)])
    assert result.exit_code == 1
    assert "sources.RS-2021.year" in result.output and "line " in result.output


def test_validate_cli_checks_files_and_variables(tmp_path):
    path = write_deliveries(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(main, ["codebook", "validate", str(path)])
    assert ok.exit_code == 0 and "valid" in ok.output
    (tmp_path / "raw/al_2023.zsav").unlink()
    path.write_text(CODEBOOK.replace("{variable: p9, codes: trust_rs}", "{variable: p99, codes: trust_rs}"), encoding="utf-8")
    bad = runner.invoke(main, ["codebook", "validate", str(path)])
    assert bad.exit_code == 1
    assert "al_2023.zsav: file not found" in bad.output
    assert "p99 (indicator trust_eu)" in bad.output
