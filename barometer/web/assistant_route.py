"""`/mcp`: the assistant's MCP server on the explorer's Flask server (streamable HTTP,
stateless, JSON responses; `barometer.assistant.http`). Permalinks in its answers start with the
address the request came to."""

from __future__ import annotations

import json

import flask

MCP_PATH = "/mcp"


def rpc_error(status: int, message: str, code: int = -32600) -> flask.Response:
    """A JSON-RPC error without a request id, as the transport answers what it cannot read."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}
    response = flask.Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def register_mcp(server: flask.Flask, app_ctx) -> None:
    """Serve MCP at `/mcp` over the app's dataset and parameter table. The SDK is imported and
    the tools built here, when the app is made (before gunicorn forks)."""
    from barometer.assistant.http import MAX_BODY, answer_post, asgi_scope
    from barometer.assistant.tools import Assistant

    assistant = Assistant(app_ctx.dataset, app_ctx.params)

    @server.post(MCP_PATH)
    def mcp_post():
        request = flask.request
        if (request.content_length or 0) > MAX_BODY:
            return rpc_error(413, f"the request body is larger than {MAX_BODY} bytes")
        request.max_content_length = MAX_BODY
        scope = asgi_scope("POST", MCP_PATH, request.query_string.decode("latin-1"),
                           request.headers.items(), request.scheme, request.remote_addr or "")
        answer = answer_post(assistant, request.host_url.rstrip("/"), scope, request.get_data())
        response = flask.Response(answer.body, status=answer.status)
        for name, value in answer.headers:
            if name.lower() != "content-length":
                response.headers[name] = value
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route(MCP_PATH, methods=["GET", "DELETE"])
    def mcp_without_stream():
        response = rpc_error(405, "this MCP server is stateless: POST JSON-RPC messages to "
                                  f"{MCP_PATH}; there is no event stream or session to end")
        response.headers["Allow"] = "POST"
        return response
