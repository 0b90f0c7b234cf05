"""Every ```python sample in docs/*.md runs, so the user guide cannot drift from the code.

Each fenced block tagged exactly ``python`` is executed on its own, in a fresh
namespace, from a temporary working directory. Samples check themselves with
``assert``. Blocks that must not run (``api.run()``, shell sessions) use another
tag, such as ``python-norun`` or ``console``.

The block is compiled with the Markdown file's name and padded so that line
numbers in a traceback point at the line in the ``.md`` file.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

# An opening fence of exactly ```python (not ```python-norun), the body, a closing fence.
FENCE = re.compile(r"^```python[ \t]*\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _samples() -> list[pytest.ParameterSet]:
    params = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for index, match in enumerate(FENCE.finditer(text)):
            first_line = text.count("\n", 0, match.start("code"))
            params.append(
                pytest.param(path, first_line, match.group("code"), id=f"{path.name}-{index}")
            )
    return params


SAMPLES = _samples()


def test_the_guide_has_samples_to_run():
    # Guards against a fence regex that silently matches nothing.
    names = {param.values[0].name for param in SAMPLES}
    assert {"quickstart.md", "resources.md"} <= names


@pytest.mark.parametrize(("path", "first_line", "code"), SAMPLES)
def test_docs_sample_runs(path, first_line, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = "\n" * first_line + code
    compiled = compile(source, str(path), "exec")
    # A real module, so that libraries resolving names through sys.modules
    # (pydantic's forward references) see the sample as user code would be seen.
    module = types.ModuleType("docs_sample")
    monkeypatch.setitem(sys.modules, "docs_sample", module)
    exec(compiled, module.__dict__)
