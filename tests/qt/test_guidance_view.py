"""Alerts above the cards: they must not be missed, and must not crowd the cards out."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from agent_assist.guidance.events import Alert, AlertFollowUp, AlertKind, Severity
from agent_assist.ui.guidance_view import MAX_SHOWN, AlertsView

SCAM_QUESTION = "对了，昨天有人说是你们客服，让我交钱注销校园贷，还能帮我提额，真的假的？"


def _alert(alert_id: int, kind: AlertKind, title: str, quote: str) -> Alert:
    return Alert(
        alert_id,
        kind,
        f"rule{alert_id}",
        "c",
        Severity.HIGH,
        title,
        "请立即挂断。",
        1.0,
        quote=quote,
    )


def _view(qtbot: QtBot) -> AlertsView:
    view = AlertsView()
    qtbot.addWidget(view)
    view.show()
    return view


def test_two_alerts_on_one_sentence_quote_it_once(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_alert(_alert(1, AlertKind.RISK, "疑似诈骗话术", SCAM_QUESTION))
    view.show_alert(_alert(2, AlertKind.RISK, "套现、代还或中介包装", SCAM_QUESTION))
    older, newer = view._cards[1], view._cards[2]
    assert newer.quote is not None and not newer.quote.isHidden()
    assert older.quote is not None and older.quote.isHidden()
    assert all(not card.details[0].isHidden() for card in (older, newer)), "advice stays on both"


def test_a_handled_alert_shrinks_to_its_outcome(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_alert(_alert(1, AlertKind.EMOTION, "客户情绪激动，先安抚", "你们到底管不管？"))
    card = view._cards[1]
    card_height = card.sizeHint().height()
    view.follow_up(AlertFollowUp(1, True, "坐席已回应客户情绪", 3.0))
    assert not card.note.isHidden() and "坐席已回应" in card.note.text()
    assert all(label.isHidden() for label in card.details)
    assert card.sizeHint().height() < card_height


def test_after_hang_up_alerts_keep_only_their_titles(qtbot: QtBot) -> None:
    view = _view(qtbot)
    for n in range(MAX_SHOWN + 1):
        view.show_alert(_alert(n, AlertKind.COMPLIANCE, f"规则 {n}", f"第 {n} 句"))
    assert len(view.shown) == MAX_SHOWN, "the oldest leaves the screen (it is in the record)"
    view.compact()
    assert all(label.isHidden() for card in view._cards.values() for label in card.details)
