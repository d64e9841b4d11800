"""Colours and the style sheet of the panel, in one place."""

from __future__ import annotations

CUSTOMER_COLOUR = "#0b4f9c"
AGENT_COLOUR = "#3d4650"
PARTIAL_COLOUR = "#9aa3ad"
ANSWER_ACCENT = "#1f6feb"
SCRIPT_ACCENT = "#1a7f37"


PANEL_QSS = f"""
QMainWindow, QWidget#central {{ background: #f3f5f8; }}
QLabel#sectionTitle {{ color: #57606a; font-size: 12px; font-weight: 600; padding: 4px 2px 0 2px; }}
QLabel#status {{ color: #57606a; font-size: 11px; }}
QLabel#sourceBanner {{ background: #fff8c5; color: #6f4e00; border: 1px solid #d4a72c;
    border-radius: 6px; padding: 4px 8px; font-size: 13px; font-weight: 600; }}
QLabel#context {{ color: #57606a; font-size: 12px; padding: 0 2px; }}
QLabel#empty {{ color: #8c959f; font-size: 13px; padding: 16px; }}
QFrame#card {{ background: white; border: 1px solid #d0d7de; border-radius: 8px; }}
QFrame#card[kind="answer"] {{ border-left: 4px solid {ANSWER_ACCENT}; }}
QFrame#card[kind="script"] {{ border-left: 4px solid {SCRIPT_ACCENT}; }}
QLabel#cardTitle {{ font-size: 15px; font-weight: 700; color: #1f2328; }}
QLabel#cardTitle[rank="0"] {{ font-size: 17px; }}
QLabel#cardBody {{ font-size: 14px; color: #24292f; }}
QLabel#cardBody[rank="0"] {{ font-size: 15px; }}
QLabel#cardMeta {{ font-size: 11px; color: #6e7781; }}
QLabel#chip {{ background: #ddf4ff; color: #0550ae; border-radius: 8px; padding: 1px 8px;
               font-size: 11px; font-weight: 600; }}
QLabel#chip[kind="script"] {{ background: #dafbe1; color: #116329; }}
QPushButton#copy {{ padding: 3px 10px; font-size: 12px; }}
QToolButton#flat {{ border: none; background: transparent; color: #57606a; font-size: 12px;
    padding: 1px 6px; }}
QToolButton#flat:focus {{ border: 1px solid #0969da; border-radius: 6px; }}
QToolButton#flat::menu-indicator {{ image: none; }}
QPushButton#flat, QPushButton#rate {{ border: none; background: transparent; color: #57606a;
    font-size: 12px; padding: 1px 6px; }}
QPushButton#rate:checked, QPushButton#flat:checked {{ background: #ddf4ff; color: #0550ae;
    border-radius: 6px; }}
QPushButton#flat:focus, QPushButton#rate:focus {{ border: 1px solid #0969da; border-radius: 6px; }}
QLineEdit#search {{ padding: 4px 8px; font-size: 13px; border: 1px solid #d0d7de;
    border-radius: 6px; background: white; }}
QProgressBar#meter {{ border: none; background: #d8dee4; border-radius: 2px; }}
QProgressBar#meter::chunk {{ background: #2da44e; border-radius: 2px; }}
QLabel#meterLabel {{ color: #57606a; font-size: 11px; }}
QFrame#alert {{ background: #fff8c5; border: 1px solid #d4a72c; border-left: 5px solid #bf8700;
                border-radius: 8px; }}
QFrame#alert[level="red"] {{ background: #ffebe9; border: 1px solid #ff8182;
                             border-left: 5px solid #cf222e; }}
QFrame#alert[level="done"] {{ background: #dafbe1; border: 1px solid #4ac26b;
                              border-left: 5px solid #1a7f37; }}
QLabel#alertTitle {{ font-size: 14px; font-weight: 700; color: #1f2328; }}
QLabel#alertAdvice {{ font-size: 13px; color: #24292f; }}
QLabel#alertQuote {{ font-size: 11px; color: #57606a; }}
QPushButton#dismiss {{ padding: 2px; font-size: 12px; }}
QLabel#checklist {{ font-size: 12px; padding: 0 2px; }}
QLabel#summaryHeading {{ font-size: 13px; font-weight: 700; color: #1f2328; }}
QListWidget#transcript {{ background: white; border: 1px solid #d0d7de; border-radius: 8px;
                          font-size: 13px; padding: 4px; }}
"""
