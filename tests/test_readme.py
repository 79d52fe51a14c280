"""The README is a contract: its commands exist and its example queries run and answer."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sparql_blocks() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README, flags=re.S)


def test_readme_shows_three_example_queries():
    assert len(sparql_blocks()) >= 3


def test_readme_queries_run_and_the_first_two_answer(store):
    blocks = sparql_blocks()
    for i, text in enumerate(blocks):
        rows = list(store.query(text))
        if i < 2:
            labels = {r["label"].value for r in rows}
            assert "Albania" in labels, f"README query {i + 1} should list Albania: {labels}"


def test_readme_setup_commands_are_make_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("serve", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, flags=re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
