"""The WSGI entry point for production servers, configured by environment variables
(``DSR_ROOT``, ``DSR_BASE``, ``DSR_DIST``, ``DSR_STORE_URL`` and the limits of
``kg.limits``), which ``dsr serve`` sets for its worker processes.

    granian --interface wsgi --factory web.wsgi:create
    gunicorn 'web.wsgi:create()'
"""

from __future__ import annotations

import os

from flask import Flask

from kg.backend import open_backend
from kg.config import load_settings
from kg.limits import load_limits

from .app import create_app


def create() -> Flask:
    """One worker's app: its backend opened and its query processes started."""
    settings = load_settings()
    limits = load_limits()
    store_url = os.environ.get("DSR_STORE_URL") or None
    backend = open_backend(settings, store_url, limits)
    start = getattr(backend, "start", None)
    if start is not None:
        start()
    return create_app(settings, backend, DSR_STORE_URL=store_url)
