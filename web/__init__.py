"""The HTTP face of the graph (Flask)."""
