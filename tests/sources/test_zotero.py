"""Reading real Zotero 5 and Zotero 7 databases (fixtures/zotero/, see PROVENANCE.md)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.zotero import (
    data_dir_from_prefs,
    default_data_dir,
    note_text,
    read_zotero,
)

Z7 = "zotero/yuanluochen_zotero7.sqlite"
Z5 = "zotero/chen-zhihui_zotero5_2018.sqlite"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_folder(src: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copyfile(src, folder / "zotero.sqlite")
    return folder


def by_key(lib: object) -> dict[str, object]:
    return {i.key: i for i in lib.items}  # type: ignore[attr-defined]


def test_zotero7_library_counts_per_type_and_trash(real_fixture: Callable[[str], Path]) -> None:
    lib = read_zotero(real_fixture(Z7))
    assert lib.schema == 123
    assert lib.counts_by_type() == {"journalArticle": 8, "thesis": 2, "book": 2}
    assert lib.identity == "zotero:IcT3u0Mu"
    assert lib.standalone == 5  # top-level PDFs without an item: not papers
    assert all(len(i.key) == 8 for i in lib.items)


def test_zotero7_chinese_article_creators_title_venue_tags(
    real_fixture: Callable[[str], Path],
) -> None:
    items = by_key(read_zotero(real_fixture(Z7)))
    r = items["QBXTLG7R"].record  # type: ignore[attr-defined]
    assert r.title == "轮腿式平衡机器人的控制系统"
    # single-field Chinese names (fieldMode 1), in Zotero's order
    assert r.authors == ("葛畅畅", "孟鸿儒", "张余浩", "蓝昀", "俞天鹏", "张鹏", "陈劲松")
    assert r.year == 2025 and r.venue == "自动化应用"
    assert r.doi == "10.19769/j.zdhy.2025.05.010"
    assert r.entry_type == "article"
    assert "线性二次型调节器" in r.tags and "matlab simulink" in r.tags
    assert "collection:控制理论/控制算法/最优控制理论" in r.tags
    assert r.links["zotero"] == "zotero://select/library/items/QBXTLG7R"
    assert r.source_kind == "zotero" and r.record_ref == "QBXTLG7R"


def test_zotero7_theses_books_and_english_article(real_fixture: Callable[[str], Path]) -> None:
    items = by_key(read_zotero(real_fixture(Z7)))
    phd = items["8BY2HYT6"].record  # type: ignore[attr-defined]
    assert phd.entry_type == "phdthesis" and phd.venue == "武汉理工大学"
    assert phd.authors == ("柳晨光",)  # the advisor (contributor) is not an author
    master = items["MKNDXETB"].record  # type: ignore[attr-defined]
    assert master.entry_type == "mastersthesis"
    assert master.doi == "10.27440/d.cnki.gysdu.2019.000398"  # from Jasminum's Extra line
    book = items["LHJUB5FK"].record  # type: ignore[attr-defined]
    assert book.entry_type == "book" and book.venue == "Springer"
    assert book.authors == ("Jorge Nocedal", "Stephen J. Wright") and book.year == 2006
    kalman = items["CQ6HJJHW"].record  # type: ignore[attr-defined]
    assert kalman.doi == "10.1049/iet-cta.2009.0032"
    assert kalman.venue == "IET Control Theory & Applications"
    assert kalman.extra["volume"] == "4" and kalman.extra["pages"] == "1303-1318"
    assert kalman.published == "2010-08-06"


def test_zotero5_software_and_webpages_trash_notes_collections(
    real_fixture: Callable[[str], Path],
) -> None:
    lib = read_zotero(real_fixture(Z5))
    assert lib.schema == 99
    assert lib.counts_by_type() == {"computerProgram": 8, "webpage": 4}
    assert lib.in_trash == 4
    items = by_key(lib)
    for trashed in ("FXBV5ELH", "6P5KN32K", "CMGJ9T96", "BVNJ2AAK"):
        assert trashed not in items
    sphere = items["AQSZ7C5D"].record  # type: ignore[attr-defined]
    assert sphere.entry_type == "software" and sphere.authors == ("Weiyang Liu",)
    assert set(sphere.tags) >= {"sphereface", "cvpr-2017", "collection:github/face"}
    keras = items["SVJN3U6L"]
    assert keras.notes == "model for sphere in keras"  # type: ignore[attr-defined]
    assert lib.standalone == 1  # the top-level note is not a paper


def test_attachments_resolved_inside_the_data_folder_and_missing_ones_said(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z7), tmp_path)
    pdf = folder / "storage" / "FME3YJWP"
    pdf.mkdir(parents=True)
    name = ("Simon - 2010 - Kalman filtering with state constraints a survey of linear and "
            "nonlinear algorithms.pdf")
    (pdf / name).write_bytes(b"%PDF-1.4\n")
    lib = read_zotero(folder)
    items = by_key(lib)
    kalman = items["CQ6HJJHW"]
    (att,) = kalman.attachments  # type: ignore[attr-defined]
    assert att.exists is True and att.path == str((pdf / name).resolve())
    assert kalman.record.links["pdf"] == (pdf / name).resolve().as_uri()  # type: ignore[attr-defined]
    other = items["QBXTLG7R"].record  # type: ignore[attr-defined]
    assert "pdf" not in other.links and other.extra["zotero_attachments_missing"] == "1"
    missing = [n for n in lib.notices if "attachment file missing" in n.message]
    assert len(missing) == 11 and any(n.record == "QBXTLG7R" for n in missing)


def test_annotations_counted_on_the_paper_of_their_pdf(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z7), tmp_path)
    assert read_zotero(folder).items[0].annotations == 0  # they sit on a PDF in the trash
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute("UPDATE itemAnnotations SET parentItemID = 243")  # Kalman paper's PDF
    kalman = by_key(read_zotero(folder))["CQ6HJJHW"]
    assert kalman.annotations == 6  # type: ignore[attr-defined]
    assert kalman.record.extra["zotero_annotations"] == "6"  # type: ignore[attr-defined]


def test_original_database_never_modified_and_read_while_locked(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    original = real_fixture(Z7)
    before = sha256(original)
    read_zotero(original)
    assert sha256(original) == before

    folder = data_folder(original, tmp_path)
    locker = sqlite3.connect(folder / "zotero.sqlite", isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")  # as Zotero does while it runs
    try:
        with pytest.raises(sqlite3.OperationalError):
            sqlite3.connect(folder / "zotero.sqlite", timeout=0).execute(
                "SELECT count(*) FROM items").fetchone()
        lib = read_zotero(folder)
    finally:
        locker.close()
    assert len(lib.items) == 12


def test_not_a_zotero_folder_or_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Zotero data folder"):
        read_zotero(tmp_path)
    bogus = tmp_path / "zotero.sqlite"
    bogus.write_text("hello")
    with pytest.raises(InputError, match="cannot be read as a Zotero database"):
        read_zotero(tmp_path)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (a)")
    with pytest.raises(InputError, match="not a Zotero database"):
        read_zotero(other)
    with pytest.raises(InputError, match="no Zotero library"):
        read_zotero(tmp_path / "nowhere")


def test_older_than_zotero5_schema_refused(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z5), tmp_path)
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute("UPDATE version SET version = 40 WHERE schema = 'userdata'")
    with pytest.raises(InputError, match="older than Zotero 5"):
        read_zotero(folder)


def test_citation_key_and_arxiv_id_from_extra(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z7), tmp_path)
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute(
            "UPDATE itemDataValues SET value = 'Citation Key: simon2010kalman\narXiv: 2101.00001v2'"
            " WHERE valueID = (SELECT valueID FROM itemData d JOIN fields f USING(fieldID)"
            " WHERE d.itemID = 246 AND f.fieldName = 'extra')"
        )
    r = by_key(read_zotero(folder))["UUHQ4RF7"].record  # type: ignore[attr-defined]
    assert r.bibtex_key == "simon2010kalman"
    assert (r.arxiv_id, r.arxiv_version) == ("2101.00001", 2)


def test_note_html_to_text() -> None:
    html = '<div class="zotero-note znv1"><p>conda install a</p>\n<p>b &amp; c<br/>d</p></div>'
    assert note_text(html) == "conda install a\n\nb & c\nd"  # paragraphs, line breaks


def test_default_data_folder_per_platform(tmp_path: Path) -> None:
    assert default_data_dir(tmp_path, {}, "linux") == tmp_path / "Zotero"
    assert default_data_dir(tmp_path, {}, "darwin") == tmp_path / "Zotero"
    assert default_data_dir(tmp_path, {}, "win32") == tmp_path / "Zotero"
    custom = tmp_path / "elsewhere"
    custom.mkdir()
    (custom / "zotero.sqlite").write_bytes(b"")
    profile = tmp_path / ".zotero" / "zotero" / "abcd.default"
    profile.mkdir(parents=True)
    (profile / "prefs.js").write_text(
        f'user_pref("extensions.zotero.dataDir", "{custom}");\n'
        'user_pref("extensions.zotero.useDataDir", true);\n'
    )
    assert default_data_dir(tmp_path, {}, "linux") == custom
    appdata = tmp_path / "AppData"
    winprof = appdata / "Zotero" / "Zotero" / "Profiles" / "x.default"
    winprof.mkdir(parents=True)
    (winprof / "prefs.js").write_text(f'user_pref("extensions.zotero.dataDir", "{custom}");')
    assert default_data_dir(tmp_path, {"APPDATA": str(appdata)}, "win32") == custom


def test_prefs_without_custom_folder() -> None:
    assert data_dir_from_prefs('user_pref("extensions.zotero.useDataDir", false);') is None
    assert data_dir_from_prefs(
        'user_pref("extensions.zotero.dataDir", "D:\\\\Zotero");'
    ) == Path("D:\\Zotero")
