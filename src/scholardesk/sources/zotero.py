"""Read a Zotero library (its data folder or ``zotero.sqlite``) into paper records.

The user's database is never written and never opened for writing: it is copied into a
temporary folder first (SQLite's online backup from a ``mode=ro`` connection; when Zotero
holds its exclusive lock, a plain copy of the file and its ``-journal``/``-wal``), and only the
copy is read. This module reads a foreign file format with the standard library's ``sqlite3``;
it is a parser like the BibTeX reader, and our own library's SQL stays in ``store/``.

The schema is read from the database itself (``fields``/``fieldsCombined``, ``itemTypes``,
``creatorTypes``, ``baseFieldMappings``), so Zotero 5, 6 and 7 libraries all map, each with the
field names it has. Attachments are recorded, never opened: files in ``storage/<key>/`` are
resolved inside the data folder, linked files are recorded where the user put them.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import PaperRecord, normalise_tag, parse_year
from scholardesk.domain.text_clean import clean_text, fix_url

SOURCE_KIND = "zotero"
MIN_USERDATA = 80  # Zotero 5.0 (2017); older libraries have another schema
KNOWN_USERDATA = 123  # Zotero 7.0; newer ones are read when the tables we need are there
NON_PAPER_TYPES = frozenset({"attachment", "note", "annotation"})
REQUIRED_TABLES = (
    "items", "itemTypes", "itemData", "itemDataValues", "creators", "itemCreators",
    "creatorTypes", "deletedItems", "libraries", "version",
)

# Zotero item type → our entry type (BibTeX's names, as the other importers use).
ENTRY_TYPES: Mapping[str, str] = {
    "journalArticle": "article",
    "magazineArticle": "article",
    "newspaperArticle": "article",
    "conferencePaper": "inproceedings",
    "preprint": "misc",
    "thesis": "phdthesis",
    "book": "book",
    "bookSection": "incollection",
    "encyclopediaArticle": "incollection",
    "dictionaryEntry": "incollection",
    "report": "techreport",
    "webpage": "online",
    "blogPost": "online",
    "forumPost": "online",
    "computerProgram": "software",
    "dataset": "dataset",
    "patent": "patent",
    "standard": "standard",
    "manuscript": "unpublished",
    "presentation": "misc",
}
# Where a paper appeared, by preference (type-specific names first, then base fields).
VENUE_FIELDS = (
    "publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "websiteTitle",
    "blogTitle", "forumTitle", "encyclopediaTitle", "dictionaryTitle", "repository",
    "university", "institution", "publisher", "company", "label", "studio", "network",
)
# Zotero field → our extra field (the ones BibTeX export carries).
EXTRA_MAP = (
    ("volume", "volume"), ("issue", "number"), ("pages", "pages"), ("publisher", "publisher"),
    ("place", "address"), ("edition", "edition"), ("university", "school"),
    ("institution", "institution"), ("series", "series"), ("ISBN", "isbn"), ("ISSN", "issn"),
    ("reportNumber", "number"), ("versionNumber", "version"), ("language", "language"),
    ("thesisType", "type"), ("journalAbbreviation", "journal_abbreviation"),
    ("shortTitle", "short_title"),
)
_MASTERS = re.compile(r"master|硕士|m\.\s?s|m\.\s?a|mphil", re.IGNORECASE)
_CITATION_KEY = re.compile(r"^\s*(?:citation key|bibtex\*?)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.M)
_EXTRA_ARXIV = re.compile(r"^\s*arxiv\s*:\s*(\S+)", re.IGNORECASE | re.M)
_EXTRA_DOI = re.compile(r"^\s*doi\s*:\s*(\S+)", re.IGNORECASE | re.M)
_BLOCK = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Attachment:
    key: str
    title: str
    content_type: str
    link_mode: str  # "stored" | "linked" | "link" (a URL) | "embedded"
    path: str  # absolute path of the file, or the URL of a link attachment
    exists: bool | None  # None: a linked file, recorded and not looked at
    annotations: int = 0

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf" or self.path.lower().endswith(".pdf")


@dataclass(frozen=True)
class ZoteroItem:
    """One regular Zotero item as a paper record, with what goes beside it."""

    key: str
    item_type: str
    stamp: str  # changes whenever Zotero changes the item, its notes or attachments
    record: PaperRecord
    notes: str = ""
    attachments: tuple[Attachment, ...] = ()

    @property
    def annotations(self) -> int:
        return sum(a.annotations for a in self.attachments)


@dataclass
class ZoteroLibrary:
    """What one read of a Zotero database found."""

    identity: str  # stable across reads of the same Zotero installation's library
    data_dir: Path
    database: Path
    schema: int
    items: list[ZoteroItem] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    notices: list[RecordError] = field(default_factory=list)
    in_trash: int = 0
    standalone: int = 0  # notes and files not attached to an item (not papers)

    def counts_by_type(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for item in self.items:
            out[item.item_type] = out.get(item.item_type, 0) + 1
        return out


# -- where the library is ----------------------------------------------------------------------

_PREF = re.compile(r'user_pref\("extensions\.zotero\.(dataDir|useDataDir)",\s*("(?:[^"\\]|\\.)*"|\w+)\);')


def _profile_dirs(home: Path, env: Mapping[str, str], platform: str) -> list[Path]:
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return [base / "Zotero" / "Zotero" / "Profiles"]
    if platform == "darwin":
        return [home / "Library" / "Application Support" / "Zotero" / "Profiles"]
    return [home / ".zotero" / "zotero"]


def data_dir_from_prefs(prefs: str) -> Path | None:
    """The custom data folder a Zotero profile's ``prefs.js`` names, if it names one."""
    values: dict[str, str] = {}
    for name, raw in _PREF.findall(prefs):
        values[name] = raw
    use = values.get("useDataDir", "true")
    path = values.get("dataDir")
    if not path or use == "false":
        return None
    text = path[1:-1].encode("utf-8").decode("unicode_escape") if path.startswith('"') else path
    return Path(text) if text else None


def default_data_dir(
    home: Path | None = None, env: Mapping[str, str] | None = None, platform: str | None = None
) -> Path:
    """Where Zotero keeps its data on this machine: the folder a profile's ``prefs.js`` names
    (``extensions.zotero.dataDir``), else ``~/Zotero`` (``%USERPROFILE%\\Zotero`` on Windows)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if home is None:
        profile = env.get("USERPROFILE") if platform.startswith("win") else None
        home = Path(profile) if profile else Path.home()
    for root in _profile_dirs(home, env, platform):
        try:
            prefs_files = sorted(root.glob("*/prefs.js"))
        except OSError:
            continue
        for prefs in prefs_files:
            try:
                custom = data_dir_from_prefs(prefs.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if custom is not None and (custom / "zotero.sqlite").is_file():
                return custom
    return home / "Zotero"


def locate(path: Path | str | None) -> tuple[Path, Path]:
    """(data folder, database) for a data folder, a ``zotero.sqlite`` or None (the default)."""
    p = Path(path).expanduser() if path else default_data_dir()
    if p.is_dir():
        db = p / "zotero.sqlite"
        if not db.is_file():
            raise InputError(
                f"{p} is not a Zotero data folder (there is no zotero.sqlite in it).",
                "Choose the folder Zotero shows in Settings → Advanced → Files and Folders "
                "→ Data Directory Location, or the zotero.sqlite file itself.",
            )
        return p, db
    if p.is_file():
        return p.parent, p
    raise InputError(
        f"There is no Zotero library at {p}.",
        "Give the Zotero data folder or its zotero.sqlite "
        "(Zotero: Settings → Advanced → Files and Folders).",
    )


# -- a private copy ----------------------------------------------------------------------------

def _uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}?mode={mode}"


@contextmanager
def private_copy(database: Path) -> Iterator[Path]:
    """A copy of ``database`` in a temporary folder, deleted afterwards. The original is only
    ever opened read-only (``mode=ro``) or copied as bytes."""
    with tempfile.TemporaryDirectory(prefix="scholardesk-zotero-") as tmp:
        copy = Path(tmp) / "zotero.sqlite"
        try:
            src = sqlite3.connect(_uri(database, "ro"), uri=True, timeout=0.2)
            try:
                # One consistent snapshot under a read lock (WAL content included). Not
                # Connection.backup: it retries a locked source forever.
                copy.write_bytes(src.serialize())
            finally:
                src.close()
        except sqlite3.DatabaseError:
            # Zotero holds an exclusive lock while it runs (or this is not SQLite at all):
            # copy the bytes with the journal that goes with them; opening the copy finishes
            # (or rolls back) whatever Zotero was in the middle of, in the copy only.
            copy.unlink(missing_ok=True)
            try:
                shutil.copyfile(database, copy)
                for suffix in ("-wal", "-journal"):
                    side = database.with_name(database.name + suffix)
                    if side.is_file():
                        shutil.copyfile(side, copy.with_name(copy.name + suffix))
            except OSError as exc:
                raise InputError(f"Cannot read {database}: {exc.strerror or exc}.") from exc
        yield copy


# -- reading -----------------------------------------------------------------------------------

def note_text(note_html: str | None) -> str:
    """A Zotero note (HTML) as plain text: paragraphs and line breaks kept, markup removed."""
    if not note_html:
        return ""
    text = _BLOCK.sub("\n", note_html)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _schema_version(conn: sqlite3.Connection, database: Path) -> int:
    tables = _tables(conn)
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise InputError(
            f"{database} is not a Zotero database (it has no {', '.join(missing[:3])} table).",
            "Choose the zotero.sqlite in your Zotero data folder.",
        )
    row = conn.execute("SELECT version FROM version WHERE schema='userdata'").fetchone()
    userdata = int(row[0]) if row else 0
    if userdata < MIN_USERDATA:
        raise InputError(
            f"{database} has Zotero schema version {userdata}, older than Zotero 5.",
            "Open it once in Zotero 5 or newer (which upgrades it), then import again.",
        )
    return userdata


def _identity(conn: sqlite3.Connection, data_dir: Path) -> str:
    """The Zotero installation's ``localUserKey`` (random, made once per data folder and kept
    when the folder moves), else the folder's path."""
    try:
        row = conn.execute(
            "SELECT value FROM settings WHERE setting='account' AND key='localUserKey'"
        ).fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row and row[0]:
        return f"zotero:{row[0]}"
    return "zotero-dir:" + hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]


def _names(conn: sqlite3.Connection, table: str, id_col: str, name_col: str) -> dict[int, str]:
    return {int(i): str(n) for i, n in conn.execute(f"SELECT {id_col}, {name_col} FROM {table}")}


def _field_names(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    table = "fieldsCombined" if "fieldsCombined" in tables else "fields"
    return _names(conn, table, "fieldID", "fieldName")


def _base_fields(conn: sqlite3.Connection, tables: set[str], fields: dict[int, str]) -> dict[
    tuple[int, str], str
]:
    """(item type id, type-specific field) → base field (``university`` → ``publisher``)."""
    table = ("baseFieldMappingsCombined" if "baseFieldMappingsCombined" in tables
             else "baseFieldMappings" if "baseFieldMappings" in tables else "")
    if not table:
        return {}
    out: dict[tuple[int, str], str] = {}
    for type_id, base_id, field_id in conn.execute(
        f"SELECT itemTypeID, baseFieldID, fieldID FROM {table}"
    ):
        if field_id in fields and base_id in fields:
            out[(int(type_id), fields[field_id])] = fields[base_id]
    return out


def _primary_creator_types(conn: sqlite3.Connection, tables: set[str]) -> dict[int, int]:
    if "itemTypeCreatorTypes" not in tables:
        return {}
    return {
        int(t): int(c)
        for t, c in conn.execute(
            "SELECT itemTypeID, creatorTypeID FROM itemTypeCreatorTypes WHERE primaryField=1"
        )
    }


def _library_links(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """libraryID → the ``zotero://select/...`` prefix of its items (feeds are left out)."""
    out: dict[int, str] = {}
    groups: dict[int, int] = {}
    if "groups" in tables:
        groups = {int(lib): int(g) for g, lib in conn.execute("SELECT groupID, libraryID FROM groups")}
    for lib, kind in conn.execute("SELECT libraryID, type FROM libraries"):
        if kind == "feed":
            continue
        if kind == "group" and int(lib) in groups:
            out[int(lib)] = f"zotero://select/groups/{groups[int(lib)]}/items/"
        else:
            out[int(lib)] = "zotero://select/library/items/"
    return out


def _collection_paths(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    if "collections" not in tables:
        return {}
    rows = {
        int(cid): (str(name), pid)
        for cid, name, pid in conn.execute(
            "SELECT collectionID, collectionName, parentCollectionID FROM collections"
        )
    }
    if "deletedCollections" in tables:
        for (cid,) in conn.execute("SELECT collectionID FROM deletedCollections"):
            rows.pop(int(cid), None)
    paths: dict[int, str] = {}

    def path(cid: int, depth: int = 0) -> str:
        if cid in paths:
            return paths[cid]
        name, parent = rows[cid]
        name = name.strip().replace("/", "∕")
        if parent is not None and int(parent) in rows and depth < 50:
            name = f"{path(int(parent), depth + 1)}/{name}"
        paths[cid] = name
        return name

    for cid in rows:
        path(cid)
    return paths


def _date_parts(value: str) -> tuple[int | None, str]:
    """Zotero stores dates as ``"2020-05-00 May 2020"`` (SQL form, then what the user typed)."""
    year = parse_year(value)
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    published = ""
    if m and m.group(2) != "00" and m.group(3) != "00":
        published = m.group(0)
    return year, published


def _creator_name(first: str | None, last: str | None, mode: int | None) -> str:
    last = (last or "").strip()
    first = (first or "").strip()
    if mode == 1 or not first:
        return last
    if not last:
        return first
    return f"{first} {last}"


def _attachment_path(
    raw: str | None, link_mode: int, key: str, data_dir: Path
) -> tuple[str, str, bool | None]:
    """(kind, path, exists) of one attachment. A stored file is looked for inside the data
    folder only; a linked file is recorded as Zotero has it and never looked at."""
    raw = raw or ""
    if link_mode in (0, 1, 4):  # imported file, imported URL (snapshot), embedded image
        name = raw[len("storage:"):] if raw.startswith("storage:") else Path(raw).name
        storage = (data_dir / "storage" / key).resolve()
        target = (storage / name).resolve() if name else storage
        inside = target.is_relative_to(storage) and bool(name)
        exists = inside and target.is_file()
        return ("embedded" if link_mode == 4 else "stored"), str(target), exists
    if link_mode == 2:
        return "linked", raw, None
    return "link", raw, None


def _extra_lines(extra: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if m := _CITATION_KEY.search(extra):
        out["citation_key"] = m.group(1)
    if m := _EXTRA_ARXIV.search(extra):
        out["arxiv"] = m.group(1)
    if m := _EXTRA_DOI.search(extra):
        out["doi"] = m.group(1)
    return out


def read_zotero(path: Path | str | None = None) -> ZoteroLibrary:
    """Every regular item of the Zotero library at ``path`` (a data folder or its
    ``zotero.sqlite``; None: the default data folder), items in the trash left out."""
    data_dir, database = locate(path)
    with private_copy(database) as copy:
        try:
            conn = sqlite3.connect(copy)
        except sqlite3.DatabaseError as exc:  # pragma: no cover - a temp file we just made
            raise InputError(f"Cannot open the copy of {database}: {exc}.") from exc
        try:
            try:
                return _read(conn, data_dir, database)
            except sqlite3.DatabaseError as exc:
                raise InputError(
                    f"{database} cannot be read as a Zotero database ({exc}).",
                    "Choose the zotero.sqlite in your Zotero data folder; if Zotero is "
                    "running, try again in a moment or close Zotero.",
                ) from exc
        finally:
            conn.close()


def _read(conn: sqlite3.Connection, data_dir: Path, database: Path) -> ZoteroLibrary:
    schema = _schema_version(conn, database)
    tables = _tables(conn)
    lib = ZoteroLibrary(_identity(conn, data_dir), data_dir, database, schema)
    if schema > KNOWN_USERDATA:
        lib.notices.append(RecordError(
            str(database), "schema",
            f"Zotero schema version {schema} is newer than this ScholarDesk knows "
            f"({KNOWN_USERDATA}); fields it does not know were left out.",
        ))
    types = _names(conn, "itemTypes", "itemTypeID", "typeName")
    if "itemTypesCombined" in tables:
        types.update(_names(conn, "itemTypesCombined", "itemTypeID", "typeName"))
    fields = _field_names(conn, tables)
    bases = _base_fields(conn, tables, fields)
    primary = _primary_creator_types(conn, tables)
    creator_types = _names(conn, "creatorTypes", "creatorTypeID", "creatorType")
    links = _library_links(conn, tables)
    deleted = {int(r[0]) for r in conn.execute("SELECT itemID FROM deletedItems")}

    items: dict[int, tuple[int, str, str, int]] = {}  # id → (type id, key, stamp, library)
    children_of: dict[int, list[int]] = {}
    child_stamp: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for iid, tid, key, version, modified, client_modified, lib_id in conn.execute(
        "SELECT itemID, itemTypeID, key, version, dateModified, clientDateModified, libraryID "
        "FROM items"
    ):
        kind = types.get(int(tid), "")
        kinds[int(iid)] = kind
        stamp = f"{version}|{modified}|{client_modified}"
        if int(lib_id) not in links:
            continue
        if kind in NON_PAPER_TYPES:
            child_stamp[int(iid)] = stamp
            continue
        if int(iid) in deleted:
            lib.in_trash += 1
            continue
        items[int(iid)] = (int(tid), str(key), stamp, int(lib_id))

    values: dict[int, dict[str, str]] = {}
    for iid, fid, value in conn.execute(
        "SELECT d.itemID, d.fieldID, v.value FROM itemData d "
        "JOIN itemDataValues v ON v.valueID = d.valueID"
    ):
        if int(iid) in items and fid in fields:
            values.setdefault(int(iid), {})[fields[fid]] = "" if value is None else str(value)

    creators: dict[int, list[tuple[int, int, str]]] = {}
    for iid, ctype, order, first, last, mode in conn.execute(
        "SELECT ic.itemID, ic.creatorTypeID, ic.orderIndex, c.firstName, c.lastName, c.fieldMode "
        "FROM itemCreators ic JOIN creators c ON c.creatorID = ic.creatorID"
    ):
        if int(iid) in items:
            name = _creator_name(first, last, mode)
            if name:
                creators.setdefault(int(iid), []).append((int(order), int(ctype), name))

    tags: dict[int, list[str]] = {}
    if "itemTags" in tables:
        for iid, name in conn.execute(
            "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"
        ):
            if int(iid) in items and (tag := normalise_tag(str(name))):
                tags.setdefault(int(iid), []).append(tag)
    collections = _collection_paths(conn, tables)
    if "collectionItems" in tables:
        for cid, iid in conn.execute("SELECT collectionID, itemID FROM collectionItems"):
            if int(iid) in items and int(cid) in collections:
                tag = normalise_tag(f"collection:{collections[int(cid)]}")
                tags.setdefault(int(iid), []).append(tag)

    notes: dict[int, list[str]] = {}
    for iid, parent, note in conn.execute("SELECT itemID, parentItemID, note FROM itemNotes"):
        if int(iid) in deleted or kinds.get(int(iid)) != "note":
            continue
        if parent is None or int(parent) not in items:
            if parent is None:
                lib.standalone += 1
            continue
        children_of.setdefault(int(parent), []).append(int(iid))
        if text := note_text(note):
            notes.setdefault(int(parent), []).append(text)

    annotations: dict[int, int] = {}
    if "itemAnnotations" in tables:
        for iid, parent in conn.execute("SELECT itemID, parentItemID FROM itemAnnotations"):
            if int(iid) not in deleted:
                annotations[int(parent)] = annotations.get(int(parent), 0) + 1
                children_of.setdefault(int(parent), []).append(int(iid))

    keys = {iid: key for iid, (_, key, _, _) in items.items()}
    att_keys = {int(i): str(k) for i, k in conn.execute(
        "SELECT i.itemID, i.key FROM items i JOIN itemAttachments a ON a.itemID = i.itemID")}
    att_titles: dict[int, str] = {}
    title_ids = [fid for fid, name in fields.items() if name == "title"]
    if title_ids:
        for iid, value in conn.execute(
            "SELECT d.itemID, v.value FROM itemData d JOIN itemDataValues v ON v.valueID = d.valueID "
            "JOIN itemAttachments a ON a.itemID = d.itemID "
            f"WHERE d.fieldID IN ({', '.join(str(int(f)) for f in title_ids)})"
        ):
            att_titles[int(iid)] = str(value or "")
    attachments: dict[int, list[Attachment]] = {}
    for iid, parent, mode, ctype, raw in conn.execute(
        "SELECT itemID, parentItemID, linkMode, contentType, path FROM itemAttachments"
    ):
        if int(iid) in deleted:
            continue
        if parent is None or int(parent) not in items:
            if parent is None:
                lib.standalone += 1
            continue
        akey = att_keys.get(int(iid), "")
        kind, where, exists = _attachment_path(raw, int(mode or 0), akey, data_dir)
        att = Attachment(akey, att_titles.get(int(iid), ""), str(ctype or ""), kind, where,
                         exists, annotations.get(int(iid), 0))
        attachments.setdefault(int(parent), []).append(att)
        children_of.setdefault(int(parent), []).append(int(iid))
        if exists is False:
            lib.notices.append(RecordError(
                str(database), keys[int(parent)],
                f"attachment file missing: {where} (Zotero may not have downloaded it; "
                "the paper is imported without it)",
            ))

    for iid, (tid, key, stamp, lib_id) in items.items():
        kids = children_of.get(iid, ())
        full_stamp = stamp + "|" + ",".join(sorted(child_stamp.get(k, "") for k in kids))
        item_type = types.get(tid, "")
        record = _record(
            item_type, tid, key, values.get(iid, {}), bases, creators.get(iid, []),
            primary.get(tid), creator_types, tags.get(iid, []), attachments.get(iid, []),
            links[lib_id] + key, lib.identity,
        )
        if record is None:
            lib.errors.append(RecordError(str(database), key, f"the {item_type} has no title"))
            continue
        lib.items.append(ZoteroItem(
            key, item_type, full_stamp, record, "\n\n".join(notes.get(iid, [])),
            tuple(attachments.get(iid, [])),
        ))
    return lib


def _record(
    item_type: str,
    type_id: int,
    key: str,
    raw: dict[str, str],
    bases: dict[tuple[int, str], str],
    creators: list[tuple[int, int, str]],
    primary_type: int | None,
    creator_types: dict[int, str],
    tags: list[str],
    attachments: list[Attachment],
    select_uri: str,
    identity: str,
) -> PaperRecord | None:
    values = dict(raw)
    for name, value in raw.items():  # base names too: thesis "university" is also "publisher"
        base = bases.get((type_id, name))
        if base and not values.get(base):
            values[base] = value
    title = clean_text(values.get("title") or values.get("caseName") or values.get("nameOfAct"))
    if not title:
        return None
    creators.sort()
    authors = [n for _, t, n in creators if primary_type is None or t == primary_type]
    if not authors:
        authors = [n for _, t, n in creators if creator_types.get(t) == "editor"]
    extra_text = values.get("extra", "")
    from_extra = _extra_lines(extra_text)
    year, published = _date_parts(values.get("date", ""))
    doi = normalise_doi(values.get("DOI") or from_extra.get("doi"))
    url = fix_url(values.get("url"))
    arxiv = None
    for candidate in (values.get("archiveID", ""), from_extra.get("arxiv", ""), url, doi or ""):
        if candidate and (arxiv := parse_arxiv_id(candidate)) is not None:
            break
    if arxiv is not None and doi and doi.startswith("10.48550/"):
        doi = None  # arXiv's own DOI: the arXiv id is the key
    venue = ""
    for name in VENUE_FIELDS:
        if values.get(name, "").strip():
            venue = clean_text(values[name])
            break
    entry_type = ENTRY_TYPES.get(item_type, "misc")
    if item_type == "thesis" and _MASTERS.search(values.get("thesisType", "")):
        entry_type = "mastersthesis"
    extra: dict[str, str] = {"zotero_key": key, "zotero_type": item_type}
    for src, dst in EXTRA_MAP:
        if values.get(src, "").strip() and dst not in extra:
            extra[dst] = clean_text(values[src])
    if extra_text.strip():
        extra["zotero_extra"] = extra_text.strip()
    files = [a for a in attachments if a.link_mode != "link"]
    if files:
        extra["zotero_attachments"] = "\n".join(a.path for a in files)
        missing = sum(1 for a in files if a.exists is False)
        if missing:
            extra["zotero_attachments_missing"] = str(missing)
    notes_on = sum(a.annotations for a in attachments)
    if notes_on:
        extra["zotero_annotations"] = str(notes_on)
    links = {"zotero": select_uri}
    if url:
        links["url"] = url
    pdf = next((a for a in files if a.is_pdf and a.link_mode == "stored" and a.exists), None)
    if pdf is not None:
        links["pdf"] = Path(pdf.path).as_uri()
    citation_key = clean_text(values.get("citationKey") or from_extra.get("citation_key", ""))
    return PaperRecord(
        title=title,
        source_kind=SOURCE_KIND,
        source_ref=identity,
        record_ref=key,
        authors=tuple(clean_text(a) for a in authors),
        year=year,
        abstract=clean_text(values.get("abstractNote")),
        doi=doi,
        arxiv_id=arxiv.id if arxiv else None,
        arxiv_version=arxiv.version if arxiv else None,
        venue=venue,
        entry_type=entry_type,
        bibtex_key=citation_key,
        published=published,
        links=links,
        extra=extra,
        tags=tuple(dict.fromkeys(tags)),
    )
