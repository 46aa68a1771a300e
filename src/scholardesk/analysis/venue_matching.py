"""Venue matching: any venue string → the catalogue venue it names, with a confidence.

Pure: venues and aliases in, ``VenueMatch`` out. The steps, strongest first:

1. exact full name (after ``normalise_name``)             confidence 1.00
2. alias (built-in table + the library's own aliases)       0.97
3. abbreviation ("NeurIPS 2023", "Proc. CVPR", "(CVPR)")    0.95 (0.70 when two venues share it)
4. DBLP key ("conf/nips", "nips")                           0.90
5. abbreviated words matched in order by prefix
   ("IEEE Trans. Pattern Anal. Mach. Intell.")              0.92
6. fuzzy whole-string similarity (rapidfuzz ratio / token_sort_ratio, never partial or
   token-set scores), only between strings of similar length  score × 0.9, from 88

A shorter string is never matched to a longer name that merely contains it: the journal
"Neural Networks" is an exact name, and "Neural Networks" will never resolve to ICANN
("International Conference on Artificial Neural Networks") because no step scores substrings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from scholardesk.domain.venue_names import (
    BUILTIN_ALIASES,
    STOPWORDS,
    name_tokens,
    normalise_name,
    parenthesised,
    query_tokens,
    without_parentheses,
)
from scholardesk.domain.venues import CONFERENCE, Venue, VenueKey, VenueMatch

FUZZY_CUTOFF = 88.0
_CACHE_LIMIT = 50_000


class VenueMatcher:
    def __init__(
        self,
        venues: Sequence[Venue],
        aliases: Mapping[str, int] | None = None,
        builtin_aliases: Mapping[str, tuple[str, str]] = BUILTIN_ALIASES,
    ) -> None:
        """``aliases``: the library's own alias → venue id (any spelling; normalised here)."""
        self.venues = list(venues)
        self._by_id = {v.id: v for v in self.venues}
        self._names: dict[str, list[Venue]] = defaultdict(list)
        self._abbrs: dict[str, list[Venue]] = defaultdict(list)
        self._dblp: dict[str, list[Venue]] = defaultdict(list)
        self._aliases: dict[str, Venue] = {}
        self._tokens: dict[tuple[int, str], list[tuple[tuple[str, ...], Venue]]] = defaultdict(
            list
        )
        for v in self.venues:
            key = normalise_name(v.name)
            if key:
                self._names[key].append(v)
                toks = name_tokens(v.name)
                if toks:
                    self._tokens[(len(toks), toks[0][:1])].append((toks, v))
            if v.abbr:
                self._abbrs[normalise_name(v.abbr)].append(v)
            if v.dblp_key:
                self._dblp[v.dblp_key.lower()].append(v)
                suffix = v.dblp_key.split("/", 1)[-1].lower()
                self._dblp[suffix].append(v)
        by_kind_label: dict[tuple[str, str], Venue] = {}
        for v in self.venues:
            for label in (v.abbr, v.name):
                if label:
                    by_kind_label.setdefault((v.kind, normalise_name(label)), v)
        for alias, (kind, target) in builtin_aliases.items():
            hit = by_kind_label.get((kind, normalise_name(target)))
            if hit is not None:
                self._aliases[normalise_name(alias)] = hit
        for alias, venue_id in (aliases or {}).items():
            hit = self._by_id.get(venue_id)
            if hit is not None:
                self._aliases[normalise_name(alias)] = hit
        self._fuzzy_keys = list(self._names.keys())
        # inverted index of distinctive words → names containing them: fuzzy matching only
        # scores names that share a distinctive word with the query (fast, and a string that
        # shares none is not a misspelling of that venue)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self._fuzzy_keys):
            for word in set(key.split()):
                if len(word) > 2 and word not in STOPWORDS:
                    postings[word].append(i)
        limit = max(8, len(self._fuzzy_keys) // 20)
        self._postings = {w: ids for w, ids in postings.items() if len(ids) <= limit}
        self._cache: dict[str, VenueMatch | None] = {}

    # -- public ------------------------------------------------------------------------------
    def match(self, text: str) -> VenueMatch | None:
        if text in self._cache:
            return self._cache[text]
        result = self._match(text)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[text] = result
        return result

    def match_many(self, texts: Iterable[str]) -> list[VenueMatch | None]:
        return [self.match(t) for t in texts]

    # -- steps -------------------------------------------------------------------------------
    def _match(self, text: str) -> VenueMatch | None:
        if not text or not text.strip():
            return None
        key = normalise_name(text)
        if not key:
            return None
        hit = self._lookup(text, key)
        if hit is not None:
            return hit
        inners = parenthesised(text)
        if inners:
            outer = normalise_name(without_parentheses(text))
            if outer in self._names or outer in self._aliases:
                found = self._lookup(text, outer)
                if found is not None:
                    return found
        for inner in inners:
            ikey = normalise_name(inner)
            if ikey and (ikey in self._abbrs or ikey in self._aliases):
                found = self._lookup(text, ikey)
                if found is not None:
                    return VenueMatch(text, found.venue, found.confidence * 0.95, found.method)
        hit = self._abbreviated(text)
        if hit is not None:
            return hit
        return self._fuzzy(text, key)

    def _lookup(self, text: str, key: str) -> VenueMatch | None:
        names = self._names.get(key)
        if names:
            return VenueMatch(text, _prefer(names), 1.0 if len(names) == 1 else 0.8, "exact")
        alias = self._aliases.get(key)
        if alias is not None:
            return VenueMatch(text, alias, 0.97, "alias")
        abbrs = self._abbrs.get(key)
        if abbrs:
            return VenueMatch(text, _prefer(abbrs), 0.95 if len(abbrs) == 1 else 0.7, "abbr")
        dblp = self._dblp.get(key.replace(" ", "/")) or self._dblp.get(key)
        if dblp:
            return VenueMatch(text, _prefer(dblp), 0.9 if len(dblp) == 1 else 0.7, "dblp")
        return None

    def _abbreviated(self, text: str) -> VenueMatch | None:
        if "." not in text:
            return None
        tokens = query_tokens(text)
        if not tokens or not any(abbrev for _, abbrev in tokens):
            return None
        found: list[Venue] = []
        for cand_tokens, venue in self._tokens.get((len(tokens), tokens[0][0][:1]), ()):
            if all(
                c.startswith(q) if abbrev else c == q
                for (q, abbrev), c in zip(tokens, cand_tokens, strict=True)
            ):
                found.append(venue)
        if len(found) == 1:
            return VenueMatch(text, found[0], 0.92, "abbreviated")
        if found:
            return VenueMatch(text, _prefer(found), 0.6, "abbreviated")
        return None

    def _fuzzy(self, text: str, key: str) -> VenueMatch | None:
        if len(key) < 8 or not self._fuzzy_keys:
            return None  # short strings are abbreviations: fuzzy matching them only guesses
        from rapidfuzz import fuzz, process

        ids: set[int] = set()
        for word in key.split():
            ids.update(self._postings.get(word, ()))
        low, high = len(key) * 0.8, len(key) * 1.25
        choices = [k for k in (self._fuzzy_keys[i] for i in ids) if low <= len(k) <= high]
        if not choices:
            return None
        best: tuple[str, float] | None = None
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            res = process.extractOne(key, choices, scorer=scorer, score_cutoff=FUZZY_CUTOFF)
            if res is not None and (best is None or res[1] > best[1]):
                best = (res[0], float(res[1]))
        if best is None:
            return None
        choice, score = best
        if not 0.8 <= len(choice) / len(key) <= 1.25:
            return None
        mine, theirs = _content_words(key), _content_words(choice)
        for word in mine ^ theirs:
            other = theirs if word in mine else mine
            if len(word) > 3 and not any(fuzz.ratio(word, o) >= 75 for o in other):
                return None  # a word only one side has ("workshop", "letters"): another venue
        venues = self._names[choice]
        return VenueMatch(text, _prefer(venues), round(score / 100 * 0.9, 3), "fuzzy")


def _content_words(key: str) -> set[str]:
    return {w for w in key.split() if w not in STOPWORDS}


def _prefer(venues: Sequence[Venue]) -> Venue:
    """Several venues share a key (AAMAS the journal and AAMAS the conference): prefer the
    ranked one, then the conference (abbreviations are mostly written for conferences)."""
    return sorted(
        venues,
        key=lambda v: (v.ccf is None, v.ccf.rank if v.ccf else "Z", v.kind != CONFERENCE, v.id),
    )[0]


class ListIndex:
    """Finds the venue a rank-list row is about: ISSN / eISSN first, then the normalised name
    (JCR's upper case, ``&`` vs ``and``; Chinese names through aliases), then the CCF
    abbreviation, then the DBLP key. One venue per journal: TPAMI from CCF, JCR and CAS is
    the same venue. A name match whose venue has another ISSN is not the same journal."""

    def __init__(self, keys: Iterable[VenueKey], aliases: Mapping[str, int] | None = None) -> None:
        self._issn: dict[str, int] = {}
        self._names: dict[tuple[str, str], int] = {}
        self._abbrs: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._dblp: dict[str, int] = {}
        self.keys: dict[int, VenueKey] = {}
        self.name_keys: set[tuple[str, str]] = set()
        for key in keys:
            self.add(key)
        kinds = {k.id: k.kind for k in self.keys.values()}
        for alias, venue_id in (aliases or {}).items():
            kind = kinds.get(venue_id)
            if kind is not None:
                self._names.setdefault((kind, normalise_name(alias)), venue_id)

    def add(self, key: VenueKey) -> None:
        self.keys[key.id] = key
        for issn in (key.issn, key.eissn):
            if issn:
                self._issn.setdefault(issn, key.id)
        self.name_keys.add((key.kind, key.name_key))
        self._names.setdefault((key.kind, key.name_key), key.id)
        if key.abbr:
            self._abbrs[(key.kind, normalise_name(key.abbr))].append(key.id)
        if key.dblp_key:
            self._dblp.setdefault(key.dblp_key.lower(), key.id)

    def add_name(self, kind: str, name: str, venue_id: int) -> None:
        self._names.setdefault((kind, normalise_name(name)), venue_id)

    def add_issn(self, venue_id: int, issn: str) -> None:
        if issn:
            self._issn.setdefault(issn, venue_id)

    def find(
        self, kind: str, name: str, issns: Sequence[str] = (), abbr: str = "",
        dblp_key: str = "", other_names: Sequence[str] = (),
    ) -> tuple[int | None, str]:
        """(venue id or None, how: issn | name | abbr | dblp | "")."""
        wanted = [i for i in issns if i]
        for issn in wanted:
            hit = self._issn.get(issn)
            if hit is not None:
                return hit, "issn"
        for label in (name, *other_names):
            if not label:
                continue
            hit = self._names.get((kind, normalise_name(label)))
            if hit is not None:
                known = self.keys.get(hit)
                if wanted and known is not None and (known.issn or known.eissn) and not (
                    set(wanted) & {known.issn, known.eissn}
                ):
                    continue  # same title, another journal (another ISSN)
                return hit, "name"
        if abbr:
            hits = self._abbrs.get((kind, normalise_name(abbr)), [])
            ranked = [h for h in hits if self.keys[h].has_ccf]
            if len(ranked) == 1:
                return ranked[0], "abbr"
        if dblp_key:
            hit = self._dblp.get(dblp_key.lower())
            if hit is not None:
                return hit, "dblp"
        return None, ""
