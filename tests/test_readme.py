"""The README runs: every `barometer …` command in its shell blocks is executed against a copy
of the shipped demonstration data and must succeed (servers must answer /healthz), and its
table of parameters is the one the parameter table generates (datasette's docs tests are the
model: documentation that cannot drift)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port

from barometer.params import PARAMETER_TABLE

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def readme_commands() -> list[str]:
    """Every line of a ```sh block that runs `barometer`, without its trailing comment."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line.strip(), maxsplit=1)[0].strip()
            if line.startswith("barometer "):
                commands.append(line)
    return commands


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder holding a copy of data/ (codebook and raw files, no cache)."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("cache"))
    return folder


def environment(workdir: Path) -> dict[str, str]:
    env = {**os.environ, "BAROMETER_DATA_DIR": str(workdir / "data"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("BAROMETER_CACHE_URL", None)
    return env


def test_the_readme_shows_commands():
    commands = readme_commands()
    assert len(commands) >= 8
    assert {c.split()[1] for c in commands} >= {"demo-data", "ingest", "codebook", "crosstab",
                                                  "frequencies", "trend", "serve"}


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs(command, workdir):
    env = environment(workdir)
    if command.startswith("barometer serve"):
        run_server(command, workdir, env)
        return
    if command.startswith("barometer mcp"):
        run_mcp_stdio(command, workdir, env)
        return
    done = subprocess.run(["bash", "-c", command], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{command} printed nothing"
    if command.startswith("barometer demo-data"):
        # the generator is deterministic: the shipped files come back byte for byte
        for path in [ROOT / "data" / "codebook.yaml", *sorted((ROOT / "data" / "raw").iterdir())]:
            copy = workdir / path.relative_to(ROOT)
            assert copy.read_bytes() == path.read_bytes(), path


def run_server(command: str, workdir: Path, env: dict[str, str]) -> None:
    """Start a `barometer serve` command on a free local port, ask /healthz, stop it. One worker:
    the command's options are all parsed and used, but four workers would crowd the test
    machine's two cores while the browser tests run beside."""
    port = free_port()
    proc = subprocess.Popen(["bash", "-c",
                             f"exec {command} --host 127.0.0.1 --port {port} --workers 1"],
                            cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"{command} exited:\n{proc.stdout.read()[-3000:]}"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, f"{command} did not answer in 120 s"
                time.sleep(0.5)
        assert response.status_code == 200
        assert json.loads(response.text)["status"] == "ok"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


MCP_SESSION = [  # what an assistant sends first: the handshake, then the list of tools
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "readme", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def run_mcp_stdio(command: str, workdir: Path, env: dict[str, str]) -> None:
    """`barometer mcp` serves until stdin closes: send it the opening of a session, read its
    answers (the handshake and the tools) as they come, then close stdin."""
    proc = subprocess.Popen(["bash", "-c", command], cwd=workdir, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    answers: dict = {}
    try:
        for message in MCP_SESSION:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
            if "id" not in message:
                continue
            while message["id"] not in answers:  # the answer before the next question
                line = proc.stdout.readline()
                assert line, f"{command} stopped:\n{proc.stderr.read()[-2000:]}"
                answer = json.loads(line)
                answers[answer.get("id")] = answer
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert answers[1]["result"]["serverInfo"]["name"] == "barometer"
    tools = {tool["name"] for tool in answers[2]["result"]["tools"]}
    assert {"search_indicators", "crosstab", "trend", "compare"} <= tools


def test_the_readme_shows_how_to_connect_an_assistant():
    section = README.split("## AI assistants (MCP)", 1)[1].split("\n## ", 1)[0]
    assert any(c.startswith("barometer mcp") for c in readme_commands())
    config = json.loads(re.search(r"```json\n(.*?)```", section, flags=re.S).group(1))
    server = config["mcpServers"]["barometer"]
    assert server["command"] == "barometer" and server["args"][0] == "mcp"
    assert "/mcp`" in section


def test_the_readme_parameters_are_the_parameter_table():
    section = README.split("## Parameters", 1)[1].split("\n## ", 1)[0]
    shown = [line for line in section.splitlines() if line.startswith("|")]
    expected = PARAMETER_TABLE.markdown().splitlines()
    assert shown == expected, ("README's parameter table differs from the parameter table; "
                               "paste this:\n" + PARAMETER_TABLE.markdown())
