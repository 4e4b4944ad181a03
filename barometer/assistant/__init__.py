"""AI assistants: a Model Context Protocol server answering with the survey's numbers, intervals
and links (`barometer mcp` over stdio; `/mcp` on the app server over streamable HTTP).

Built on the official MCP Python SDK (`mcp`, its low-level `Server`), not on Dash 4.4's own MCP
support (`Dash(enable_mcp=True)`, served at `/_mcp`): Dash's server exposes the app's callbacks
and layout as tools and builds a function's input schema from its Python signature, with no
stdio transport and no prompts. The SDK's low-level server takes each tool's JSON schema as
given, so the schemas come straight from the parameter table (a new table entry is a new tool
argument), and it serves stdio, resources and prompts. Its streamable-HTTP handler runs
stateless with JSON responses, so under gunicorn any worker answers any request; one POST is one
short ASGI call on the worker's thread (`barometer.assistant.http`), no adapter thread or
long-lived loop to break when gunicorn forks.

`tools` answers (no protocol in it: testable and reusable), `content` holds the resources and
the news prompt, `server` puts them on the SDK's server, `http` answers one HTTP request.
"""
