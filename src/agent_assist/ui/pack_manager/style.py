"""The pack manager's style sheet, in the colours of the agent's panel (ui/style.py)."""

from __future__ import annotations

from agent_assist.ui.style import ANSWER_ACCENT

PACK_MANAGER_QSS = f"""
QMainWindow, QWidget#central {{ background: #f3f5f8; }}
QLabel#manifest {{ background: white; border: 1px solid #d0d7de;
    border-left: 4px solid {ANSWER_ACCENT}; border-radius: 8px; padding: 8px 12px;
    font-size: 13px; color: #1f2328; }}
QLabel#summary {{ color: #24292f; font-size: 13px; padding: 2px; }}
QLabel#status, QLabel#muted {{ color: #57606a; font-size: 12px; }}
QLabel#sectionTitle {{ color: #57606a; font-size: 12px; font-weight: 600; padding: 6px 2px 0 2px; }}
QLineEdit {{ padding: 5px 8px; font-size: 13px; border: 1px solid #d0d7de; border-radius: 6px;
    background: white; }}
QLineEdit:focus, QTableView:focus {{ border: 1px solid #0969da; }}
QPushButton {{ padding: 5px 12px; font-size: 13px; }}
QTableView {{ background: white; border: 1px solid #d0d7de; border-radius: 8px; font-size: 13px;
    gridline-color: #eaeef2; alternate-background-color: #f6f8fa;
    selection-background-color: #ddf4ff; selection-color: #1f2328; }}
QHeaderView::section {{ background: #f6f8fa; color: #57606a; font-size: 12px; font-weight: 600;
    border: none; border-bottom: 1px solid #d0d7de; padding: 4px 6px; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ padding: 6px 16px; font-size: 13px; color: #57606a; background: transparent;
    border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: #1f2328; font-weight: 600;
    border-bottom: 2px solid {ANSWER_ACCENT}; }}
QTabBar::tab:focus {{ color: #0550ae; }}
QProgressBar#progress {{ border: none; background: #d8dee4; border-radius: 2px; }}
QProgressBar#progress::chunk {{ background: {ANSWER_ACCENT}; border-radius: 2px; }}
"""
