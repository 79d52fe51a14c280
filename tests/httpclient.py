"""Small HTTP helpers for tests against a live server (stdlib only, no hidden defaults)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
            timeout: float = 30) -> tuple[int, dict, bytes]:
    """(status, headers with lower-case names, body); HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def raw_request(base: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    """Exactly the given headers (urllib adds a form Content-Type to every body)."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get(base: str, query: str, accept: str = "application/sparql-results+json", path: str = "/sparql",
        **params) -> tuple[int, dict, bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return request(f"{base}{path}?{qs}", headers={"Accept": accept})
