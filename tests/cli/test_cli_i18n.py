"""``--lang zh_CN`` is Chinese all the way: help texts, argparse's own words, message
prefixes and count messages (no English sentence left over from our strings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scholardesk.cli import build_parser, main
from scholardesk.cli.common import help_strings
from scholardesk.core.i18n import load_catalog, set_language


@pytest.fixture(autouse=True)
def _english_afterwards():  # type: ignore[no-untyped-def]
    yield
    set_language("en")


def test_every_help_text_has_a_chinese_entry() -> None:
    catalog = load_catalog("zh_CN")
    strings = help_strings(build_parser())
    assert len(strings) > 150
    assert [s for s in strings if s not in catalog] == []


def _english_words(text: str) -> set[str]:
    """Lower-case English words of 3+ letters in ``text`` that come from our help strings
    (command names, option names, metavars and product names are not sentences)."""
    ours = {w.lower() for s in help_strings(build_parser())
            for w in re.findall(r"[A-Za-z]{3,}", s)}
    shown = {w.lower() for w in re.findall(r"(?<![-\w])[A-Za-z]{3,}(?![-\w])", text)
             if not w.isupper()}  # METAVARS are placeholders, not words
    names = {"scholardesk", "action", "arxiv", "bibtex", "csv", "json", "doi", "dois", "url",
             "urls", "apa", "ieee", "gbt", "stdin", "xml", "bib", "atom", "papers", "venues",
             "deadlines", "utc", "iana", "icalendar", "zotero"}
    commands = {w for w in shown if re.search(rf"^\s+{w}\s", text, re.M | re.I)}
    return (shown & ours) - names - commands


def test_papers_help_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path), "--lang", "zh_CN", "papers", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：scholardesk papers")
    assert "位置参数" in out and "选项" in out and "显示此帮助信息并退出" in out
    assert "全文搜索" in out
    assert _english_words(out) == set()
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in out


def test_subcommand_help_and_argparse_errors_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path), "--lang", "zh_CN", "venues", "deadlines", "--help"])
    out = capsys.readouterr().out
    assert "以此时区显示截稿时间" in out and _english_words(out) == set()
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path), "--lang", "zh_CN", "papers", "add"])
    err = capsys.readouterr().err
    assert "错误：缺少必需的参数：ID_OR_URL" in err and "required" not in err


def test_english_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path), "--lang", "en", "papers", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: scholardesk papers") and "full-text search" in out


def test_few_articles_warning_in_chinese(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "reviews", "add", "--journal", "Neural Networks",
                 "--doi", "10.1/x", "--received", "2024-01-02", "--accepted", "2024-03-01"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "--lang", "zh_CN", "reviews", "stats", "--journal",
                 "Neural Networks"]) == 0
    out = capsys.readouterr().out
    assert "已排除=0 中位数=59 均值=59" in out
    warning = next(line for line in out.splitlines() if "警告" in line)
    assert warning.strip() == ("警告：此区间只有 1 篇文章；少于 20 篇时数字不可靠"
                               "（或该主题不在期刊范围内）。")
    set_language("en")
    assert main(["--home", home, "reviews", "stats", "--journal", "Neural Networks"]) == 0
    out = capsys.readouterr().out
    assert "warning: Only 1 article with this interval" in out  # singular in English


def test_errors_are_prefixed_in_chinese(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--home", str(tmp_path), "--lang", "zh_CN", "venues", "deadlines",
                 "--tz", "Mars/Olympus"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：'Mars/Olympus' 不是一个时区。")
    assert "error" not in err
