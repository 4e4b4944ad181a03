"""Pages and API answers a shared cache may keep: a strong ETag from the address, the language,
the data version and the release; Cache-Control for a shared cache; 304 for a conditional GET;
Vary: Accept-Language where the language came from that header; errors never kept."""

from __future__ import annotations

import json
import re

import pytest

from barometer.web.edge_cache import representation_tag

SHARED = "public, max-age=300, stale-while-revalidate=86400"
PERMALINKS = ["/?indicator=trust_police&by=gender&country=XK&year=2024",
              "/trends?indicator=trust_police&country=AL,XK", "/compare?indicator=trust_police",
              "/codebook", "/about?lang=sq", "/?indicator=trust_police&embed=1"]
API = ["/api/v1/crosstab?indicator=trust_police&by=gender", "/api/v1/indicators?lang=sq",
       "/api/v1/trend?indicator=trust_police&format=csv", "/api/v1/openapi.json"]


@pytest.mark.parametrize("url", PERMALINKS + API)
def test_an_answer_has_a_strong_etag_and_a_conditional_get_is_304(client, url):
    response = client.get(url)
    assert response.status_code == 200
    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.headers["Cache-Control"] == SHARED
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b""
    assert again.get_etag()[0] == etag
    assert again.headers["Cache-Control"] == SHARED
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_compressed_answer_revalidates_with_its_own_validator(client):
    url = PERMALINKS[0]
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    etag = response.get_etag()[0]
    assert etag.endswith(":br")  # flask-compress marks the encoded variant
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.get_etag()[0] == etag


def test_the_etag_depends_on_query_language_and_data_version_only(client, dataset):
    def tag(url, **headers):
        return client.get(url, headers=headers).get_etag()[0]

    url = PERMALINKS[0]
    assert tag(url) == tag(url)
    assert tag(url) != tag(url.replace("2024", "2025"))
    assert tag(url) != tag(url, **{"Accept-Language": "sr-Latn"})
    assert tag(url + "&lang=sq") == tag(url + "&lang=sq", **{"Accept-Language": "sr-Latn"})
    assert tag(url) != client.get(url, base_url="https://barometer.example.org").get_etag()[0]
    # the same pairs in another order are the same address
    assert tag("/?year=2024&indicator=trust_police") == tag("/?indicator=trust_police&year=2024")
    query = [("indicator", "trust_police")]
    assert (representation_tag("page", "/", query, "en", dataset.version)
            != representation_tag("page", "/", query, "en", dataset.version + "-next"))
    assert (representation_tag("page", "/", query, "en", dataset.version)
            == representation_tag("page", "/", list(reversed(query)), "en", dataset.version))


def test_vary_accept_language_only_where_the_header_chose_the_language(client):
    assert "Accept-Language" in client.get("/trends").headers["Vary"]
    assert "Accept-Language" not in client.get("/trends?lang=sq").headers["Vary"]
    assert "Accept-Language" not in client.get(API[0]).headers["Vary"]  # the API: `lang` only


def test_loads_of_a_permalink_differ_only_in_dash_s_per_load_token(client):
    """Why an ETag from the inputs is a strong validator of the page: two loads are the same
    bytes but for `end_id` (Dash's background-callback token; the app has no background
    callbacks)."""
    first, second = (client.get(PERMALINKS[0]).get_data(as_text=True) for _ in range(2))
    config = re.compile(r'(<script id="_dash-config" type="application/json">)(.*?)(</script>)',
                        re.S)

    def without_token(page: str) -> str:
        match = config.search(page)
        settings = json.loads(match.group(2))
        settings.pop("end_id")
        return page[:match.start(2)] + json.dumps(settings, sort_keys=True) + page[match.end(2):]

    assert without_token(first) == without_token(second)


def test_errors_and_callbacks_are_not_kept(client):
    missing = client.get("/download/nothing.pdf")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    assert missing.get_etag()[0] is None
    bad = client.get("/api/v1/crosstab?indicator=nope")
    assert bad.status_code == 400 and bad.get_etag()[0] is None
    assert "public" not in bad.headers.get("Cache-Control", "")
    health = client.get("/healthz")
    assert health.headers["Cache-Control"] == "no-store" and health.get_etag()[0] is None


def test_fingerprinted_scripts_keep_their_year_long_lifetime(client):
    page = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/_dash-component-suites/[^"]+dash_renderer[^"]+)"', page).group(1)
    assert client.get(script).headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_page_that_starts_background_jobs_is_not_kept_by_a_shared_cache(client):
    """The tab book page's HTML carries a per-load token binding its jobs to that load."""
    response = client.get("/tabbook")
    assert response.status_code == 200
    assert "public" not in response.headers["Cache-Control"]
    assert "ETag" not in response.headers
