"""The one folder walker of every folder import: links out of the folder are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.sources.ccfddl import read_path
from scholardesk.sources.safe_files import LinkOutsideFolder, check_inside, walk


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s3cr3t", encoding="utf-8")
    root = tmp_path / "import"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("a", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("b", encoding="utf-8")
    return root, outside


def test_files_inside_are_listed_and_links_out_refused(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "inner.txt").symlink_to(root / "a.txt")  # stays inside: fine
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "leakdir").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)  # inside, visited once
    found = walk(root)
    assert found.files == [root / "a.txt", root / "inner.txt", root / "sub" / "b.txt"]
    assert sorted(r.link.name for r in found.refused) == ["leak.txt", "leakdir"]
    assert all("s3cr3t" not in r.message for r in found.refused)
    assert "leak.txt" in str(found.refused[0]) or "leakdir" in str(found.refused[0])


def test_a_dangling_link_is_refused_too(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    (root / "gone.txt").symlink_to(tmp_path / "nowhere")
    assert [r.link.name for r in walk(root).refused] == ["gone.txt"]


def test_unwanted_file_links_are_left_silently(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "README").symlink_to(outside / "secret.txt")
    found = walk(root, keep=lambda p: p.suffix == ".txt")
    assert found.refused == [] and root / "a.txt" in found.files


def test_check_inside_names_the_link(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    assert check_inside(root, root / "a.txt") == root / "a.txt"
    with pytest.raises(LinkOutsideFolder, match="leak.txt"):
        check_inside(root, root / "leak.txt")


def test_a_ccf_deadlines_folder_link_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yml").write_text("- title: EVIL\n  sub: AI\n", encoding="utf-8")
    conf = tmp_path / "ccf-deadlines" / "conference" / "AI"
    conf.mkdir(parents=True)
    (conf / "ok.yml").write_text(
        "- title: OK\n  description: A conference\n  sub: AI\n  rank: {ccf: A}\n"
        "  dblp: ok\n  confs: []\n",
        encoding="utf-8",
    )
    (conf / "evil.yml").symlink_to(outside / "evil.yml")
    data = read_path(tmp_path / "ccf-deadlines")
    assert data.files == 1
    assert [c.title for c in data.conferences] == ["OK"]
    assert any("evil.yml" in e.source and "outside" in e.message for e in data.errors)
