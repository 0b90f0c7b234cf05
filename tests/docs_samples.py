"""Find and run the ```python samples of docs/*.md; shared by pytest and the bare-install check.

Standard library only, so that ``scripts/check-bare-install`` can run it with the
interpreter of a venv that has nothing but ``pip install .``::

    python -I tests/docs_samples.py docs/

(``-I`` keeps this directory, whose ``websockets/`` and ``docs/`` packages would
shadow real ones, off ``sys.path``.)

Pages are found in ``docs/`` and its folders. Each fenced block tagged exactly
``python`` runs on its own, in a fresh module, from a temporary working
directory, except on a page that says ``<!-- samples: one module -->``
(a tutorial whose app grows block by block): its blocks run in page order in
one module and one working directory, as one sample. Blocks that must not run use another tag
(``python-norun``, ``console``). A sample that needs a package Responder does
not install says so on its first line, e.g. ``# requires: flask``; the bare
check skips it when that package is missing, and names it.

Blocks are compiled with the Markdown file's name and padded so that line
numbers in a traceback point at the line in the ``.md`` file.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
import traceback
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"

# An opening fence of exactly ```python (not ```python-norun), the body, a closing fence.
FENCE = re.compile(r"^```python[ \t]*\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
REQUIRES = re.compile(r"#\s*requires:\s*(?P<names>[\w., -]+)")
ONE_MODULE = "<!-- samples: one module -->"


@dataclass(frozen=True)
class Sample:
    """What runs as one: a block, or every block of a one-module page, in page order."""

    path: Path
    name: str  # the page's path under the docs folder
    blocks: tuple[tuple[int, str], ...]  # (lines before the code in the .md file, the code)
    index: int | None  # the block's place on its page; None for a whole page

    @property
    def id(self) -> str:
        return f"{self.name}-{'all' if self.index is None else self.index}"

    @property
    def code(self) -> str:
        return "\n".join(code for _, code in self.blocks)

    @property
    def requires(self) -> list[str]:
        """The import names listed by a ``# requires:`` first line (of the first block)."""
        first = self.blocks[0][1].split("\n", 1)[0]
        match = REQUIRES.fullmatch(first.strip())
        if match is None:
            return []
        return [name.strip() for name in match["names"].split(",") if name.strip()]

    def missing(self) -> list[str]:
        """The required packages that this interpreter cannot import."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]


def find_samples(docs: Path = DOCS) -> list[Sample]:
    """Every runnable sample in ``docs/**/*.md``, in file and then page order."""
    samples = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(docs).as_posix()
        blocks = [
            (text.count("\n", 0, match.start("code")), match.group("code"))
            for match in FENCE.finditer(text)
        ]
        if blocks and ONE_MODULE in text:
            samples.append(Sample(path, name, tuple(blocks), None))
        else:
            samples.extend(Sample(path, name, (block,), i) for i, block in enumerate(blocks))
    return samples


def run_sample(sample: Sample) -> None:
    """Execute ``sample`` in a fresh module, from a temporary directory, warnings as errors.

    The module is registered in ``sys.modules`` while it runs, so that libraries
    resolving names through it (pydantic's forward references) see the sample
    as they would see user code.
    """
    compiled = [
        compile("\n" * first_line + code, str(sample.path), "exec")
        for first_line, code in sample.blocks
    ]
    module = types.ModuleType("docs_sample")
    previous_cwd = os.getcwd()
    previous_module = sys.modules.get("docs_sample")
    with tempfile.TemporaryDirectory() as workdir, warnings.catch_warnings():
        warnings.simplefilter("error")
        os.chdir(workdir)
        sys.modules["docs_sample"] = module
        try:
            for block in compiled:
                exec(block, module.__dict__)
        finally:
            os.chdir(previous_cwd)
            if previous_module is None:
                sys.modules.pop("docs_sample", None)
            else:
                sys.modules["docs_sample"] = previous_module


def main(argv: list[str]) -> int:
    """Run every sample under ``argv[0]`` (default docs/); 1 if any fails or none was found."""
    docs = Path(argv[0]) if argv else DOCS
    samples = find_samples(docs)
    passed, failed, skipped = 0, [], []
    for sample in samples:
        missing = sample.missing()
        if missing:
            skipped.append(f"{sample.id} (requires {', '.join(missing)})")
            continue
        try:
            run_sample(sample)
        except Exception:  # report every failure, then go on
            failed.append(sample.id)
            print(f"FAILED {sample.id}:", file=sys.stderr)
            traceback.print_exc()
        else:
            passed += 1
    for name in skipped:
        print(f"skipped {name}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    print(f"docs-samples: {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
    if not samples:
        print(f"no ```python samples found in {docs}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
