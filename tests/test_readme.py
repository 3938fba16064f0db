"""The README stays true: its first command works on a fresh clone, its figures and lead notes match the code."""

import os
import re
import shutil
import subprocess
import tomllib

import pytest

from support import project

README = (project.ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)


def test_readme_opens_with_the_two_commands():
    first, second = commands()[:2]
    assert "pip install" in first and "perr build" in first
    assert second == "bash scripts/test.sh"
    assert "bash scripts/test.sh" in (project.ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", ["stats", "example", "findings"])
def test_generated_blocks_match_the_code(name):
    """The stats table, the example's answer and the validation findings are what the code gives today
    (refresh them with scripts/refresh-readme.py)."""
    import sys

    sys.path.insert(0, str(project.ROOT / "scripts"))
    from readme_blocks import generate

    block = re.search(rf"<!-- {name}:begin -->\n```\n(.*?)\n```", README, flags=re.S).group(1)
    assert block == generate(name)


def test_lead_notes_are_the_configurations_words():
    for cfg_path in sorted(project.PROTOCOLS.glob("*.toml")):
        note = " ".join(tomllib.loads(cfg_path.read_text(encoding="utf-8"))["lead_note"].split())
        assert note in " ".join(README.split()), cfg_path.name


@pytest.mark.slow
def test_first_command_on_a_fresh_clone(tmp_path):
    """Clone the committed project and run the README's first command there (it installs from PyPI)."""
    if not (project.ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project.ROOT), str(clone)], check=True, timeout=120)
    if not (clone / "README.md").exists():
        pytest.skip("nothing committed yet")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PERR_HOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    done = subprocess.run(
        ["bash", "-c", commands()[0]], cwd=clone, capture_output=True, text=True, timeout=900, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (clone / "dist" / "perr.nq").exists()
    assert "montelimar" in done.stdout
    shutil.rmtree(clone / ".venv", ignore_errors=True)
