"""The polite client against a real local HTTP server (pytest-httpserver), fake sleep/clock."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from werkzeug import Response

from sources.http_client import (
    DEFAULT_USER_AGENT,
    HttpConfig,
    HttpStatusError,
    HttpTransportError,
    JsonFileValidatorStore,
    PoliteClient,
    RateLimitWaitTooLong,
    base_url_from_env,
    parse_rate_limit,
    parse_retry_after,
    redact_url,
)
from tests.sources.fake_time import FakeTime


def make_client(fake: FakeTime, **config) -> PoliteClient:
    defaults = dict(min_interval_seconds=0.0, backoff_base_seconds=1.0, timeout_seconds=5.0)
    defaults.update(config)
    return PoliteClient(
        config=HttpConfig(**defaults),
        sleep=fake.sleep,
        monotonic=fake.clock,
        wall_clock=fake.clock,
        random=lambda: 0.0,
    )


def test_sends_descriptive_user_agent(httpserver):
    httpserver.expect_request("/ua", headers={"User-Agent": DEFAULT_USER_AGENT}).respond_with_data(
        "ok"
    )
    assert make_client(FakeTime()).get(httpserver.url_for("/ua")).text == "ok"


def test_429_with_retry_after_seconds_is_honoured(httpserver):
    fake = FakeTime()
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "17"}
    )
    httpserver.expect_ordered_request("/x").respond_with_data("done")
    response = make_client(fake).get(httpserver.url_for("/x"))
    assert response.text == "done"
    assert fake.sleeps == [17.0]


def test_503_with_retry_after_http_date_is_honoured(httpserver):
    fake = FakeTime()
    when = datetime.fromtimestamp(fake.now + 42, tz=UTC)
    httpserver.expect_ordered_request("/x").respond_with_data(
        "busy", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    httpserver.expect_ordered_request("/x").respond_with_data("done")
    assert make_client(fake).get(httpserver.url_for("/x")).text == "done"
    assert fake.sleeps == [pytest.approx(42.0, abs=1.0)]


def test_retry_after_longer_than_limit_fails_clearly(httpserver):
    httpserver.expect_request("/x").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(RateLimitWaitTooLong, match=r"HTTP 429.*3600s exceeds the 600s limit"):
        make_client(FakeTime()).get(httpserver.url_for("/x"))


def test_500_then_success_backs_off_exponentially(httpserver):
    fake = FakeTime()
    httpserver.expect_ordered_request("/x").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/x").respond_with_data("boom", status=502)
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    assert make_client(fake, backoff_base_seconds=2.0).get(httpserver.url_for("/x")).text == "ok"
    # random() == 0 -> half of the ceiling: 2*2^0/2, 2*2^1/2
    assert fake.sleeps == [1.0, 2.0]


def test_backoff_is_capped_and_jittered(httpserver):
    fake = FakeTime()
    client = PoliteClient(
        config=HttpConfig(backoff_base_seconds=10, backoff_max_seconds=15, min_interval_seconds=0),
        sleep=fake.sleep,
        monotonic=fake.clock,
        wall_clock=fake.clock,
        random=lambda: 1.0,
    )
    for _ in range(3):
        httpserver.expect_ordered_request("/x").respond_with_data("", status=504)
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    client.get(httpserver.url_for("/x"))
    assert fake.sleeps == [10.0, 15.0, 15.0]


def test_persistent_503_raises_with_url_status_reason_and_no_secret(httpserver):
    httpserver.expect_request("/api").respond_with_data("down", status=503)
    client = make_client(FakeTime(), max_retries=2)
    with pytest.raises(HttpStatusError) as info:
        client.get(httpserver.url_for("/api"), params={"q": "plc", "api_key": "s3cr3t-value"})
    message = str(info.value)
    assert "s3cr3t-value" not in message
    assert "api_key=REDACTED" in message
    assert "q=plc" in message
    assert "HTTP 503" in message and "SERVICE UNAVAILABLE" in message.upper()
    assert "after 3 attempts" in message
    assert info.value.status == 503
    assert len(httpserver.log) == 3


def test_404_is_not_retried(httpserver):
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    with pytest.raises(HttpStatusError, match=r"GET http://.*/missing failed: HTTP 404: NOT FOUND"):
        make_client(FakeTime()).get(httpserver.url_for("/missing"))
    assert len(httpserver.log) == 1


def _wait_for_log(httpserver, count: int) -> None:
    """Let the single-threaded server finish requests the client gave up on."""
    deadline = time.monotonic() + 5
    while len(httpserver.log) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_timeout_is_retried_then_succeeds(httpserver):
    release = threading.Event()

    def stalled(_request):
        release.wait(5)
        return Response("late")

    httpserver.expect_ordered_request("/slow").respond_with_handler(stalled)
    httpserver.expect_ordered_request("/slow").respond_with_data("fast")
    fake = FakeTime()
    client = make_client(fake, timeout_seconds=0.2)

    def sleep_and_release(seconds):  # the backoff sleep lets the stalled handler finish
        release.set()
        fake.sleep(seconds)

    client.sleep = sleep_and_release
    response = client.get(httpserver.url_for("/slow"))
    assert response.text == "fast"
    assert len(fake.sleeps) == 1


def test_timeout_every_time_raises_transport_error(httpserver):
    release = threading.Event()

    def stalled(_request):
        release.wait(5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(stalled)
    client = make_client(FakeTime(), timeout_seconds=0.1, max_retries=1)
    try:
        with pytest.raises(
            HttpTransportError, match=r"/slow failed after 2 attempts: no response: .*Timeout"
        ):
            client.get(httpserver.url_for("/slow"))
    finally:
        release.set()
        _wait_for_log(httpserver, 2)


def test_connection_refused_is_retried_then_raises():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fake = FakeTime()
    client = make_client(fake, max_retries=2)
    url = f"http://127.0.0.1:{port}/x?token=abc123"
    with pytest.raises(HttpTransportError) as info:
        client.get(url)
    assert "abc123" not in str(info.value)
    assert "ConnectionError" in str(info.value)
    assert len(fake.sleeps) == 2


def test_conditional_get_returns_304_and_sends_validators(httpserver):
    etag = '"v1"'
    modified = "Wed, 21 Oct 2025 07:28:00 GMT"
    httpserver.expect_ordered_request("/listing").respond_with_data(
        "<html>plans</html>", headers={"ETag": etag, "Last-Modified": modified}
    )
    httpserver.expect_ordered_request(
        "/listing", headers={"If-None-Match": etag, "If-Modified-Since": modified}
    ).respond_with_data("", status=304)
    client = make_client(FakeTime())
    first = client.get(httpserver.url_for("/listing"), conditional=True)
    second = client.get(httpserver.url_for("/listing"), conditional=True)
    assert (first.status_code, second.status_code) == (200, 304)
    assert second.content == b""


def test_validators_persist_across_clients(httpserver, tmp_path):
    store_path = tmp_path / "validators.json"
    httpserver.expect_ordered_request("/p").respond_with_data("body", headers={"ETag": '"abc"'})
    httpserver.expect_ordered_request("/p", headers={"If-None-Match": '"abc"'}).respond_with_data(
        "", status=304
    )
    for expected in (200, 304):
        client = make_client(FakeTime())
        client.validator_store = JsonFileValidatorStore(store_path)
        assert client.get(httpserver.url_for("/p"), conditional=True).status_code == expected


def test_304_without_conditional_is_an_error(httpserver):
    httpserver.expect_request("/p").respond_with_data("", status=304)
    with pytest.raises(HttpStatusError, match="HTTP 304"):
        make_client(FakeTime()).get(httpserver.url_for("/p"))


def test_min_interval_per_host(httpserver):
    httpserver.expect_request("/a").respond_with_data("a")
    fake = FakeTime()
    client = make_client(fake, min_interval_seconds=2.5)
    client.get(httpserver.url_for("/a"))
    client.get(httpserver.url_for("/a"))
    other_host = httpserver.url_for("/a").replace("localhost", "127.0.0.1")
    client.get(other_host)
    assert fake.sleeps == [2.5]


def test_rate_limit_headers_exhausted_wait_for_reset(httpserver):
    httpserver.expect_ordered_request("/r").respond_with_data(
        "a", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}
    )
    httpserver.expect_ordered_request("/r").respond_with_data("b")
    fake = FakeTime()
    client = make_client(fake)
    client.get(httpserver.url_for("/r"))
    client.get(httpserver.url_for("/r"))
    assert fake.sleeps == [30.0]


def test_rate_limit_budget_is_spread_over_the_window(httpserver):
    fake = FakeTime()
    reset_epoch = int(fake.now) + 100
    httpserver.expect_ordered_request("/r").respond_with_data(
        "a", headers={"RateLimit-Remaining": "11", "X-RateLimit-Reset": str(reset_epoch)}
    )
    httpserver.expect_ordered_request("/r").respond_with_data("b")
    client = make_client(fake)
    client.get(httpserver.url_for("/r"))
    client.get(httpserver.url_for("/r"))
    # 100 s left, 11 remaining, 1 kept in reserve -> one request per 10 s
    assert fake.sleeps == [pytest.approx(10.0)]


def test_parse_rate_limit_structured_header():
    state = parse_rate_limit({"RateLimit": "limit=100, remaining=5, reset=20"}, now=0)
    assert (state.remaining, state.reset_seconds) == (5, 20)
    assert parse_rate_limit({"Content-Type": "text/html"}, now=0) is None


def test_parse_retry_after_forms():
    assert parse_retry_after("120", now=0) == 120
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40) == 60
    assert parse_retry_after("soon", now=0) is None
    assert parse_retry_after(None, now=0) is None


def test_redact_url():
    url = "https://user:pw@api.example.org/v1/works?search=plc&api_key=XYZ&mailto=a@b.org"
    redacted = redact_url(url)
    assert "XYZ" not in redacted and "pw" not in redacted
    assert "search=plc" in redacted and "api_key=REDACTED" in redacted


def test_config_from_env_and_bad_value():
    config = HttpConfig.from_env(
        {
            "LT_HTTP_USER_AGENT": "tester/1",
            "LT_HTTP_TIMEOUT_SECONDS": "7.5",
            "LT_HTTP_MAX_RETRIES": "2",
            "LT_HTTP_MIN_INTERVAL_SECONDS": "0.25",
            "LT_HTTP_BACKOFF_MAX_SECONDS": "9",
        }
    )
    assert config == HttpConfig(
        user_agent="tester/1",
        timeout_seconds=7.5,
        max_retries=2,
        min_interval_seconds=0.25,
        backoff_max_seconds=9.0,
    )
    assert HttpConfig.from_env({}) == HttpConfig()
    with pytest.raises(ValueError, match="LT_HTTP_MAX_RETRIES='many'"):
        HttpConfig.from_env({"LT_HTTP_MAX_RETRIES": "many"})


def test_base_url_from_env():
    assert base_url_from_env("LT_X_BASE_URL", "https://a.org/", {}) == "https://a.org"
    assert base_url_from_env("LT_X_BASE_URL", "https://a.org", {"LT_X_BASE_URL": "http://m/"}) == (
        "http://m"
    )


def test_remember_false_defers_validators(httpserver):
    httpserver.expect_request("/p").respond_with_data("body", headers={"ETag": '"e1"'})
    client = make_client(FakeTime())
    response = client.get(httpserver.url_for("/p"), conditional=True, remember=False)
    assert client.validator_store.get(httpserver.url_for("/p")) is None
    client.remember(httpserver.url_for("/p"), response.headers)
    assert client.validator_store.get(httpserver.url_for("/p")).etag == '"e1"'
