"""`barometer mcp` for real: the MCP SDK's own client starts it over stdio and calls every tool,
reads the resources and the prompt; the numbers equal the API's (Flask test client on the same
data) and bad input is a tool error naming the parameter."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp_support import BAD_CALLS, TOO_BIG, VIEW_CALLS, api_part, api_query

from barometer.ingest import load_dataset
from barometer.web.app import create_app

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
BASE = "https://barometer.example.org"


async def session_transcript() -> dict:
    """One stdio session: every listing, every tool call and its answer, as plain data."""
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "barometer.cli", "mcp", "--base-url", BASE],
        env={**os.environ, "BAROMETER_PUBLIC_URL": "http://ignored.example"}, cwd=str(ROOT))
    seen: dict = {"calls": {}, "bad": [], "resources": {}}
    with anyio.fail_after(240):
        async with Client(server) as client:
            seen["protocol"] = client.protocol_version
            seen["instructions"] = client.instructions
            seen["tools"] = {t.name: t.input_schema for t in (await client.list_tools()).tools}
            for key, (tool, arguments) in VIEW_CALLS.items():
                result = await client.call_tool(tool, arguments)
                seen["calls"][key] = (result.is_error, result.structured_content,
                                      json.loads(result.content[0].text))
            for tool, arguments in [
                    ("search_indicators", {"query": "trust in police", "limit": 5}),
                    ("describe_indicator", {"indicator": "trust_police"}), TOO_BIG]:
                result = await client.call_tool(tool, arguments)
                seen["calls"][tool if tool != "crosstab" else "too_big"] = (
                    result.is_error, result.structured_content, None)
            for tool, arguments, param in BAD_CALLS:
                result = await client.call_tool(tool, arguments)
                seen["bad"].append((param, result.is_error, result.structured_content))
            for resource in (await client.list_resources()).resources:
                read = await client.read_resource(str(resource.uri))
                seen["resources"][str(resource.uri)] = read.contents[0].text
            prompts = await client.list_prompts()
            seen["prompts"] = [p.name for p in prompts.prompts]
            prompt = await client.get_prompt("summarise_for_news", {"indicator": "trust_eu"})
            seen["prompt"] = prompt.messages[0].content.text
    return seen


@pytest.fixture(scope="module")
def transcript() -> dict:
    return anyio.run(session_transcript)


@pytest.fixture(scope="module")
def api():
    return create_app(load_dataset()).server.test_client()


def test_the_server_lists_every_tool_with_its_schema(transcript):
    assert transcript["protocol"]
    assert set(transcript["tools"]) == {"search_indicators", "describe_indicator", "crosstab",
                                        "frequencies", "trend", "compare"}
    assert transcript["tools"]["trend"]["properties"]["category"]["type"] == "string"
    assert "SYNTHETIC" in transcript["instructions"]


@pytest.mark.parametrize("key", list(VIEW_CALLS))
def test_every_view_tool_answers_the_api_numbers(transcript, api, key):
    tool, arguments = VIEW_CALLS[key]
    is_error, structured, text = transcript["calls"][key]
    assert not is_error
    document = api.get(f"/api/v1/{tool}?{api_query(arguments)}").get_json()
    assert api_part(structured, document) == document
    assert text == structured  # the text block is the same document, for clients without it
    assert structured["permalink"].startswith(BASE + "/")   # --base-url wins over the setting
    assert structured["synthetic"] is True


def test_search_describe_and_the_row_limit(transcript):
    is_error, search, _ = transcript["calls"]["search_indicators"]
    assert not is_error and search["results"][0]["id"] == "trust_police"
    is_error, describe, _ = transcript["calls"]["describe_indicator"]
    assert not is_error and describe["indicator"]["id"] == "trust_police"
    is_error, problem, _ = transcript["calls"]["too_big"]
    assert is_error and problem["error"]["limit"] < problem["error"]["rows"]


def test_bad_input_is_a_tool_error_naming_the_parameter(transcript):
    for param, is_error, problem in transcript["bad"]:
        assert is_error, param
        assert problem["error"]["param"] == param


def test_resources_and_prompt(transcript, api):
    codebook = json.loads(transcript["resources"]["barometer://codebook"])
    assert codebook == api.get("/api/v1/indicators").get_json()
    assert "Rao-Scott" in transcript["resources"]["barometer://methods"]
    assert transcript["prompts"] == ["summarise_for_news"]
    assert "95% confidence interval" in transcript["prompt"]
    assert "SYNTHETIC" in transcript["prompt"]
