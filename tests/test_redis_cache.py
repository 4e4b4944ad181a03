"""Two app instances sharing one real Redis (started here on a free loopback port): a result
computed by one is served from the cache by the other. Without redis-server this skips locally
and fails under CI=true."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from barometer.ingest import load_dataset
from barometer.web import api
from barometer.web.app import create_app

QUERY = "/api/v1/crosstab?indicator=trust_government&by=settlement&country=XK&year=2023"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (Debian: apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"redis-server did not start: {proc.stdout.read().decode()[-500:]}")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def instances(redis_url, dataset):
    """Two independent apps (own Flask servers, own in-process state) on the same Redis."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BAROMETER_CACHE_URL", redis_url)
    try:
        first = create_app(dataset, name="instance-a").server.test_client()
        second = create_app(dataset, name="instance-b").server.test_client()
    finally:
        mp.undo()
    return first, second


def test_result_computed_by_one_instance_is_served_by_the_other(instances, redis_url, monkeypatch):
    first, second = instances
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    calls = []
    real = api.crosstab

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "crosstab", counting)
    one = first.get(QUERY)
    assert one.status_code == 200 and len(calls) == 1
    keys = [k.decode() for k in store.keys("barometer:api:*")]
    assert len(keys) == 1
    assert keys[0].startswith(f"barometer:api:{one.get_json()['data_version']}:crosstab:json:")

    two = second.get(QUERY)
    assert two.status_code == 200
    assert len(calls) == 1, "the second instance computed instead of reading the shared cache"
    assert two.get_data() == one.get_data()


def test_both_instances_report_the_shared_cache(instances):
    for client in instances:
        assert client.get("/healthz").get_json()["cache"] == "redis"


def test_a_lost_redis_degrades_to_computing(dataset, monkeypatch):
    """Redis down: requests are still answered (computed), /healthz says the cache is gone."""
    monkeypatch.setenv("BAROMETER_CACHE_URL", f"redis://127.0.0.1:{free_port()}/0")
    client = create_app(dataset, name="instance-c").server.test_client()
    response = client.get(QUERY)
    assert response.status_code == 200 and response.get_json()["rows"]
    assert client.get("/healthz").get_json()["cache"] == "unavailable"


def test_finished_tab_books_are_kept_in_redis_for_every_instance(redis_url, dataset, monkeypatch):
    """With BAROMETER_CACHE_URL set, a tab book built by one instance is found by another (a
    second store on the same Redis), and nothing computes it again."""
    from barometer.web import tabbooks
    from barometer.web.context import AppContext

    monkeypatch.setenv("BAROMETER_CACHE_URL", redis_url)
    first, second = tabbooks.file_store(), tabbooks.file_store()
    assert isinstance(first, tabbooks.RedisStore)
    app_ctx = AppContext.for_dataset(dataset)
    request = tabbooks.request_from(app_ctx, topic=None, indicators=["trust_eu"], by=["gender"],
                                    countries=["XK"], years=["2025"], weighted=True, lang="en")
    key = tabbooks.build_files(app_ctx, request, first)
    monkeypatch.setattr(tabbooks, "tabbook", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("computed again")))
    assert tabbooks.build_files(app_ctx, request, second) == key
    assert second.get(key, "xlsx")[:2] == b"PK"  # a zip: the workbook
    ttl = redis.Redis.from_url(redis_url).ttl(f"barometer:tabbook:{key}.xlsx")
    assert 0 < ttl <= tabbooks.KEEP_SECONDS
