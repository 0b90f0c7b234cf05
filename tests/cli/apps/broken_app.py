"""A module whose own import fails: its traceback is the user's to see."""

raise RuntimeError("broken at import time")
