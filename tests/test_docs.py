"""Documentation keeps up with the code: every environment variable the code reads is in the
README's Settings table, and the README still opens with the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_READ = re.compile(r"""environ(?:\.get)?\(\s*["']([A-Z][A-Z0-9_]+)["']|environ\[["']([A-Z][A-Z0-9_]+)""")
ENV_CONSTANT = re.compile(r"""^[A-Z_]+_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.M)


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / "barometer").rglob("*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        names |= {a or b for a, b in ENV_READ.findall(text)}
        names |= set(ENV_CONSTANT.findall(text))
    return names


def settings_table() -> str:
    return README.split("## Settings", 1)[1].split("\n## ", 1)[0]


def test_the_code_reads_some_variables():
    assert {"BAROMETER_DATA_DIR", "BAROMETER_CACHE_URL"} <= variables_read_by_the_code()


@pytest.mark.parametrize("name", sorted(variables_read_by_the_code()))
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in settings_table(), f"{name} is read by the code but not in README Settings"


def test_readme_opens_with_the_set_up_commands():
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block
