"""Shared fixtures: one real build of the project into a temporary dist/ per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import build
from kg.config import load_settings
from kg.loading import load_inputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return load_settings(dist=tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def built(settings):
    """The project's real graph, built once (violations fail the session loudly)."""
    build(settings, quiet=True, force=True)
    return settings


@pytest.fixture(scope="session")
def inputs(settings):
    return load_inputs(settings)


@pytest.fixture(scope="session")
def store(built):
    from kg.store import GraphStore
    return GraphStore(built)
