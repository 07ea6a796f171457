"""The small print of the boards' staff cards: organisation (派出单位) and duty (职责) print whole, in
dark ink, at 7 points or more on the paper itself, and are shortened sensibly before anything is
cut."""

from __future__ import annotations

import pytest

from app.printing.boards.notes import NOTE_FLOOR_PT, fit_notes, note_sizes, short_forms
from app.printing.boards.pdf import layout_boards, page_size
from app.printing.boards.text import ELLIPSIS
from app.services.grids.boards import boards_data
from tests.conftest import DEMO_TODAY
from tests.unit.test_boards import COMBINATIONS, check_boxes, squash

STAFF_BOXES = ("card", "leader")


def small_print(boxes) -> list:
    """The organisation and duty lines of every staff card and the leader's card on a page."""
    return [
        box
        for box in boxes
        if box.kind in ("organisation", "duty")
        and box.parent is not None
        and boxes[box.parent].kind in STAFF_BOXES
    ]


def per_card(boxes, kind: str) -> dict[int, str]:
    """The lines of ``kind`` of each card, joined."""
    joined: dict[int, str] = {}
    for box in boxes:
        if box.kind == kind and box.parent is not None and boxes[box.parent].kind in STAFF_BOXES:
            joined[box.parent] = joined.get(box.parent, "") + box.text
    return joined


def luminance(ink: str) -> float:
    """Relative luminance (WCAG) of #rrggbb."""
    channels = [int(ink[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def assert_readable(boxes) -> None:
    """Every line of small print at 7 pt or more and dark: 7:1 contrast on white at least."""
    lines = small_print(boxes)
    assert lines
    too_small = [(box.text, round(box.size, 2)) for box in lines if box.size < NOTE_FLOOR_PT - 1e-6]
    assert too_small == []
    assert all((1.05) / (luminance(box.ink) + 0.05) >= 7 for box in lines), {box.ink for box in lines}


@pytest.mark.parametrize(("paper", "orientation"), COMBINATIONS)
def test_demo_boards_print_organisation_and_duty_whole_at_7pt_or_more(demo_db, paper, orientation):
    with demo_db.sessions() as session:
        boards = boards_data(session, None, DEMO_TODAY)
    pages = layout_boards(boards, paper=paper, orientation=orientation)
    width, height = page_size(paper, orientation)
    for board, boxes in zip(boards, pages, strict=True):
        assert check_boxes(boxes, width, height) == [], board.grid.code
        assert_readable(boxes)
        assert not [box.text for box in small_print(boxes) if ELLIPSIS in box.text], board.grid.code
        names = per_card(boxes, "name")
        duties, organisations = per_card(boxes, "duty"), per_card(boxes, "organisation")
        by_name = {person.name: person for person in board.staff}
        for card, name in names.items():
            person = by_name[name]
            if person.duty:  # whole, on the card or beside the leader
                assert squash(duties[card]).removeprefix("职责：") == squash(person.duty), name
            note = person.building or person.organisation
            if card in organisations:  # in full or in one of its short forms
                assert organisations[card] in short_forms(note), name
            elif boxes[card].kind == "card":
                assert not note, name


def test_short_forms_drop_what_the_reader_knows_before_the_unit_itself():
    assert short_forms("铜川市公安局王益分局桃园派出所") == [
        "铜川市公安局王益分局桃园派出所",
        "公安局王益分局桃园派出所",
        "王益分局桃园派出所",
        "桃园派出所",
    ]
    assert short_forms("王益区城市管理执法局")[-1] == "城市管理执法局"  # 城市 is a word, not a city
    assert short_forms("王益区市场监督管理局")[-1] == "市场监督管理局"  # so is 市场
    assert short_forms("西安市碑林区住房和城乡建设局")[-1] == "住房和城乡建设局"
    assert short_forms("新华社区居民委员会") == ["新华社区居民委员会"]  # 社区 is no district
    assert short_forms("桃园街道") == ["桃园街道"]
    assert short_forms("陕西华达物业服务有限公司（驻和平里）")[-1] == "陕西华达物业服务公司"


def test_sizes_never_go_below_7_printed_points():
    assert note_sizes(8, 6.5) == [8, 7.5, 7.0]
    assert note_sizes(5.0, 4.0) == [7.0]  # a small font factor on A4 does not take it below 7
    assert note_sizes(11.3, 9.2)[-1] == 9.2  # A3 keeps its proportions


def test_notes_shorten_the_organisation_run_on_and_cut_only_as_the_last_resort():
    sizes = note_sizes(8, 7)
    org, duty = "铜川市公安局王益分局桃园派出所", "负责网格内治安防范、户籍服务和警情处置。"
    # Room for three lines: the organisation on its own line, shortened rather than cut.
    notes = fit_notes(org, duty, 90, 30, sizes)
    assert not notes.cut and notes.organisation in short_forms(org) and notes.duty == duty
    assert all(not line.endswith(ELLIPSIS) for pair in notes.lines for line in pair)
    # Two lines: organisation and duty run on together, still whole.
    notes = fit_notes("城市管理执法局", "负责网格内市容秩序和占道经营的处置。", 130, 17, sizes)
    assert not notes.cut and len(notes.lines) == 2
    assert notes.organisation == "城市管理执法局" and notes.duty == "负责网格内市容秩序和占道经营的处置。"
    # Far too much: the smallest size, the shortest form, and the duty ends with ….
    notes = fit_notes(org, duty * 10, 90, 17, sizes)
    assert notes.cut and notes.size == 7.0 and notes.organisation == "桃园派出所"
    assert notes.lines[-1][1].endswith(ELLIPSIS)
