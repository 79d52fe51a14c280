"""The DSR knowledge-graph toolkit: load curated Turtle, validate, reason, build, query.

The pipeline reads top to bottom through these modules:
``config`` -> ``loading`` -> ``quotes`` -> ``claims`` -> ``reasoning`` ->
``validation`` -> ``build`` (writes ``dist/``) -> ``store`` -> ``queries``.
"""

__version__ = "0.1.0"
