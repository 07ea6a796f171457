"""The command line builds the parser of the command it runs only; the index that says which
module registers which command must agree with the modules."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil

import pytest

import app.commands
from app.cli import build_parser, command_in, main
from app.commands import COMMANDS


def _registered_by(module) -> list[str]:
    parser = argparse.ArgumentParser()
    module.register(parser.add_subparsers(dest="command"))
    return list(parser._subparsers._group_actions[0].choices)


def test_every_command_module_is_indexed_with_exactly_what_it_registers():
    """A module with ``register(subparsers)`` adds top-level commands; the others (the parts of
    a command, e.g. case_handling_cmd's actions of ``case``, street_office_cmd's of
    ``street-admin``) are imported by their command."""

    def top_level(name: str) -> bool:
        register = getattr(importlib.import_module(f"app.commands.{name}"), "register", None)
        return register is not None and len(inspect.signature(register).parameters) == 1

    modules = sorted(name for _, name, _ in pkgutil.iter_modules(app.commands.__path__) if top_level(name))
    assert sorted(set(COMMANDS.values())) == modules, "a command module is missing from COMMANDS"
    for name in modules:
        module = importlib.import_module(f"app.commands.{name}")
        indexed = [command for command, owner in COMMANDS.items() if owner == name]
        assert sorted(_registered_by(module)) == sorted(indexed), name


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], "desk"),
        (["--db", "x.db"], "desk"),
        (["--db", "x.db", "lookup", "110"], "lookup"),
        (["--db=x.db", "case", "list"], "case"),
        (["street-admin", "--help"], "street-admin"),
        (["--help"], None),
        (["--version"], None),
        (["nosuch"], None),
        (["--db", "x.db", "-h"], None),
    ],
)
def test_the_command_is_found_before_the_parser_is_built(argv, command):
    assert command_in(argv) == command


def test_a_parser_for_one_command_knows_only_that_module(capsys):
    parser = build_parser("id")
    choices = parser._subparsers._group_actions[0].choices
    assert set(choices) == {"id"}
    assert set(build_parser(None)._subparsers._group_actions[0].choices) == set(COMMANDS)


def test_a_mistyped_command_still_lists_every_command(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["lookpu"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "lookpu" in err and "'lookup'" in err and "'report'" in err
