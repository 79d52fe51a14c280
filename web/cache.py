"""Answers to repeated identical requests, kept per server worker and valid as long as
the dataset version they were computed from (``Backend.version()``).

The cache sits in front of Flask as WSGI middleware, so a repeated query costs a
dictionary look-up instead of a request object, a query process round trip and a
serialisation. A request is identified by method, path, query string, the headers that
select the answer (Accept) and, for POST, its body. Clients that send
``Cache-Control: no-cache`` get a freshly computed answer (which then replaces the
cached one). Conditional GETs (``If-None-Match``) get 304 from the cache too.

Views opt in by calling ``ResponseCache.store(response)`` on a successful response.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from flask import Response, current_app, request

ENVIRON_KEY = "dsr.cache_key"


@dataclass
class _Entry:
    version: str
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class ResponseCache:
    """A bounded LRU of whole responses for some path prefixes."""

    def __init__(self, version: Callable[[], str], prefixes: tuple[str, ...],
                 max_bytes: int = 64 * 1024 * 1024, max_entry: int = 4 * 1024 * 1024,
                 max_body: int = 64 * 1024):
        self.version = version
        self.prefixes = prefixes
        self.max_bytes, self.max_entry, self.max_body = max_bytes, max_entry, max_body
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    # -- WSGI side ---------------------------------------------------------------
    def wrap(self, app):
        def middleware(environ, start_response):
            method = environ.get("REQUEST_METHOD", "GET")
            path = environ.get("PATH_INFO", "")
            if method not in ("GET", "HEAD", "POST") or not path.startswith(self.prefixes):
                return app(environ, start_response)
            body = b""
            if method == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or -1)
                except ValueError:
                    length = -1
                if not 0 <= length <= self.max_body:
                    return app(environ, start_response)     # the view says what is wrong
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)
            key = hashlib.sha256("\x00".join((
                "GET" if method == "HEAD" else method, path, environ.get("QUERY_STRING", ""),
                environ.get("HTTP_ACCEPT", ""), environ.get("CONTENT_TYPE", ""),
            )).encode("utf-8", "surrogateescape") + b"\x00" + body).hexdigest()
            environ[ENVIRON_KEY] = key
            no_cache = "no-cache" in environ.get("HTTP_CACHE_CONTROL", "") or \
                "no-cache" in environ.get("HTTP_PRAGMA", "")
            entry = None if no_cache else self._entries.get(key)
            if entry is None or entry.version != self.version():
                self.misses += 1
                return app(environ, start_response)
            self.hits += 1
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
            if method != "POST" and _matches(environ.get("HTTP_IF_NONE_MATCH"), entry.etag):
                start_response("304 Not Modified", [h for h in entry.headers
                                                    if h[0] not in ("Content-Type", "Content-Length")])
                return [b""]
            start_response(entry.status, entry.headers)
            return [b""] if method == "HEAD" else [entry.body]
        return middleware

    # -- Flask side --------------------------------------------------------------
    def store(self, response: Response, version: str) -> None:
        """Keep a successful, complete response for the current request."""
        key = request.environ.get(ENVIRON_KEY)
        if key is None or response.status_code != 200 or response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.max_entry:
            return
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
        entry = _Entry(version, response.status, headers, body, response.headers.get("ETag", ""))
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += len(body)
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def stats(self) -> dict:
        return {"entries": len(self._entries), "bytes": self._size, "hits": self.hits, "misses": self.misses}


def _matches(header: str | None, etag: str) -> bool:
    if not header or not etag:
        return False
    if header.strip() == "*":
        return True
    weak = etag[2:] if etag.startswith("W/") else etag
    return any((tag.strip()[2:] if tag.strip().startswith("W/") else tag.strip()) == weak
               for tag in header.split(","))


def response_cache() -> ResponseCache | None:
    return current_app.extensions.get("dsr-cache")
