"""微心愿 at the kiosk, by touch: a card holder posts a wish, sees it waiting, and rates it once
it came true; the tile is only for a card with a record."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry, Resident, Wish
from app.services.engage.wishes import NewWish, claim_wish, fulfil_wish, post_wish, review_wish
from tests.conftest import DEMO_TODAY
from tests.gui.test_kiosk import NOBODY, button_named, click, swipe_card


def fulfilled_wish(db, person: Resident) -> str:
    """A wish of ``person`` that came true, not yet rated: its number."""
    with db.sessions.begin() as session:
        resident = session.get(Resident, person.id)
        wish = post_wish(session, resident, NewWish("想要一副老花镜"), actor="qiantai", today=DEMO_TODAY)
        review_wish(session, wish, approve=True, actor="houtai")
        claim_wish(session, wish, kind="志愿者", name="红马甲志愿服务队", actor="houtai", today=DEMO_TODAY)
        fulfil_wish(session, wish, note="已送到家", confirmed=False, actor="houtai", today=DEMO_TODAY)
        return wish.wish_no


def test_a_card_holder_posts_a_wish_by_touch_and_sees_it_waiting(qtbot, make_kiosk, person, demo_db):
    kiosk = make_kiosk(font_scale=1.5)
    swipe_card(qtbot, kiosk, person.id_number)
    menu = kiosk.pages["menu"]
    assert menu.tiles["wishes"].isVisible()
    click(qtbot, menu.tiles["wishes"])
    assert kiosk.current.name == "wishes"
    click(qtbot, kiosk.pages["wishes"].new_button)
    click(qtbot, button_named(kiosk, "wish-kind-物品"))
    page = kiosk.pages["wish_text"]
    assert kiosk.current is page and page.aside.text() == "类别：物品"
    assert not page.submit_button.isEnabled()
    page.text.insertPlainText("想要一个新书包")  # as the input method commits it
    click(qtbot, page.submit_button)
    result = kiosk.pages["result"]
    assert kiosk.current is result and result.headline.text() == "心愿已提交"
    number = result.number.text()
    with demo_db.sessions() as session:
        wish = session.scalar(select(Wish).where(Wish.wish_no == number))
        assert (wish.status, wish.channel, wish.content, wish.resident_id) == (
            "pending",
            "kiosk",
            "想要一个新书包",
            person.id,
        )
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk_wish")).all()
        assert [a.detail for a in audit] == [number] and person.id_number not in audit[0].subject
    click(qtbot, result.back_button)
    assert kiosk.current.name == "wishes"
    texts = [w.text() for w in kiosk.current.findChildren(type(result.headline)) if w.isVisible()]
    assert "想要一个新书包" in texts and "待审核" in texts
    assert person.name not in "".join(texts)


def test_the_wish_tile_is_not_offered_to_a_typed_number_or_a_card_without_record(qtbot, make_kiosk, person):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, NOBODY)
    assert not kiosk.pages["menu"].tiles["wishes"].isVisible()
    kiosk.controller.go("wishes")
    assert kiosk.current.name == "menu"


def test_a_wisher_rates_a_wish_that_came_true(qtbot, make_kiosk, person, demo_db):
    number = fulfilled_wish(demo_db, person)
    kiosk = make_kiosk(font_scale=1.5)
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["wishes"])
    click(qtbot, button_named(kiosk, f"rate-wish-{number}"))
    assert kiosk.current.name == "wish_rating"
    click(qtbot, button_named(kiosk, "wish-stars-4"))
    assert kiosk.pages["result"].headline.text() == "感谢您的评价"
    with demo_db.sessions() as session:
        wish = session.scalar(select(Wish).where(Wish.wish_no == number))
        assert (wish.confirmed, wish.rating) == (True, 4)
