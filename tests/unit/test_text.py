import pytest

from agent_assist.text import join_cjk


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("我 想 提前 还款", "我想提前还款"),
        ("  我 的 App 账号 ", "我的 App 账号"),
        ("repay early please", "repay early please"),
        ("", ""),
    ],
)
def test_join_cjk_removes_spaces_only_between_chinese(raw: str, joined: str) -> None:
    assert join_cjk(raw) == joined
