"""MCP over streamable HTTP at `/mcp` of `barometer serve` with two gunicorn workers, for real:
the SDK's client (new and handshake protocol versions) gets the API's numbers from the same
server, a request answered by one worker is followed by one answered by the other with no session
between them, and what the endpoint cannot take is refused while it keeps serving."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import free_port
from mcp import Client
from mcp_support import VIEW_CALLS, api_part, api_query

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RPC_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@pytest.fixture(scope="module")
def served():
    """(base URL, master pid) of `barometer serve --workers 2` on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "barometer.cli", "serve", "--port", str(port), "--workers", "2",
         "--threads", "2"],
        cwd=ROOT, env={**os.environ, "BAROMETER_CACHE_URL": ""},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail(f"barometer serve exited:\n{proc.stdout.read()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200 and \
                    len(workers(proc.pid)) == 2:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("barometer serve did not answer within 120 s")
        time.sleep(0.3)
    yield base, proc.pid
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def workers(master: int) -> set[int]:
    """The gunicorn workers: processes whose parent is the master."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.add(int(entry.name))
    return children


def socket_owner(server_port: int, client_port: int, pids: set[int]) -> int | None:
    """The worker holding the server end of the loopback connection from `client_port`."""
    wanted = (f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}")
    inode = next((fields[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                  if (fields := line.split()) and (fields[1], fields[2]) == wanted), None)
    if inode is None:
        return None
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        if any(os.readlink(fd) == f"socket:[{inode}]" for fd in fds if fd.is_symlink()):
            return pid
    return None


def post_on_new_connection(base: str, message: dict,
                           headers: dict | None = None) -> tuple[int, dict, dict, int]:
    """POST one JSON-RPC message on a fresh connection: (status, headers, body, client port);
    the connection is kept open while the caller looks up which worker holds it."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.connect()
    client_port = connection.sock.getsockname()[1]
    connection.request("POST", "/mcp", json.dumps(message), {**RPC_HEADERS, **(headers or {})})
    response = connection.getresponse()
    body = json.loads(response.read())
    post_on_new_connection.last = connection  # closed by the caller's next call or the GC
    return response.status, dict(response.getheaders()), body, client_port


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "test", "version": "1"}}}
CALL = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
    "name": "frequencies", "arguments": {"indicator": "trust_police", "country": "XK"}}}


def test_a_session_started_on_one_worker_goes_on_on_the_other(served):
    base, master = served
    port = int(base.rsplit(":", 1)[1])
    pids = workers(master)
    assert len(pids) == 2
    status, headers, body, client_port = post_on_new_connection(base, INITIALIZE)
    assert status == 200 and body["result"]["serverInfo"]["name"] == "barometer"
    assert "mcp-session-id" not in {k.lower() for k in headers}   # stateless: nothing to find
    first = socket_owner(port, client_port, pids)
    assert first in pids
    version = {"MCP-Protocol-Version": body["result"]["protocolVersion"]}
    owners = []
    for _ in range(60):   # fresh connections until the other worker accepts one
        status, _headers, answer, client_port = post_on_new_connection(base, CALL, version)
        assert status == 200, answer
        owners.append(socket_owner(port, client_port, pids))
        if owners[-1] not in (first, None):
            break
    assert owners[-1] in pids - {first}, f"every connection went to worker {first}: {owners}"
    document = answer["result"]["structuredContent"]
    api = httpx.get(f"{base}/api/v1/frequencies?indicator=trust_police&country=XK").json()
    assert api_part(document, api) == api


async def http_transcript(url: str, mode: str) -> dict:
    seen: dict = {}
    with anyio.fail_after(120):
        async with Client(url, mode=mode) as client:
            seen["protocol"] = client.protocol_version
            seen["tools"] = [t.name for t in (await client.list_tools()).tools]
            for key, (tool, arguments) in VIEW_CALLS.items():
                result = await client.call_tool(tool, arguments)
                seen[key] = (result.is_error, result.structured_content)
            bad = await client.call_tool("crosstab", {"indicator": "trust_police",
                                                      "country": "AL,XX"})
            seen["bad"] = (bad.is_error, bad.structured_content)
            prompt = await client.get_prompt("summarise_for_news", {"indicator": "trust_eu"})
            seen["prompt"] = prompt.messages[0].content.text
    return seen


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_the_sdk_client_gets_the_api_numbers_over_http(served, mode):
    base, _ = served
    seen = anyio.run(http_transcript, base + "/mcp", mode)
    assert len(seen["tools"]) == 6
    for key, (tool, arguments) in VIEW_CALLS.items():
        is_error, document = seen[key]
        assert not is_error, (key, document)
        api = httpx.get(f"{base}/api/v1/{tool}?{api_query(arguments)}", timeout=30).json()
        assert api_part(document, api) == api, key
        assert document["permalink"].startswith(base + "/")   # the address asked
    is_error, problem = seen["bad"]
    assert is_error and problem["error"]["param"] == "country"
    assert "honesty" not in seen["prompt"].lower() or "95%" in seen["prompt"]


async def many_clients(url: str, clients: int) -> list[float]:
    percents: list[float] = []

    async def one(index: int) -> None:
        async with Client(url) as client:
            result = await client.call_tool("trend", {"indicator": "trust_eu",
                                                      "country": ["AL", "RS", "XK"][index % 3]})
            assert not result.is_error
            percents.append(result.structured_content["rows"][0]["percent"])

    with anyio.fail_after(120):
        async with anyio.create_task_group() as group:
            for index in range(clients):
                group.start_soon(one, index)
    return percents


def test_concurrent_clients_are_all_answered(served):
    base, _ = served
    percents = anyio.run(many_clients, base + "/mcp", 6)
    assert len(percents) == 6 and all(0 < p < 100 for p in percents)


def test_what_the_endpoint_cannot_take_is_refused_and_it_keeps_serving(served):
    base, _ = served
    with httpx.Client(base_url=base, timeout=30) as client:
        stream = client.get("/mcp", headers={"Accept": "text/event-stream"})
        assert stream.status_code == 405 and stream.headers["allow"] == "POST"
        # gunicorn closes a connection whose unread body exceeds 64 kB: a connection of its own
        huge = httpx.post(base + "/mcp", content=b"[" + b"1," * 40_000 + b"1]",
                          headers=RPC_HEADERS, timeout=30)
        assert huge.status_code == 413 and huge.json()["error"]["code"] == -32600
        garbled = client.post("/mcp", content=b"{not json", headers=RPC_HEADERS)
        assert garbled.status_code == 400 and garbled.json()["error"]["code"] == -32700
        assert "Traceback" not in garbled.text
        status = client.post("/mcp", json=INITIALIZE, headers=RPC_HEADERS)
        assert status.status_code == 200
