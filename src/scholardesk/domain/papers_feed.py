"""The arXiv feed's pure rules (issue #15): documents, the user's rules, and work keys.

``FeedDoc`` is one new entry as the ranking sees it; ``FeedRules`` the chips of the New view;
``apply_rules`` drops and boosts before anything is ranked (analysis/papers_feed_ranking.py).

How the rules match (decided here, documented in docs/papers.md):

- **Keywords** (include and exclude) are looked for in the title and abstract, case- and
  accent-insensitively, as whole words: ``ctc`` matches "CTC-based" and "(CTC)" but not
  "ctcnet"; ``transformer`` does not match "transformers" — write ``transformer*`` for a prefix.
  A phrase (``speech recognition``) matches with any spaces or hyphens between its words.
- **Exclude beats include**: a speech survey is dropped by the exclude keyword ``survey`` even
  when ``speech`` is an include keyword.
- **Muted categories** drop a paper whose *primary* category (the first of ``categories``, as
  arXiv lists them) is muted: muting ``cs.CV`` hides computer-vision papers but keeps a
  cs.CL paper cross-listed to cs.CV. A mute without a dot (``math``, or ``math.*``) mutes the
  whole archive (math.AG, math.PR, ...). Matching ignores case.
- **Followed authors** boost a paper and are never dropped by a mute or an exclude keyword (a
  person you chose to follow beats a generic filter). A name matches when the family names are
  equal (accents and case ignored) and the given names agree as far as both are written: the
  rule "Yoshua Bengio" matches "Y. Bengio", "Bengio, Yoshua" and "Yoshua Bengio" but not
  "Samy Bengio"; the rule "Bengio" (family name only) matches every Bengio. Names of two words
  are also tried the other way round ("Wei Zhang" matches "Zhang Wei"). Names written without
  spaces (张昆) must be equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from scholardesk.core.i18n import tr
from scholardesk.domain.paper_ids import parse_arxiv_id
from scholardesk.domain.text_clean import fold

__all__ = [
    "FeedDoc",
    "FeedRules",
    "RuleOutcome",
    "apply_rules",
    "author_matches",
    "keyword_pattern",
    "work_key",
]


@dataclass(frozen=True)
class FeedDoc:
    key: str  # the work key (work_key(arxiv_id)) or any id unique among the documents ranked
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # primary category first, as arXiv lists them


@dataclass(frozen=True)
class FeedRules:
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    follow_authors: tuple[str, ...] = ()
    mute_categories: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.include_keywords or self.exclude_keywords or self.follow_authors
                    or self.mute_categories)


@dataclass(frozen=True)
class RuleOutcome:
    kept: list[FeedDoc]  # in the order given
    dropped: dict[str, str] = field(default_factory=dict)  # key -> "muted category cs.CV"
    boosted: dict[str, str] = field(default_factory=dict)  # key -> "followed author Y. Bengio"


# --- keywords ------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s\-‐-―]+")


@lru_cache(maxsize=512)
def keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    """The compiled whole-word pattern of one keyword (on folded text), None for a blank one."""
    text = fold(keyword.strip())
    prefix = text.endswith("*")
    words = [w for w in _SPLIT.split(text.rstrip("*").strip()) if w]
    if not words:
        return None
    body = r"[\s\-‐-―]+".join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else r"(?!\w)"
    return re.compile(rf"(?<!\w){body}{tail}")


def _first_keyword(text: str, keywords: Iterable[str]) -> str | None:
    for keyword in keywords:
        pattern = keyword_pattern(keyword)
        if pattern is not None and pattern.search(text):
            return keyword.strip()
    return None


# --- authors -------------------------------------------------------------------------------

_NAME_PARTS = re.compile(r"[\s.]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _readings(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """(family name, given names) readings of a display name, all folded and dot-free."""
    name = fold(name.strip())
    if not name:
        return []
    if "," in name:
        family, _, given = name.partition(",")
        given_parts = tuple(p for p in _NAME_PARTS.split(given) if p and p not in _SUFFIXES)
        return [(family.strip(), given_parts)]
    parts = [p for p in _NAME_PARTS.split(name) if p]
    while len(parts) > 1 and parts[-1] in _SUFFIXES:
        parts.pop()
    if not parts:
        return []
    readings = [(parts[-1], tuple(parts[:-1]))]
    if len(parts) == 2:
        readings.append((parts[0], (parts[1],)))
    return readings


def _given_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Word by word, as far as both go: an initial agrees with a name of that initial."""
    for x, y in zip(a, b, strict=False):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif x != y:
            return False
    return True


def author_matches(rule: str, author: str) -> bool:
    """Whether the followed name ``rule`` names ``author`` (see the module docstring)."""
    rule_readings = _readings(rule)
    if not rule_readings:
        return False
    for r_family, r_given in rule_readings:
        for a_family, a_given in _readings(author):
            if r_family == a_family and _given_agree(r_given, a_given):
                return True
    return False


# --- categories ----------------------------------------------------------------------------

def _category_muted(category: str, mutes: Iterable[str]) -> str | None:
    cat = category.strip().casefold()
    for mute in mutes:
        m = mute.strip().casefold().removesuffix(".*")
        if not m:
            continue
        if cat == m or ("." not in m and cat.startswith(m + ".")):
            return mute.strip()
    return None


# --- the rules -----------------------------------------------------------------------------

def apply_rules(docs: Sequence[FeedDoc], rules: FeedRules) -> RuleOutcome:
    """Drop muted and excluded papers, boost followed authors and include keywords.

    ``dropped`` and ``boosted`` say why, per key; several boost reasons are joined with "; ".
    """
    if rules.empty:
        return RuleOutcome(kept=list(docs))
    kept: list[FeedDoc] = []
    dropped: dict[str, str] = {}
    boosted: dict[str, str] = {}
    for doc in docs:
        followed = next((a for a in doc.authors
                         if any(author_matches(rule, a) for rule in rules.follow_authors)), None)
        text = fold(f"{doc.title}\n{doc.abstract}") if (
            rules.include_keywords or rules.exclude_keywords) else ""
        if followed is None:
            muted = (_category_muted(doc.categories[0], rules.mute_categories)
                     if doc.categories and rules.mute_categories else None)
            if muted is not None:
                dropped[doc.key] = tr("muted category {category}", category=doc.categories[0])
                continue
            excluded = _first_keyword(text, rules.exclude_keywords)
            if excluded is not None:
                dropped[doc.key] = tr("excluded keyword '{keyword}'", keyword=excluded)
                continue
        reasons = []
        if followed is not None:
            reasons.append(tr("followed author {author}", author=followed))
        included = _first_keyword(text, rules.include_keywords)
        if included is not None:
            reasons.append(tr("keyword '{keyword}'", keyword=included))
        if reasons:
            boosted[doc.key] = "; ".join(reasons)
        kept.append(doc)
    return RuleOutcome(kept=kept, dropped=dropped, boosted=boosted)


# --- the same work across versions ---------------------------------------------------------

_VERSION = re.compile(r"(?<=\w)v\d+$", re.IGNORECASE)


def work_key(arxiv_id: str) -> str:
    """The version-free arXiv id: one key for v1, v2, ... of a work.

    ``2101.00001v2`` → ``2101.00001``, ``cs/0101001v1`` → ``cs/0101001``; the Atom entry id
    ``http://arxiv.org/abs/2101.00001v2``, ``arXiv:2101.00001`` and the arXiv DOI give the same
    key. Text that is no arXiv id comes back trimmed, without a trailing ``vN``, so distinct
    unknown ids stay distinct.
    """
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is not None:
        return parsed.id
    return _VERSION.sub("", arxiv_id.strip())
