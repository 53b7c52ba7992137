"""Terminal tables: columns never run into each other, long cells wrap under their column, CJK counts double."""

from __future__ import annotations

from helpers.app import console
from helpers.app.cli import parameter_lines, summary_lines
from helpers.app.runner import RunResult
from helpers.notebook.params import parse_cell

LONG_HELP = "share of the extra demand borrowed from the month after the campaign, which then looks weaker than it is"


def starts(line: str, text: str) -> int:
    return console.width(line[: line.index(text)])


def test_wide_characters_take_two_columns():
    assert console.width("复盘 GMV") == 8
    assert console.pad("复盘", 6) == "复盘  " and console.pad("7", 3, right=True) == "  7"


def test_every_line_fits_and_the_last_column_wraps_under_itself():
    rows = [["a", "1", "short"], ["a much longer name", "12345", LONG_HELP]]
    lines = console.table(rows, right=(1,), total=60)
    assert all(console.width(line) <= 60 for line in lines)
    column = starts(lines[0], "short")
    assert column == len("a much longer name") + 2 + 5 + 2  # widest cell of each column plus the gap
    assert " ".join(line[column:] for line in lines[1:]) == LONG_HELP  # wrapped between words, nothing lost
    assert all(line[:column].strip() == "" for line in lines[2:])  # continuation lines are blank before it
    assert lines[0].startswith("a" + " " * 17 + "      1")  # numbers right-aligned


def test_chinese_text_wraps_by_terminal_columns():
    text = "沉睡客户：超过这么多天没有下单，可以用短信或企业微信召回，" * 3
    lines = console.wrap(text, 30)
    assert "".join(lines) == text and all(console.width(line) <= 30 for line in lines)


def test_list_columns_stay_apart_with_long_defaults_and_help(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    spec = parse_cell(
        "a_rather_long_parameter_name: float = 10000000.0  # " + LONG_HELP + ", 0–10000000\n"
        "x: str = ''  # 空：生成数据；一个文件夹：读取你自己的 CSV 文件，它们需要符合数据字典\n"
    )
    lines = parameter_lines(spec)
    assert all(console.width(line) <= 100 for line in lines)
    help_column = starts(lines[0], "share")
    chinese = next(line for line in lines if "空" in line)
    assert starts(chinese, "空") == help_column  # the Chinese help starts in the same column
    assert "= 10000000.0  0–10,000,000  share" in lines[0]


def test_a_long_failure_message_wraps_inside_the_summary(monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    error = "cell 12 raised DataError: " + "column 'order_date' holds text that is not a date, " * 4
    results = [
        RunResult("00_case_review_method", {}, 3.25, {"gmv": 1234567.0}),
        RunResult("01_pinduoduo_group_buying", {}, 12.5, error=error, lang="zh"),
    ]
    lines = summary_lines(results)
    assert all(console.width(line) <= 90 for line in lines)
    column = starts(lines[0], "headline")
    failed = next(i for i, line in enumerate(lines) if "FAILED" in line)
    assert lines[failed].startswith("zh/01_pinduoduo_group_buying") and "12.5" in lines[failed]
    assert " ".join(line[column:] for line in lines[failed:]) == error.strip()
    assert lines[1][column - 9 : column].strip() == "3.2" and "¥1.23M" in lines[1]
