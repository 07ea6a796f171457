"""``yichuang id check``: every argument after ``check`` is an ID, and the exit code is 0 only
when all of them are valid, whatever they look like (issue 20, point 10)."""

from __future__ import annotations

import json

import pytest

from app.cli import main

VALID = "11010519491231002X"


def check(capsys, *numbers: str) -> tuple[int, list[dict]]:
    try:
        code = main(["id", "check", *numbers])
    except SystemExit as exc:  # argparse's help or usage error, as a shell would see it
        code = exc.code if isinstance(exc.code, int) else 2
    out, _ = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "numbers",
    [
        ("123", "-h"),
        ("-h",),
        ("--help",),
        (VALID, "--version"),
        (VALID, "--db", "x.db"),
        ("-110105194912310021",),  # wrong check digit behind a leading hyphen
        ("--", "-123"),
        ("--", VALID, "--"),  # only the first "--" ends options; a second one is an argument
    ],
)
def test_option_like_arguments_are_ids_and_the_exit_code_says_invalid(capsys, numbers):
    code, rows = check(capsys, *numbers)
    given = numbers[1:] if numbers[0] == "--" else numbers
    assert code == 1
    assert len(rows) == len(given), "every argument is reported, none is taken for an option"
    assert rows[-1]["valid"] is False


def test_a_leading_double_dash_is_the_usual_end_of_options(capsys):
    code, rows = check(capsys, "--", VALID)
    assert code == 0 and [r["id"] for r in rows] == [VALID]


def test_all_valid_exits_zero_and_one_invalid_among_them_exits_one(capsys):
    assert check(capsys, VALID, VALID)[0] == 0
    code, rows = check(capsys, VALID, "-1", VALID)
    assert code == 1 and [r["valid"] for r in rows] == [True, False, True]
