"""Citations: one parsed view of a paper (``Work``) and the reference-list styles built on it.

Styles: ``gbt7714`` (GB/T 7714—2015, 顺序编码制 reference-list entries), ``apa`` (APA 7th) and
``ieee``. Every style formats the same ``Work``: authors split into family / given names (with
particles such as "Del Maestro", "van der Merwe"; Chinese and corporate names kept whole), the
real container (an arXiv ``journal_ref`` such as "Phys. Rev. B 85, 115117 (2012)" is parsed into
journal, volume, pages and year), the year of the publication (not of the arXiv submission).

Titles are transcribed as the library holds them (no case changes: the library does not keep
BibTeX's brace protection, so sentence-casing would lower acronyms and proper names). Pure; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from scholardesk.core.errors import InputError
from scholardesk.domain.papers import Paper

STYLES = ("gbt7714", "apa", "ieee")

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SUFFIXES = {"jr": "Jr", "jr.": "Jr", "sr": "Sr", "sr.": "Sr", "ii": "II", "iii": "III", "iv": "IV"}
# Name particles that belong to the family name ("Del Maestro", "van der Merwe", "Des Marais").
_PARTICLES = frozenset({
    "von", "van", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "dos", "das",
    "do", "du", "des", "la", "le", "lo", "ter", "ten", "te", "zu", "zur", "af", "av", "st.",
    "bin", "ibn", "al", "el", "y",
})
_CORPORATE_WORDS = frozenset({
    "university", "institute", "institution", "organization", "organisation", "association",
    "committee", "group", "center", "centre", "council", "society", "department", "inc",
    "inc.", "ltd", "ltd.", "laboratory", "laboratories", "consortium", "team", "foundation",
    "agency", "bureau", "office", "administration", "project", "collaboration", "academy",
    "ministry", "corporation", "company", "commission", "board", "network", "alliance",
})


# --- the parsed representation -------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    """One author. ``whole`` names (Chinese, corporate, mononyms) are never split or abbreviated."""

    family: str
    given: str = ""
    suffix: str = ""  # "Jr", "III"
    whole: bool = False

    @property
    def initials(self) -> tuple[str, ...]:
        """One initial per given name; a hyphenated name ("Jean-Pierre") gives "J-P"."""
        out: list[str] = []
        for word in re.split(r"[\s.]+", self.given):
            parts = [p for p in word.split("-") if p]
            letters = [_first_letter(p) for p in parts]
            if any(letters):
                out.append("-".join(x for x in letters if x))
        return tuple(out)


@dataclass(frozen=True)
class Work:
    """What every citation style needs to know about a paper."""

    # journal | conference | chapter | book | proceedings | archive | thesis | report | preprint |
    # online | newspaper | patent | standard | software | misc
    kind: str
    title: str
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    container: str = ""  # journal, proceedings or book title
    volume: str = ""
    issue: str = ""
    pages: str = ""  # "1518-1523" (hyphen), "115117"
    year: str = ""
    date: str = ""  # ISO date of the (latest) online version, for electronic resources
    publisher: str = ""
    place: str = ""
    edition: str = ""
    school: str = ""
    degree: str = ""  # "phd" | "masters" | ""
    number: str = ""  # report number
    url: str = ""
    urldate: str = ""  # when the user read it online (BibTeX ``urldate``): GB/T's "/OL" form
    doi: str = ""
    arxiv_id: str = ""
    cjk: bool = False  # a Chinese / Japanese / Korean work (GB/T: "等" instead of "et al.")


def _first_letter(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            return ch.upper()
    return ""


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def parse_name(text: str) -> Name:
    """A display name ("Adrian Del Maestro", "Peyton Z. Peebles Jr", "Murray, James M.",
    "张三", "World Health Organization") → family / given / suffix."""
    text = " ".join(text.split())
    if not text:
        return Name("", whole=True)
    if _has_cjk(text):
        return Name(text, whole=True)
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 2 and parts[1].casefold() in _SUFFIXES:
            text = parts[0] + " " + parts[1]
        elif len(parts) == 2 and parts[1]:
            return Name(parts[0], parts[1])
        elif len(parts) >= 3:
            return Name(parts[0], parts[2], _SUFFIXES.get(parts[1].casefold(), parts[1]))
        else:
            text = parts[0]
    words = text.split()
    if any(w.casefold().strip("(),") in _CORPORATE_WORDS for w in words) or (
        len(words) > 4 and not any(w.casefold() in _PARTICLES or w.endswith(".") for w in words)
    ):
        return Name(text, whole=True)  # "World Health Organization", a long unsplittable name
    suffix = ""
    if len(words) > 1 and words[-1].casefold().rstrip(",") in _SUFFIXES:
        suffix = _SUFFIXES[words.pop().casefold().rstrip(",")]
    if len(words) == 1:
        return Name(words[0], suffix=suffix, whole=not suffix)
    start = len(words) - 1
    # Lower-case particles always join the family name; capitalised ones ("Del", "Van") only
    # when a given name stays in front of them ("Di Wu" is given + family, not a particle).
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    while start > 0 and words[start - 1].islower() and words[start - 1] in _PARTICLES:
        start -= 1
    return Name(" ".join(words[start:]), " ".join(words[:start]), suffix)


# --- journal_ref and other raw venue strings ----------------------------------------------

_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# "Phys. Rev. B 85, 115117 (2012)", "Int. J. Mod. Phys. B, 26, 1244002 (2012)",
# "Physical Review B 82, 060515(R) (2010)", "Annals of Physics 324, 523 (2009)."
_APS_LIKE = re.compile(
    r"^(?P<journal>.*?[^\d\s,]),?\s+(?P<volume>\d+)\s*(?:\((?P<issue>[\w/-]+)\))?\s*[,:]\s*"
    r"(?P<pages>[A-Za-z]?\d+(?:\([A-Z]\))?(?:\s*[-–]+\s*[A-Za-z]?\d+)?)\s*"
    r"\((?P<year>\d{4})\)\.?$"
)
# "International Journal of ... (IJSEA), Vol.3, No.1, January 2012"
_VOL_NO = re.compile(
    r"^(?P<journal>.+?),?\s+vol\.?\s*(?P<volume>\d+)(?:\s*,?\s*no\.?\s*(?P<issue>[\w/-]+))?"
    r"(?:\s*,?\s*(?:pp?\.|pages)\s*(?P<pages>\d+(?:\s*[-–]+\s*\d+)?))?(?P<rest>.*)$",
    re.IGNORECASE,
)
_PAGES = re.compile(r"[,(]?\s*\b(?:pp?\.|pages)\s*(\d+\s*[-–]+\s*\d+|\d+)\s*\)?", re.IGNORECASE)
_CONFERENCE = re.compile(
    r"\b(proc\.?|proceedings|conference|conf\.|workshops?|symposium|congress|meeting|"
    r"inproceedings)\b|会议|研讨会|论文集",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class VenueRef:
    container: str
    volume: str = ""
    issue: str = ""
    pages: str = ""
    year: str = ""


def parse_venue_ref(text: str) -> VenueRef:
    """A free-text reference such as arXiv's ``journal_ref`` → journal, volume, issue, pages,
    year. What cannot be split stays the container, without its trailing year."""
    text = " ".join(text.split()).strip()
    m = _APS_LIKE.match(text)
    if m:
        return VenueRef(m["journal"].strip(), m["volume"], m["issue"] or "",
                        _hyphen(m["pages"]), m["year"])
    m = _VOL_NO.match(text)
    if m and _YEAR_RE.search(m["rest"] or "") or (m and not m["rest"]):
        years = _YEAR_RE.findall(m["rest"] or "")
        return VenueRef(m["journal"].strip(" ,"), m["volume"], m["issue"] or "",
                        _hyphen(m["pages"] or ""), years[-1] if years else "")
    pages = ""
    pm = _PAGES.search(text)
    if pm:
        pages = _hyphen(pm.group(1))
        text = (text[: pm.start()] + text[pm.end():]).strip()
    years = _YEAR_RE.findall(text)
    year = years[-1] if years else ""
    # A year (and a publisher before it) closing the string is the date, not the name.
    text = re.sub(r"(?:[.,]\s*[^,.]{1,20})?,\s*(?:\w+\s+)?\(?\d{4}\)?\.?$", "", text).strip()
    text = re.sub(r"\s+\d{4}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?$", "", text)  # "… 2022 Jul 18"
    text = re.sub(r"\s*\(\d{4}\)\.?$", "", text)
    text = re.sub(r"^In\s*(?=Proc)", "", text).strip(" ,.;")
    return VenueRef(text, pages=pages, year=year)


def _hyphen(pages: str) -> str:
    return re.sub(r"\s*[-–—]+\s*", "-", pages.strip())


# --- Paper → Work ---------------------------------------------------------------------------

_KINDS = {
    "article": "journal",
    "periodical": "journal",
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "proceedings",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "collection": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "online",
    "electronic": "online",
    "www": "online",
    "archive": "archive",
    "mvbook": "book",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "chapter",
    "mvproceedings": "proceedings",
    "masterthesis": "thesis",
    "newspaper": "newspaper",
    "patent": "patent",
    "standard": "standard",
    "software": "software",
}
# Kinds formatted as a book ("Place: Publisher, year") whatever their GB/T type code.
_BOOKISH = ("book", "proceedings", "archive", "thesis", "report")
_PREPRINT_VENUE = re.compile(r"^(arxiv|corr)\b", re.IGNORECASE)


def work_of(paper: Paper) -> Work:
    """The parsed view of ``paper`` that every style formats."""
    x: Mapping[str, str] = paper.extra
    kind = _KINDS.get(paper.entry_type, "misc")
    venue = " ".join(paper.venue.split())
    volume, issue, pages = x.get("volume", ""), x.get("number", ""), _hyphen(x.get("pages", ""))
    year = str(paper.year) if paper.year else ""
    if venue and _PREPRINT_VENUE.match(venue):
        venue = ""  # "arXiv preprint arXiv:…", "CoRR abs/…": the paper is a preprint
        if paper.arxiv_id:
            kind = "preprint"
    if paper.arxiv_id and venue and not (volume or pages):
        ref = parse_venue_ref(venue)  # arXiv's journal_ref
        venue, volume, issue, pages = ref.container, ref.volume, ref.issue, ref.pages
        year = ref.year or year  # the journal's year beats the arXiv submission year
        kind = "conference" if _CONFERENCE.search(venue) else "journal"
    elif paper.arxiv_id and not venue and kind in ("journal", "misc", "online"):
        kind = "preprint"
    if kind == "journal" and not venue and not paper.arxiv_id:
        kind = "misc"
    if kind == "journal" and _CONFERENCE.search(venue) and paper.entry_type != "article":
        kind = "conference"
    if not issue and paper.doi and paper.doi.startswith("10.1103/") and re.fullmatch(r"\d{6}", pages):
        # APS article numbers start with the issue: Phys. Rev. B 85, 115117 is issue 11.
        issue = str(int(pages[:2]))
    authors = tuple(parse_name(a) for a in paper.authors if a.strip())
    editors = tuple(parse_name(e) for e in _split_and(x.get("editor", "")))
    degree = {"phdthesis": "phd", "mastersthesis": "masters"}.get(paper.entry_type, "")
    school = x.get("school", "") or (x.get("institution", "") if kind == "thesis" else "")
    publisher = x.get("publisher", "")
    if kind == "report":
        publisher = publisher or x.get("institution", "")
    if kind in ("conference", "chapter", *_BOOKISH) and not publisher:
        publisher = x.get("organization", "")
    return Work(
        kind=kind,
        title=" ".join(paper.title.split()),
        authors=authors,
        editors=editors,
        container=venue,
        volume=volume,
        issue=issue,
        pages=pages,
        year=year,
        date=(paper.updated or paper.published)[:10],
        publisher=publisher,
        place=x.get("address", ""),
        edition=x.get("edition", ""),
        school=school,
        degree=degree,
        number=x.get("number", "") if kind == "report" else "",
        url=paper.links.get("url", "") or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else ""),
        urldate=x.get("urldate", "")[:10],
        doi=paper.doi or "",
        arxiv_id=paper.arxiv_id or "",
        cjk=_has_cjk(paper.title) or any(_has_cjk(a) for a in paper.authors[:1]),
    )


def _split_and(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s+and\s+", text) if n.strip()] if text else []


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}


def _edition_number(edition: str) -> int | None:
    e = edition.strip().casefold().rstrip(".")
    if e in _ORDINALS:
        return _ORDINALS[e]
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?: ed(?:ition)?)?", e)
    return int(m.group(1)) if m else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _english_edition(edition: str) -> str:
    n = _edition_number(edition)
    if n == 1:
        return ""
    return f"{_ordinal(n)} ed." if n else edition


def _end(text: str) -> str:
    """``text`` closed with one full stop (none added after ?, ! or a closing full stop)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".?!。？！" else text + "."


# --- GB/T 7714—2015 -------------------------------------------------------------------------

_GBT_CODES = {
    "journal": "J", "conference": "C", "chapter": "M", "book": "M", "thesis": "D",
    "report": "R", "preprint": "EB/OL", "online": "EB/OL", "misc": "Z", "proceedings": "C",
    "archive": "A", "newspaper": "N", "patent": "P", "standard": "S", "software": "CP",
}


def _gbt_name(n: Name) -> str:
    if n.whole:
        return n.family
    name = n.family.upper()
    if n.initials:
        name += " " + " ".join(n.initials)
    return f"{name}, {n.suffix}" if n.suffix else name


def _gbt_names(names: tuple[Name, ...], cjk: bool) -> str:
    """GB/T 7714—2015 8.1.2: up to three names; more → the first three and "等" / "et al."."""
    shown = ", ".join(_gbt_name(n) for n in names[:3])
    if len(names) > 3:
        shown += ", 等" if cjk else ", et al."
    return shown


def gbt7714(w: Work, accessed: date | None = None) -> str:
    """A GB/T 7714—2015 reference-list entry (顺序编码制, without the [n] number).

    Journal "Title[J]. Journal, year, volume(issue): pages."; conference "Title[C]//Editors.
    Proceedings. Place: Publisher, year: pages."; book [M] / thesis [D] / report [R] "Place:
    Publisher, year."; arXiv preprints and web pages are electronic resources "Title[EB/OL].
    (date)[cited]. URL.". A work read online (a ``urldate``) gets "/OL", its citation date and
    its URL (4.4.2, A.4, A.8). The DOI closes the entry (8.7).
    """
    code = _GBT_CODES[w.kind]
    online = w.kind in ("preprint", "online")
    read_online = not online and bool(w.urldate and w.url)
    if read_online:
        code += "/OL"
    cited = f"[{w.urldate or (accessed or date.today()).isoformat()}]"
    title = w.title
    if w.kind == "report" and w.number and w.number not in title:
        title = f"{title}: {w.number}"  # A.3: the report number follows the title
    head = f"{_end(_gbt_names(w.authors, w.cjk))} " if w.authors else ""
    head += f"{title}[{code}]"
    edition = w.edition if w.cjk or not w.edition else _english_edition(w.edition)
    if w.cjk and _edition_number(w.edition):
        edition = f"{_edition_number(w.edition)} 版"
    parts: list[str] = []  # the sentences after "Title[X]", each without its closing full stop
    if w.kind == "journal":
        where = ", ".join(x for x in (w.container, w.year) if x)
        if w.volume:
            where += f", {w.volume}" if where else w.volume
        if w.issue:
            where += f"({w.issue})"
        if w.pages:
            where += f": {w.pages}"
        parts.append(where)
    elif w.kind in ("conference", "chapter"):
        host = w.container
        if w.editors:
            host = ". ".join(x for x in (_gbt_names(w.editors, w.cjk), host) if x)
        head += f"//{host}" if host else ""
        parts += [edition, _gbt_publication(w.place, w.publisher, w.year, w.pages)]
    elif w.kind in _BOOKISH:
        org = w.school if w.kind == "thesis" else w.publisher
        parts += [edition, _gbt_publication(w.place, org, w.year, w.pages)]
    elif online:
        parts.append((f"({w.date})" if w.date else "") + cited)
        if not w.date and w.year:
            parts[-1] = f"({w.year}){cited}"
    else:
        parts.append(w.year)
    parts = [p for p in parts if p]
    if read_online:
        if parts:
            parts[-1] += cited
        else:
            parts.append(cited)
    if w.url and (online or read_online):
        parts.append(w.url)
    if w.doi:
        parts.append(f"DOI: {w.doi}")
    return " ".join(_end(x) for x in [head, *parts])


def _gbt_publication(place: str, publisher: str, year: str, pages: str) -> str:
    """"Place: Publisher, year: pages" with whichever parts are known."""
    text = ": ".join(x for x in (place, publisher) if x)
    text = ", ".join(x for x in (text, year) if x)
    if pages:
        text += f": {pages}"
    return text


# --- APA 7th ---------------------------------------------------------------------------------

def _apa_name(n: Name) -> str:
    if n.whole:
        return n.family
    initials = " ".join(".-".join(i.split("-")) + "." for i in n.initials)
    name = f"{n.family}, {initials}" if initials else n.family
    return f"{name}, {n.suffix}." if n.suffix else name


def _apa_names(names: tuple[Name, ...]) -> str:
    """APA 7 9.8: up to 20 names, "&" before the last; 21 or more → 19, "…", the last."""
    shown = [_apa_name(n) for n in names]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 20:
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    return ", ".join(shown[:-1]) + ", & " + shown[-1]


def _dash(pages: str) -> str:
    return pages.replace("-", "–")


def apa(w: Work, accessed: date | None = None) -> str:
    """An APA 7th edition reference-list entry (italics cannot be shown in plain text)."""
    year = f"({w.year})" if w.year else "(n.d.)"
    title = _end(w.title)
    head = f"{_end(_apa_names(w.authors))} {year}. {title}" if w.authors else f"{title} {year}."
    parts = [head]
    if w.kind == "journal":
        where = w.container
        if w.volume or w.issue:
            where += f", {w.volume}" + (f"({w.issue})" if w.issue else "")
        if w.pages:
            where += f", {_dash(w.pages)}"
        if where:
            parts.append(_end(where))
    elif w.kind in ("conference", "chapter"):
        pages = f" (pp. {_dash(w.pages)})" if w.pages else ""
        eds = ""
        if w.editors:
            label = "Ed." if len(w.editors) == 1 else "Eds."
            eds = f"{' & '.join(_apa_editor(e) for e in w.editors)} ({label}), "
        if w.container:
            parts.append(f"In {eds}{w.container}{pages}.")
        if w.publisher:
            parts.append(_end(w.publisher))
    elif w.kind in ("book", "proceedings", "archive", "report"):
        edition = _english_edition(w.edition) if w.edition else ""
        detail = ", ".join(x for x in (edition, f"Report No. {w.number}" if w.number else "") if x)
        if detail:
            parts[0] = f"{head[:-1]} ({detail})." if head.endswith(".") else head
        if w.publisher:
            parts.append(_end(w.publisher))
    elif w.kind == "thesis":
        label = {"phd": "Doctoral dissertation", "masters": "Master's thesis"}.get(w.degree, "Thesis")
        school = f", {w.school}" if w.school else ""
        parts[0] = f"{head[:-1] if head.endswith('.') else head} [{label}{school}]."
    elif w.kind == "preprint":
        parts[0] = f"{head[:-1] if head.endswith('.') else head} (arXiv:{w.arxiv_id})."
        parts.append("arXiv.")
        if not w.doi:
            return " ".join(parts) + f" https://doi.org/10.48550/arXiv.{w.arxiv_id}"
    if w.doi:
        parts.append(f"https://doi.org/{w.doi}")
    elif w.url and w.kind in ("online", "thesis", "report", "misc"):
        parts.append(w.url)
    return " ".join(parts)


def _apa_editor(n: Name) -> str:
    if n.whole:
        return n.family
    initials = " ".join(".-".join(i.split("-")) + "." for i in n.initials)
    return f"{initials} {n.family}".strip()


# --- IEEE -----------------------------------------------------------------------------------

def _ieee_name(n: Name) -> str:
    if n.whole:
        return n.family
    initials = " ".join(".-".join(i.split("-")) + "." for i in n.initials)
    name = f"{initials} {n.family}".strip()
    return f"{name}, {n.suffix}." if n.suffix else name


def _ieee_names(names: tuple[Name, ...]) -> str:
    """IEEE: up to six names ("A, B, and C"); seven or more → the first and "et al."."""
    shown = [_ieee_name(n) for n in names]
    if len(shown) > 6:
        return f"{shown[0]} et al."
    if len(shown) <= 2:
        return " and ".join(shown)
    return ", ".join(shown[:-1]) + ", and " + shown[-1]


def _ieee_pages(pages: str) -> str:
    if not pages:
        return ""
    return f"pp. {_dash(pages)}" if "-" in pages else f"p. {pages}"


def ieee(w: Work, accessed: date | None = None) -> str:
    """An IEEE reference-list entry (IEEE Reference Guide), without the [n] number."""
    names = _ieee_names(w.authors)
    lead = f"{names}, " if names else ""
    edition = _english_edition(w.edition) if w.edition else ""
    tail: list[str]
    if w.kind in ("book", "proceedings", "archive"):
        head = f"{lead}{w.title}"
        if edition:
            head += f", {edition}"
        pub = ": ".join(x for x in (w.place, w.publisher) if x)
        text = _end(head) + (f" {pub}, {w.year}." if pub and w.year else f" {_end(pub or w.year)}"
                             if pub or w.year else "")
        return _ieee_doi(text.rstrip(), w)
    if w.kind == "journal":
        tail = [w.container, f"vol. {w.volume}" if w.volume else "", f"no. {w.issue}" if w.issue else "",
                _ieee_pages(w.pages), w.year]
    elif w.kind in ("conference", "chapter"):
        container = w.container
        if container and w.kind == "conference" and not re.match(r"(?i)proc", container):
            container = f"Proc. {container}" if not _has_cjk(container) else container
        tail = [f"in {container}" if container else "", edition,
                ": ".join(x for x in (w.place, w.publisher) if x), w.year, _ieee_pages(w.pages)]
    elif w.kind == "thesis":
        label = {"phd": "Ph.D. dissertation", "masters": "M.S. thesis"}.get(w.degree, "Thesis")
        tail = [label, w.school, w.place, w.year]
    elif w.kind == "report":
        tail = [w.publisher, w.place, f"Rep. {w.number}" if w.number else "", w.year]
    elif w.kind == "preprint":
        tail = [f"arXiv:{w.arxiv_id}", w.year]
    else:
        tail = [w.container, w.year]
    body = ", ".join(x for x in tail if x)
    quoted = f"“{w.title},”" if body else f"“{w.title}.”"
    text = f"{lead}{quoted} {body}".rstrip()
    if w.kind == "online" and w.url:
        when = date.fromisoformat(w.urldate) if _ISO_DAY.fullmatch(w.urldate) else accessed
        text = f"{_end(text)} Accessed: {_ieee_date(when or date.today())}. [Online]. Available: {w.url}"
        return text if not w.doi else _ieee_doi(text, w)
    return _ieee_doi(text, w)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_IEEE_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.",
                "Nov.", "Dec.")


def _ieee_date(d: date) -> str:
    return f"{_IEEE_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _ieee_doi(text: str, w: Work) -> str:
    text = text.rstrip(". ")
    if w.doi:
        return f"{text}, doi: {w.doi}."
    return text + "."


# --- entry point ----------------------------------------------------------------------------

_FORMATTERS: dict[str, Callable[[Work, date | None], str]] = {
    "gbt7714": gbt7714,
    "apa": apa,
    "ieee": ieee,
}


def format_citation(paper: Paper, style: str, accessed: date | None = None) -> str:
    """``paper`` as one reference-list entry in ``style`` (one of ``STYLES``).

    ``accessed`` is the citation (access) date that GB/T 7714 prints for electronic resources
    such as arXiv preprints; it defaults to today.
    """
    key = style.strip().lower().replace("/", "").replace(" ", "").replace("-", "")
    formatter = _FORMATTERS.get(key)
    if formatter is None:
        raise InputError(f"Unknown citation style {style!r}.", f"Use one of: {', '.join(STYLES)}.")
    return unicodedata.normalize("NFC", formatter(work_of(paper), accessed))
