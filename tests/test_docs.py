"""Every ```python sample in docs/*.md runs, so the user guide cannot drift from the code.

The samples are found and run by :mod:`tests.docs_samples`, which
``scripts/check-bare-install`` also runs in a venv that has only ``pip install .``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .docs_samples import find_samples, run_sample

RUNNER = Path(__file__).resolve().parent / "docs_samples.py"
SAMPLES = find_samples()


def test_the_guide_has_samples_to_run():
    # Guards against a fence regex that silently matches nothing.
    names = {sample.path.name for sample in SAMPLES}
    assert {"quickstart.md", "resources.md"} <= names


@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.id for sample in SAMPLES])
def test_docs_sample_runs(sample):
    run_sample(sample)


def run_runner(docs: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(RUNNER), str(docs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write_page(docs: Path, *blocks: str) -> None:
    fences = [f"```python\n{textwrap.dedent(block).strip()}\n```\n" for block in blocks]
    (docs / "page.md").write_text("# A page\n\n" + "\nSome prose.\n\n".join(fences))


def test_runner_fails_on_a_sample_that_imports_what_is_not_installed(tmp_path):
    write_page(
        tmp_path,
        "import responder\nassert responder.API()",
        "import not_installed_anywhere_xyz",
        "assert 1 + 1 == 3",
    )
    result = run_runner(tmp_path)
    assert result.returncode == 1
    assert "docs-samples: 1 passed, 2 failed, 0 skipped" in result.stdout
    # The traceback points at the line of page.md, not at the runner.
    assert 'page.md", line 11' in result.stderr
    assert "ModuleNotFoundError: No module named 'not_installed_anywhere_xyz'" in result.stderr
    assert "failed: page.md-1, page.md-2" in result.stderr


def test_runner_skips_a_sample_whose_declared_requirement_is_missing(tmp_path):
    write_page(
        tmp_path,
        "# requires: not_installed_anywhere_xyz\nimport not_installed_anywhere_xyz",
        "# requires: json\nimport json\nassert json.loads('1') == 1",
    )
    result = run_runner(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "skipped page.md-0 (requires not_installed_anywhere_xyz)" in result.stdout
    assert "docs-samples: 1 passed, 0 failed, 1 skipped" in result.stdout


def test_runner_with_no_samples_fails(tmp_path):
    (tmp_path / "page.md").write_text("```python-norun\napi.run()\n```\n")
    result = run_runner(tmp_path)
    assert result.returncode == 1
    assert "no ```python samples found" in result.stderr


def test_samples_run_with_warnings_as_errors(tmp_path):
    write_page(tmp_path, "import warnings\nwarnings.warn('stale', DeprecationWarning)")
    result = run_runner(tmp_path)
    assert result.returncode == 1
    assert "DeprecationWarning: stale" in result.stderr


def test_a_one_module_page_runs_its_blocks_in_order_as_one_sample(tmp_path):
    """A tutorial grows its app block by block; a page in a folder is found too."""
    folder = tmp_path / "tutorial"
    folder.mkdir()
    write_page(folder, "app = ['built']", "app.append('grown')\nassert app == ['built', 'grown']")
    page = folder / "page.md"
    page.write_text("<!-- samples: one module -->\n" + page.read_text())
    result = run_runner(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "docs-samples: 1 passed, 0 failed, 0 skipped" in result.stdout
    page.write_text(page.read_text().replace("'grown']\n", "'other']\n"))
    result = run_runner(tmp_path)
    assert "failed: tutorial/page.md-all" in result.stderr
    assert 'page.md", line 12' in result.stderr  # the second block's assert
