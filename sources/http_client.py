"""The polite HTTP client shared by every connector.

One `PoliteClient` per run: it paces requests per host (a minimum interval, plus the budget
announced by rate-limit headers), retries transient failures with exponential backoff and
jitter (honouring `Retry-After`), sends a descriptive User-Agent, makes conditional requests
(ETag / Last-Modified) so an unchanged page costs one cheap 304, and raises `HttpError`s whose
message names the method, the URL (secrets redacted), the status and the reason.

Sleep and clocks are injectable so tests never really wait.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

DEFAULT_USER_AGENT = (
    "learning-teams-warehouse/0.1 (open-source research ETL on education sector plans; "
    "polite: rate-limited, conditional requests)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
SECRET_PARAM_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "api-key",
        "key",
        "token",
        "access_token",
        "auth",
        "password",
        "secret",
        "client_secret",
        "signature",
        "sig",
    }
)
REDACTED = "REDACTED"


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class HttpConfig:
    """How politely to talk to a service. `from_env()` reads the LT_HTTP_* variables."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_seconds: float = 30.0
    max_retries: int = 4
    min_interval_seconds: float = 1.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    # A Retry-After or rate-limit reset longer than this is not waited for: the call fails.
    max_wait_seconds: float = 600.0
    # Requests kept in reserve: at or below this many remaining, wait for the window reset.
    rate_limit_reserve: int = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> HttpConfig:
        env = os.environ if environ is None else environ
        values: dict = {}
        for name, variable, cast in (
            ("user_agent", "LT_HTTP_USER_AGENT", str),
            ("timeout_seconds", "LT_HTTP_TIMEOUT_SECONDS", float),
            ("max_retries", "LT_HTTP_MAX_RETRIES", int),
            ("min_interval_seconds", "LT_HTTP_MIN_INTERVAL_SECONDS", float),
            ("backoff_base_seconds", "LT_HTTP_BACKOFF_BASE_SECONDS", float),
            ("backoff_max_seconds", "LT_HTTP_BACKOFF_MAX_SECONDS", float),
            ("max_wait_seconds", "LT_HTTP_MAX_WAIT_SECONDS", float),
            ("rate_limit_reserve", "LT_HTTP_RATE_LIMIT_RESERVE", int),
        ):
            raw = env.get(variable, "").strip()
            if raw:
                try:
                    values[name] = cast(raw)
                except ValueError as exc:
                    raise ValueError(f"{variable}={raw!r} is not a valid {cast.__name__}") from exc
        values.update(overrides)
        return cls(**values)


# --------------------------------------------------------------------------- errors


class HttpError(Exception):
    """A request that failed for good. The message never contains secrets."""

    def __init__(
        self,
        method: str,
        url: str,
        reason: str,
        status: int | None = None,
        attempts: int = 1,
    ):
        self.method = method
        self.url = redact_url(url)
        self.status = status
        self.reason = redact_text(reason, url)
        self.attempts = attempts
        status_text = f"HTTP {status}" if status is not None else "no response"
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{method} {self.url} failed{tries}: {status_text}: {self.reason}")


class HttpStatusError(HttpError):
    """The server answered with a status that is not success (after any retries)."""


class HttpTransportError(HttpError):
    """No usable answer: connection refused or reset, timeout, broken transfer."""


class RateLimitWaitTooLong(HttpError):
    """The server asked us to wait longer than `max_wait_seconds`."""


# --------------------------------------------------------------------------- redaction


def redact_url(url: str) -> str:
    """The URL with secret query parameters and any user:password replaced by REDACTED."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _redact_pairs(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, REDACTED if k.lower() in SECRET_PARAM_NAMES else v) for k, v in pairs],
            safe=",:/",
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_SECRET_PAIR = re.compile(
    r"(?i)\b(" + "|".join(re.escape(n) for n in sorted(SECRET_PARAM_NAMES)) + r")=([^&\s'\"]+)"
)


def _redact_pairs(text: str) -> str:
    return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def redact_text(text: str, url: str | None = None) -> str:
    """Text (e.g. an exception message quoting the URL) with secrets redacted."""
    if url:
        text = text.replace(url, redact_url(url))
    return _redact_pairs(text)


# --------------------------------------------------------------------------- validators


@dataclass(frozen=True)
class Validators:
    """What makes a request conditional: the ETag and Last-Modified of the copy we hold."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Validators:
        return cls(etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


class ValidatorStore(Protocol):
    def get(self, url: str) -> Validators | None: ...

    def put(self, url: str, validators: Validators) -> None: ...


class MemoryValidatorStore:
    """Validators kept for the life of the client."""

    def __init__(self) -> None:
        self._data: dict[str, Validators] = {}

    def get(self, url: str) -> Validators | None:
        return self._data.get(url)

    def put(self, url: str, validators: Validators) -> None:
        self._data[url] = validators


class JsonFileValidatorStore:
    """Validators kept in a JSON file, so a later run can ask "changed since?"."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def get(self, url: str) -> Validators | None:
        entry = self._read().get(url)
        return Validators(**entry) if entry else None

    def put(self, url: str, validators: Validators) -> None:
        with self._lock:
            data = self._read()
            data[url] = {"etag": validators.etag, "last_modified": validators.last_modified}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)


# --------------------------------------------------------------------------- header parsing


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def _first_number(value: str | None) -> float | None:
    if value is None:
        return None
    match = re.search(r"-?\d+(\.\d+)?", value)
    return float(match.group()) if match else None


@dataclass(frozen=True)
class RateLimitState:
    remaining: float | None
    reset_seconds: float | None


def parse_rate_limit(headers: Mapping[str, str], now: float) -> RateLimitState | None:
    """Remaining budget and seconds to the window reset from common rate-limit headers.

    Understands `X-RateLimit-Remaining`/`X-RateLimit-Reset` (reset as delta seconds or as a
    Unix epoch), `RateLimit-Remaining`/`RateLimit-Reset` (IETF draft, delta seconds) and the
    structured `RateLimit: limit=…, remaining=…, reset=…` form.
    """
    remaining = reset = None
    for prefix in ("X-RateLimit-", "RateLimit-", "X-Rate-Limit-"):
        if remaining is None:
            remaining = _first_number(headers.get(prefix + "Remaining"))
        if reset is None:
            reset = _first_number(headers.get(prefix + "Reset"))
    combined = headers.get("RateLimit")
    if combined:
        fields = dict(re.findall(r"(\w+)\s*=\s*(-?\d+(?:\.\d+)?)", combined))
        if remaining is None and "remaining" in fields:
            remaining = float(fields["remaining"])
        if reset is None and "reset" in fields:
            reset = float(fields["reset"])
    if remaining is None and reset is None:
        return None
    if reset is not None and reset > 1_000_000_000:  # an epoch, not a delta
        reset = max(0.0, reset - now)
    return RateLimitState(remaining=remaining, reset_seconds=reset)


# --------------------------------------------------------------------------- the client


@dataclass
class _HostPace:
    not_before: float = 0.0
    last_request: float | None = None


@dataclass
class PoliteClient:
    """requests.Session wrapper: pacing, retries, conditional GETs, clear errors."""

    config: HttpConfig = field(default_factory=HttpConfig.from_env)
    session: requests.Session | None = None
    validator_store: ValidatorStore = field(default_factory=MemoryValidatorStore)
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    random: Callable[[], float] = random.random
    _hosts: dict[str, _HostPace] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.session is None:
            self.session = requests.Session()
        self.session.headers["User-Agent"] = self.config.user_agent

    # -- public ---------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        remember: bool = True,
    ) -> requests.Response:
        """GET with retries. With `conditional=True` the stored ETag/Last-Modified are sent
        and a 304 comes back as the response (`response.status_code == 304`); a 200 updates
        the store, unless `remember=False` (then call `remember()` once the body has been
        processed, so a failed run is not mistaken for an unchanged page next time). Any other
        non-2xx status raises `HttpStatusError`."""
        return self.request(
            "GET", url, params=params, headers=headers, conditional=conditional, remember=remember
        )

    def remember(
        self,
        url: str,
        response_headers: Mapping[str, str],
        params: Mapping[str, str] | None = None,
    ) -> None:
        """Store the validators of a response processed successfully (see `get`)."""
        validators = Validators.from_headers(response_headers)
        if validators:
            self.validator_store.put(_cache_key(url, params), validators)

    def backoff(self, attempt: int) -> None:
        """Sleep as before retry number `attempt` (for callers that retry on content)."""
        self._backoff(attempt, None)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        remember: bool = True,
    ) -> requests.Response:
        send_headers = dict(headers or {})
        key = _cache_key(url, params)
        if conditional:
            held = self.validator_store.get(key)
            if held:
                send_headers.update(held.request_headers())
        attempts = self.config.max_retries + 1
        url_for_errors = key
        for attempt in range(1, attempts + 1):
            host = urlsplit(url).netloc.lower()
            self._wait_for_turn(method, url, host)
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    headers=send_headers,
                    timeout=self.config.timeout_seconds,
                )
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                reason = f"{type(exc).__name__}: {exc}"
                if attempt == attempts:
                    raise HttpTransportError(
                        method, url_for_errors, reason, attempts=attempt
                    ) from None
                self._backoff(attempt, None)
                continue
            except requests.RequestException as exc:  # invalid URL, too many redirects...
                reason = f"{type(exc).__name__}: {exc}"
                raise HttpTransportError(method, url_for_errors, reason, attempts=attempt) from None
            self._note_rate_limit(method, url, host, response)
            status = response.status_code
            if 200 <= status < 300 or (status == 304 and conditional):
                if conditional and remember and status != 304:
                    self.remember(url, response.headers, params)
                return response
            reason = response.reason or _status_phrase(status)
            if status in RETRY_STATUSES and attempt < attempts:
                retry_after = None
                if status in RETRY_AFTER_STATUSES:
                    retry_after = parse_retry_after(
                        response.headers.get("Retry-After"), self.wall_clock()
                    )
                    if retry_after is not None and retry_after > self.config.max_wait_seconds:
                        raise RateLimitWaitTooLong(
                            method,
                            url_for_errors,
                            f"{reason}; Retry-After {retry_after:.0f}s exceeds the "
                            f"{self.config.max_wait_seconds:.0f}s limit",
                            status=status,
                            attempts=attempt,
                        )
                response.close()
                self._backoff(attempt, retry_after)
                continue
            raise HttpStatusError(method, url_for_errors, reason, status=status, attempts=attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- pacing ---------------------------------------------------------------------------

    def _wait_for_turn(self, method: str, url: str, host: str) -> None:
        with self._lock:
            pace = self._hosts.setdefault(host, _HostPace())
            now = self.monotonic()
            earliest = pace.not_before
            if pace.last_request is not None:
                earliest = max(earliest, pace.last_request + self.config.min_interval_seconds)
            wait = earliest - now
            if wait > self.config.max_wait_seconds:
                raise RateLimitWaitTooLong(
                    method,
                    url,
                    f"rate-limit budget exhausted; the window resets in {wait:.0f}s, over the "
                    f"{self.config.max_wait_seconds:.0f}s limit",
                )
            if wait > 0:
                self.sleep(wait)
                now = self.monotonic()
            pace.last_request = now

    def _note_rate_limit(
        self, method: str, url: str, host: str, response: requests.Response
    ) -> None:
        """Spread what is left of the announced budget over the window; stop at the reserve."""
        state = parse_rate_limit(response.headers, self.wall_clock())
        if state is None or state.remaining is None or state.reset_seconds is None:
            return
        now = self.monotonic()
        if state.remaining <= self.config.rate_limit_reserve:
            delay = state.reset_seconds
        else:
            spare = state.remaining - self.config.rate_limit_reserve
            delay = state.reset_seconds / spare
        with self._lock:
            pace = self._hosts.setdefault(host, _HostPace())
            pace.not_before = max(pace.not_before, now + delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> None:
        """Exponential backoff with jitter; a server's Retry-After wins when it is longer."""
        ceiling = min(
            self.config.backoff_max_seconds,
            self.config.backoff_base_seconds * (2 ** (attempt - 1)),
        )
        delay = ceiling / 2 + self.random() * ceiling / 2
        if retry_after is not None:
            delay = max(delay, retry_after)
        if delay > 0:
            self.sleep(delay)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _cache_key(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    joiner = "&" if urlsplit(url).query else "?"
    return url + joiner + urlencode(sorted(params.items()))


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "unknown status"


def base_url_from_env(variable: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """A service's base URL from its environment variable, without a trailing slash."""
    env = os.environ if environ is None else environ
    value = (env.get(variable) or "").strip() or default
    return value.rstrip("/")
