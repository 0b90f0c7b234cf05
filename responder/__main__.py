"""``python -m responder``: the same as the ``responder`` command."""

from .cli import main

# The guard matters: --workers and --reload start children with multiprocessing's
# "spawn", which imports this module again (as __mp_main__) in each child.
if __name__ == "__main__":
    raise SystemExit(main())
