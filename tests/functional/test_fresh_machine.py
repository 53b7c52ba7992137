"""What a new user meets on a fresh clone: files land in the run's folder, bad data is refused, reports work offline."""

import re
import subprocess

import pytest
from support import ROOT, files_under

from helpers.app.formulas import draw_formulas

YOUR_SHOP = "04_your_shop_review"
EXTERNAL = re.compile(r"""<script[^>]*\ssrc=["']https?:|<link[^>]*\shref=["']https?:|import[^;"']*from\s*["']https?:""")


def git_status() -> str:
    """The repository's changed and untracked files, as `git status --porcelain` lists them."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_relative_out_puts_the_winback_list_beside_the_report_and_leaves_the_repository_alone(casebook, tmp_path):
    before = git_status()
    done = casebook("run", YOUR_SHOP, "-p", "scale", "0.05", "--out", "output/myshop")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "output" / "myshop"
    assert {p.name for p in files_under(tmp_path)} == {
        f"{YOUR_SHOP}.ipynb",
        f"{YOUR_SHOP}.html",
        f"{YOUR_SHOP}.report.html",
        "metrics.json",
        "index.html",
        "winback_list.csv",
        "winback_list.xlsx",
    }
    assert (out / "winback_list.csv").read_bytes().startswith(b"\xef\xbb\xbfrank,customer_id")
    report = (out / f"{YOUR_SHOP}.html").read_text(encoding="utf-8")
    assert "in the run&#x27;s output folder, beside this report" in report or "output folder, beside this" in report
    assert ".staging-" not in report and ".staging-" not in (out / f"{YOUR_SHOP}.ipynb").read_text(encoding="utf-8")
    assert git_status() == before
    for folder in (ROOT / "notebooks", ROOT / "notebooks" / "zh"):  # only the workbooks (and the zh edition)
        expected = {p.name for p in folder.glob("[0-9][0-9]_*.ipynb")} | (
            {"zh"} if folder.name == "notebooks" else set()
        )
        assert {p.name for p in folder.iterdir()} == expected


def test_output_dir_is_the_runners_not_the_users(cli, tmp_path):
    done = cli("run", YOUR_SHOP, "-p", "output_dir", str(tmp_path), "--out", "out")
    assert done.returncode == 2
    assert "parameter 'output_dir'" in done.stderr and "--out" in done.stderr
    assert files_under(tmp_path) == []


def test_a_malformed_export_exits_2_listing_every_problem_and_leaves_nothing(cli, tmp_path):
    export = tmp_path / "orders.csv"
    export.write_text(
        "order_id,customer_id,order_date,amount\nA1,c1,not a date,12.5\nA2,c2,2024-01-02,lots\n", encoding="utf-8"
    )
    done = cli("run", YOUR_SHOP, "-p", "transactions_csv", "orders.csv", "--out", "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "FAILED" not in done.stdout + done.stderr
    assert "reports:" not in done.stdout
    heading, *problems = done.stderr.strip().splitlines()
    assert heading == f"casebook: error: {len(problems)} problems in the data:"
    assert any("order_date" in p for p in problems) and any("amount" in p for p in problems)  # both listed
    assert files_under(tmp_path) == [export]


def test_a_bad_data_dir_exits_2_before_any_kernel_starts(cli, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "orders.csv").write_text("order_id,customer_id\nO1,\n", encoding="utf-8")
    done = cli("run", "01_pinduoduo_group_buying", "-p", "data_dir", "broken", "--out", "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "reports:" not in done.stdout
    assert done.stderr.startswith("casebook: error: 5 problems in the data:\n")
    assert "missing table users.csv" in done.stderr and "orders.csv: missing column(s) user_id" in done.stderr
    assert not (tmp_path / "out").exists()


def test_html_reports_load_nothing_from_the_internet_get_an_index_and_show_formulas_drawn(cli, tmp_path):
    done = cli("html", "--out", "html")
    assert done.returncode == 0, done.stderr
    pages = sorted((tmp_path / "html").glob("*.html"))
    stems = [p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")]
    assert {p.name for p in pages} == {f"{s}{kind}.html" for s in stems for kind in ("", ".report")} | {"index.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.findall(text), f"{page.name} loads {EXTERNAL.findall(text)[:3]}"
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{stem}.html"' in index and f'href="{stem}.report.html"' in index for stem in stems)
    page = (tmp_path / "html" / "00_case_review_method.html").read_text(encoding="utf-8")  # formulas drawn as images
    assert '<img alt="\\text{uplift} \\geq \\frac{m}{m-d} - 1"' in page and "$$" not in page


def test_formulas_are_drawn_and_prices_are_left_alone():  # a committed report's formula: the test above
    drawn = draw_formulas("Break-even:\n\n$$\\frac{m}{m-d} - 1$$\n\nwith $d \\geq 0$; revenue US$6M to US$8M")
    assert drawn.count("<img alt=") == 2 and "data:image/svg+xml;base64," in drawn
    assert '<img alt="\\frac{m}{m-d} - 1"' in drawn and '<img alt="d \\geq 0"' in drawn
    assert drawn.endswith("revenue US$6M to US$8M")
    with pytest.raises(ValueError, match=r"formula \$\\nosuchcommand\$ cannot be drawn"):
        draw_formulas("$\\nosuchcommand$")


def test_the_repository_cites_only_files_it_holds():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"DOMAIN\.md|DESIGN\.md|\.\./shared|/work/")
    for name in tracked:
        itself = name == "tests/functional/test_fresh_machine.py"
        if name.endswith((".py", ".md", ".ipynb", ".yaml", "Makefile")) and not itself:
            assert not outside.search((ROOT / name).read_text(encoding="utf-8")), name
    assert (ROOT / "docs" / "SOURCES.md").is_file()


def test_every_file_the_docs_name_exists():
    """A path in backticks in README or docs/ (`helpers/…`, `generators/….py`) names a file or folder we hold."""
    named = re.compile(r"`((?:helpers|generators|benchmarks|tests|notebooks|scenarios|docs)/[\w./-]*)`")
    pages = [ROOT / "README.md", ROOT / "README.zh-CN.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [
        f"{page.name}: {path}"
        for page in pages
        for path in named.findall(page.read_text(encoding="utf-8"))
        if "*" not in path and "<" not in path and not (ROOT / path).exists()
    ]
    assert not missing, missing
