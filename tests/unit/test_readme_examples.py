"""Every command example in the README runs as written on a fresh demo database (issue 19, 10):
a newcomer types them first."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

from app.services.setup.demo_street import EXAMPLE_ID_NUMBER
from tests.integration.conftest import ROOT

FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands() -> list[list[str]]:
    """The ``yichuang …`` lines of the README's sh blocks, comments taken off, in order (the
    quick-start scripts are what CI itself runs)."""
    commands = []
    for block in FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "yichuang":
                commands.append(words[1:])
    return commands


def test_the_readme_has_examples_and_they_name_the_example_resident():
    commands = readme_commands()
    assert len(commands) >= 4 and ["init", "--demo"] in commands
    assert any(EXAMPLE_ID_NUMBER in words for words in commands)


def test_every_readme_example_runs_as_written_on_a_fresh_demo_street(tmp_path):
    env = {**os.environ, "YICHUANG_DB": str(tmp_path / "yichuang.db"), "YICHUANG_LOG_DIR": str(tmp_path)}
    for words in readme_commands():
        done = subprocess.run(
            [sys.executable, "-m", "app", *words],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 0, f"yichuang {' '.join(words)}: {done.stderr}"
        if words[0] == "lookup":
            assert json.loads(done.stdout)["id_number"] == EXAMPLE_ID_NUMBER


def test_every_demo_street_holds_the_example_resident_whatever_the_seed(demo_db):
    from sqlalchemy import select

    from app.models import Resident

    with demo_db.sessions() as session:  # the tests' street: another seed, another size, another day
        example = session.scalars(select(Resident).where(Resident.id_number == EXAMPLE_ID_NUMBER)).one()
        assert example.sex == "male" and example.birth_date.isoformat() == "1975-09-18"
        assert example.relation_to_head == "户主"
