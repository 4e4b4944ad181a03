"""The parameter table is the one declaration of every view parameter: an entry added to it
appears in links, the API, the OpenAPI document and the command line with nothing else to edit;
the command line's JSON is the API's document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.cli.stats_cmds import view_command
from barometer.ingest import load_dataset
from barometer.params import PARAMETER_TABLE, Param
from barometer.params.values import Integer
from barometer.stats.query import data_years
from barometer.web.app import create_app

# A throwaway parameter: it changes no figure, but every surface must know it.
DIGITS = Param("digits", Integer(0, 3), 1, "Decimals to show (a test parameter).",
               views=frozenset({"crosstab", "trend"}))
TABLE = PARAMETER_TABLE.extended(DIGITS)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_a_new_entry_round_trips_through_a_link(dataset):
    years = data_years(dataset)
    params = TABLE.parse("?indicator=trust_police&digits=3", dataset.codebook, years)
    assert params.digits == 3
    assert "digits=3" in TABLE.encode(params, "crosstab")
    assert TABLE.parse(TABLE.encode(params, "crosstab"), dataset.codebook, years) == params
    assert TABLE.parse("?indicator=trust_police", dataset.codebook, years).digits == 1
    lenient = TABLE.parse("?indicator=trust_police&digits=9", dataset.codebook, years)
    assert lenient.digits == 1 and any("digits" in n for n in lenient.notices)
    # a view it does not belong to never writes it
    assert "digits" not in TABLE.encode(params, "frequencies")


def test_a_new_entry_is_read_checked_and_echoed_by_the_api(dataset):
    client = create_app(dataset, params=TABLE).server.test_client()
    doc = client.get("/api/v1/crosstab?indicator=trust_police&country=XK&digits=2").get_json()
    assert doc["query"]["digits"] == 2
    bad = client.get("/api/v1/crosstab?indicator=trust_police&digits=7")
    assert bad.status_code == 400 and bad.get_json()["param"] == "digits"
    refused = client.get("/api/v1/frequencies?indicator=trust_police&digits=2")
    assert refused.status_code == 400 and "does not apply" in refused.get_json()["detail"]
    openapi = client.get("/api/v1/openapi.json").get_json()
    described = {p["name"]: p for p in openapi["paths"]["/api/v1/crosstab"]["get"]["parameters"]}
    assert described["digits"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 3}
    assert "Decimals to show" in described["digits"]["description"]
    assert "Default: 1" in described["digits"]["description"]
    frequencies = {p["name"] for p in
                   openapi["paths"]["/api/v1/frequencies"]["get"]["parameters"]}
    assert "digits" not in frequencies


def test_a_new_entry_is_a_command_line_option():
    command = view_command("crosstab", "Crosstab.", TABLE)
    help_text = CliRunner().invoke(command, ["--help"]).output
    assert "--digits N" in help_text and "Decimals to show" in help_text
    assert "[default: 1]" in help_text


@pytest.mark.parametrize("view", ["crosstab", "frequencies", "trend"])
def test_every_table_entry_of_a_view_is_on_its_command_line(view):
    help_text = CliRunner().invoke(main, [view, "--help"]).output
    for param in PARAMETER_TABLE.in_view(view):
        if param.presentation:
            assert f"--{param.name}" not in help_text
        elif param.cli_positional:
            assert param.name.upper() in help_text
        else:
            assert f"--{param.name}" in help_text, param.name


@pytest.mark.parametrize(
    ("view", "args", "query"),
    [
        ("crosstab", ["trust_police", "--by", "gender", "--country", "XK", "--year", "2024",
                      "--filter", "settlement:urban", "--lang", "sq"],
         "indicator=trust_police&by=gender&country=XK&year=2024&filter=settlement:urban&lang=sq"),
        ("frequencies", ["eu_referendum", "--country", "RS", "--weighted", "0"],
         "indicator=eu_referendum&country=RS&weighted=0"),
        ("trend", ["trust_police", "--country", "AL,XK"], "indicator=trust_police&country=AL,XK"),
    ],
)
def test_json_of_the_command_line_is_the_api_document(dataset, view, args, query):
    client = create_app(dataset).server.test_client()
    api = client.get(f"/api/v1/{view}?{query}").get_json()
    out = CliRunner().invoke(main, [view, *args, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == api
