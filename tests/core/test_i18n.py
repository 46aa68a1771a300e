"""Every user-visible string has a Simplified Chinese translation."""

from __future__ import annotations

import ast
from pathlib import Path

from scholardesk.core import i18n

SRC = Path(__file__).resolve().parents[2] / "src" / "scholardesk"


def tr_literals() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "trn")
                and len(node.args) >= (1 if node.func.id == "tr" else 2)
            ):
                # tr(text) is keyed by its text, trn(singular, plural, n) by its plural
                key = node.args[0 if node.func.id == "tr" else 1]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found[key.value] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def test_every_tr_literal_has_a_chinese_entry() -> None:
    catalog = i18n.load_catalog("zh_CN")
    missing = {text: where for text, where in tr_literals().items() if text not in catalog}
    assert not missing, "add these to resources/i18n/zh_CN/<area>.json: " + repr(missing)


def test_translations_keep_their_placeholders() -> None:
    import string

    catalog = i18n.load_catalog("zh_CN")
    fmt = string.Formatter()
    for english, chinese in catalog.items():
        want = {f for _, f, _, _ in fmt.parse(english) if f}
        got = {f for _, f, _, _ in fmt.parse(chinese) if f}
        assert want == got, f"{english!r} -> {chinese!r}"


def test_switching_language() -> None:
    try:
        i18n.set_language("zh_CN")
        assert i18n.tr("Papers") == "论文"
        assert i18n.tr("Removed {n} sample records.", n=3).count("3") == 1
        i18n.set_language("en")
        assert i18n.tr("Papers") == "Papers"
    finally:
        i18n.set_language("en")


def test_count_messages_take_the_number_of_their_count() -> None:
    try:
        i18n.set_language("en")
        assert i18n.trn("{n} paper", "{n} papers", 1) == "1 paper"
        assert i18n.trn("{n} paper", "{n} papers", 0) == "0 papers"
        assert i18n.trn("{n} paper", "{n} papers", 12345) == "12,345 papers"
        i18n.set_language("zh_CN")
        assert i18n.trn("{n} paper", "{n} papers", 1) == "1 篇论文"
        assert i18n.trn("{n} paper", "{n} papers", 2) == "2 篇论文"
    finally:
        i18n.set_language("en")


def test_catalogues_agree_on_shared_strings() -> None:
    """The same English text must not get two Chinese translations in two areas' catalogues
    (the merge would silently pick one)."""
    import json

    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for path in sorted(i18n.resource_path("i18n", "zh_CN").glob("*.json")):
        for english, chinese in json.loads(path.read_text(encoding="utf-8")).items():
            if english in seen and seen[english][0] != chinese:
                conflicts.append((english, seen[english], (chinese, path.name)))
            seen.setdefault(english, (chinese, path.name))
    assert not conflicts, conflicts
