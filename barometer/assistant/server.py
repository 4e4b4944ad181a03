"""The MCP server: the assistant's tools, resources and prompt on the SDK's low-level `Server`,
served over stdio (`barometer mcp`) or one HTTP request at a time (`barometer.assistant.http`).

A server object is cheap (handlers only): one is made per connection or request with the
explorer's address for permalinks; the heavy parts live in the shared `Assistant`."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from barometer.assistant.content import (
    NEWS_ARGUMENTS,
    NEWS_PROMPT,
    NEWS_PROMPT_HELP,
    RESOURCES,
    UnknownResource,
    news_prompt,
    read_resource,
)
from barometer.assistant.tools import Assistant, ToolError

READ_ONLY = types.ToolAnnotations(read_only_hint=True, destructive_hint=False,
                                  idempotent_hint=True, open_world_hint=False)


def barometer_version() -> str:
    try:
        return version("barometer")
    except PackageNotFoundError:
        return "0"


def instructions(assistant: Assistant) -> str:
    """What an assistant is told when it connects."""
    info = assistant.codebook.dataset
    text = (f"Survey figures from {info.title.en} (data version {assistant.dataset.version}): "
            "design-based weighted percentages with 95% confidence intervals, bases and "
            "significance tests, the same numbers as the explorer and its API. Find question "
            "ids with search_indicators, read one with describe_indicator, then ask crosstab, "
            "frequencies, trend or compare. Report every figure with its interval and base, "
            "flag small bases, never estimate suppressed figures, and give the citation and "
            "permalink of each answer.")
    if info.synthetic:
        text += (" These are SYNTHETIC demonstration data: never present a figure as a "
                 "finding.")
    return text


def json_text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def build_server(assistant: Assistant, base_url: str) -> Server:
    """An MCP server answering from `assistant`, its links starting with `base_url`."""

    async def list_tools(_ctx, _params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[
            types.Tool(name=spec.name, description=spec.description,
                       input_schema=spec.input_schema, annotations=READ_ONLY)
            for spec in assistant.specs.values()])

    async def call_tool(_ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            answer = assistant.call(params.name, params.arguments, base_url)
        except ToolError as exc:
            problem = exc.document()
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=json_text(problem))],
                structured_content=problem, is_error=True)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json_text(answer))],
            structured_content=answer)

    async def list_resources(_ctx, _params) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[
            types.Resource(name=r.name, uri=r.uri, mime_type=r.mime_type,
                           description=r.description) for r in RESOURCES])

    async def list_resource_templates(_ctx, _params) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=[
            types.ResourceTemplate(name=f"{r.name} in a language", uri_template=r.uri + "/{lang}",
                                   mime_type=r.mime_type, description=r.description)
            for r in RESOURCES])

    async def read(_ctx, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            mime_type, text = read_resource(assistant, uri)
        except UnknownResource as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from exc
        return types.ReadResourceResult(contents=[
            types.TextResourceContents(uri=uri, mime_type=mime_type, text=text)])

    async def list_prompts(_ctx, _params) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[types.Prompt(
            name=NEWS_PROMPT, description=NEWS_PROMPT_HELP,
            arguments=[types.PromptArgument(name=name, description=help_text, required=required)
                       for name, help_text, required in NEWS_ARGUMENTS])])

    async def get_prompt(_ctx, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        if params.name != NEWS_PROMPT:
            raise MCPError(types.INVALID_PARAMS, f"no prompt {params.name[:80]!r}; there is "
                                                 f"{NEWS_PROMPT}")
        try:
            text = news_prompt(assistant, dict(params.arguments or {}))
        except ValueError as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from exc
        return types.GetPromptResult(description=NEWS_PROMPT_HELP, messages=[
            types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))])

    return Server(
        "barometer", version=barometer_version(), instructions=instructions(assistant),
        on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
        on_list_resource_templates=list_resource_templates, on_read_resource=read,
        on_list_prompts=list_prompts, on_get_prompt=get_prompt)


def serve_stdio(assistant: Assistant, base_url: str) -> None:
    """Answer MCP over this process's stdin and stdout until stdin closes."""
    server = build_server(assistant, base_url)

    async def run() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(run)
