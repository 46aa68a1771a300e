"""Ranking the arXiv feed by what the user reads (issue #15).

``rank(library, new)`` scores new arXiv entries against the user's own library, in the spirit of
arxiv-sanity-lite (one linear classifier per tag over tf-idf):

1. **Rules first** (domain/papers_feed.py): muted and excluded entries are dropped (absent from
   the result), followed authors and include keywords give a bonus of ``BOOST`` and their reason.
2. **Terms**: tf-idf of title + abstract, unigrams and bigrams, fitted on library + new entries
   together (sublinear tf, smooth idf, L2-normalised rows, float32 sparse), English stop words,
   terms in fewer than 2 documents dropped, at most ``MAX_FEATURES`` terms (the most frequent).
   This is sklearn's ``TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)`` in
   effect, with our own tokenizer: sklearn's builds a Python string for every bigram and took
   22 s on 30,000 abstracts on the 2-core reference machine; counting integer pairs in numpy
   takes a fraction of that (benchmarks/bench_papers_feed.py).
3. **Models** (at least ``min_positives`` positives): one logistic regression per tag that has
   at least ``MIN_TAG_POSITIVES`` papers (positives: the papers with that tag; negatives: the
   rest of the library and every "not interested" paper), plus one overall model (every
   positive against the "not interested" papers and a random background of new entries).
   Background entries are negatives only for the *other half* of the new entries (two folds), so
   a new paper is never scored by a model that was told it is uninteresting.
4. **One scale for all models**: each model is trained with balanced class weights and no
   intercept, so its probability answers "is this more like my tag-T papers or like the rest?"
   as if both were equally common, and an entry that shares no term with a model gets exactly
   0.5 (neutral) from it. A 0.8 then means the same for a tag of 6 papers and one of 600; the
   score of an entry is the highest probability over the models (plus ``BOOST``). Tags whose
   model says at least ``THRESHOLD`` (0.6) are suggested.
5. **Reasons** are the terms that add most to the winning model's decision for this entry
   (weight × tf-idf): "like your tag speech: conformer, ctc, streaming".

With fewer positives than ``min_positives`` nothing is trained: each tag (and the library as a
whole) becomes its ``KEYWORDS`` heaviest tf-idf terms (the mean of its papers minus the mean of
the "not interested" ones), an entry scores the cosine between its terms and those, and the
result's ``note`` says so. The same keyword scoring is the baseline of the quality benchmark.
"""

from __future__ import annotations

import itertools
import logging
import os
import string
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.linear_model import LogisticRegression

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.papers_feed import FeedDoc, FeedRules, apply_rules

logger = logging.getLogger(__name__)

__all__ = ["LabelledDoc", "RankResult", "Scored", "rank"]

MAX_FEATURES = 1 << 16
MIN_DF = 2
MAX_DF = 0.5  # a term in more than half of the documents says nothing (corpora of 200+ only)
MIN_TAG_POSITIVES = 3  # fewer papers with a tag: no model of its own (the overall one covers it)
NEGATIVES_PER_MODEL = 2000  # library negatives sampled per model (all "not interested" kept)
POSITIVES_PER_MODEL = 2000
BACKGROUND = 1000  # random new entries per fold as background negatives of every model
# Inverse regularisation, per training paper: C = max(C_MIN, C_TOTAL / papers). Large sets need
# C ≈ 0.3 (more overfits rare word pairs in the benchmark); six papers need far less
# regularisation for the model to say anything at all.
C_MIN = 0.3
C_TOTAL = 100.0
THRESHOLD = 0.6
BOOST = 0.5
REASON_TERMS = 3
KEYWORDS = 40
SEED = 15
FIT_THREADS = 4  # at most; fewer on a machine with fewer cores

_PUNCT = str.maketrans({c: " " for c in string.punctuation
                        + "\u2010\u2011\u2012\u2013\u2014\u2018\u2019\u201c\u201d\u00b7\u2026"})
_STOP = frozenset(ENGLISH_STOP_WORDS)

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LabelledDoc:
    doc: FeedDoc
    tags: tuple[str, ...]
    positive: bool  # True: tagged, rated or read in the library; False: "not interested"


@dataclass(frozen=True)
class Scored:
    key: str
    score: float
    reasons: tuple[str, ...]
    tags_suggested: tuple[str, ...]


@dataclass(frozen=True)
class RankResult:
    scored: list[Scored]  # best first
    method: Literal["model", "keywords"]
    note: str


# --- terms -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Terms:
    matrix: sp.csr_matrix  # documents × terms, tf-idf, float32, rows L2-normalised
    names: list[str]


def _tokens(texts: Sequence[str]) -> tuple[IntArray, IntArray, list[str]]:
    """(term id per token, document per token, the words) for texts split on non-word marks."""
    vocab: dict[str, int] = {}
    counter = itertools.count()  # a word's id is the position of its first occurrence
    parts: list[IntArray] = []
    lengths = np.zeros(len(texts), np.int64)
    for start in range(0, len(texts), 1000):  # a chunk at a time: few numpy calls, little memory
        words: list[str] = []
        for i, text in enumerate(texts[start:start + 1000], start):
            split = text.lower().translate(_PUNCT).split()
            lengths[i] = len(split)
            words += split
        parts.append(np.fromiter(map(vocab.setdefault, words, counter), np.int64,
                                 count=len(words)))
    first = np.fromiter(vocab.values(), np.int64, count=len(vocab))
    ids = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    lookup = np.zeros(len(ids), np.int64)
    lookup[first] = np.arange(len(first))
    compact = lookup[ids]
    docs = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return compact, docs, list(vocab)


def _counts(docs: IntArray, terms: IntArray, n_docs: int, n_terms: int) -> sp.csr_matrix:
    m = sp.csr_matrix((np.ones(len(terms), np.float32), (docs, terms)), shape=(n_docs, n_terms))
    m.sum_duplicates()
    return m


def _terms(texts: Sequence[str]) -> _Terms:
    n = len(texts)
    ids, docs, words = _tokens(texts)
    stop = np.fromiter((w in _STOP or len(w) < 2 or w.isdigit() for w in words), bool,
                       count=len(words))
    keep = ~stop[ids] if len(ids) else np.zeros(0, bool)
    ids, docs = ids[keep], docs[keep]
    v = max(len(words), 1)
    same = docs[1:] == docs[:-1]
    pairs = ids[:-1][same] * v + ids[1:][same]
    pair_docs = docs[:-1][same]
    # A bigram seen once cannot be in two documents: a cheap hashed count drops most of those
    # before the exact (sorting) pass.
    if len(pairs):
        buckets = ((pairs.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
                   >> np.uint64(42)).astype(np.int64)
        seen = np.bincount(buckets, minlength=1 << 22)
        often = seen[buckets] >= MIN_DF
        pairs, pair_docs = pairs[often], pair_docs[often]
    pair_codes, pair_ids = np.unique(pairs, return_inverse=True)
    uni = _counts(docs, ids, n, v)
    bi = _counts(pair_docs, pair_ids.astype(np.int64), n, len(pair_codes))
    df = np.concatenate([np.bincount(uni.indices, minlength=uni.shape[1]),
                         np.bincount(bi.indices, minlength=bi.shape[1])])
    ok = df >= MIN_DF
    if n >= 200:
        ok &= df <= MAX_DF * n
    chosen = np.flatnonzero(ok)
    if len(chosen) > MAX_FEATURES:
        chosen = np.sort(chosen[np.argsort(-df[chosen], kind="stable")[:MAX_FEATURES]])
    uni_cols = chosen[chosen < v]
    bi_cols = chosen[chosen >= v] - v
    counts = sp.hstack([uni[:, uni_cols], bi[:, bi_cols]], format="csr", dtype=np.float32)
    idf = (np.log((1.0 + n) / (1.0 + df[chosen])) + 1.0).astype(np.float32)
    counts.data = (1.0 + np.log(counts.data, dtype=np.float32)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1), np.float32).ravel())
    norms[norms == 0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr))
    names = [words[i] for i in uni_cols]
    codes = pair_codes[bi_cols]
    names += [f"{words[a]} {words[b]}" for a, b in zip((codes // v).tolist(),
                                                       (codes % v).tolist(), strict=True)]
    return _Terms(counts, names)


def _text(doc: FeedDoc) -> str:
    return f"{doc.title}\n{doc.abstract}"


# --- models ------------------------------------------------------------------------------

@dataclass
class _Model:
    label: str  # "tag speech" or "library"
    tag: str | None
    weights: FloatArray  # per fold: folds × terms
    bias: FloatArray  # per fold


def _sample(rng: np.random.Generator, rows: IntArray, cap: int) -> IntArray:
    if len(rows) <= cap:
        return rows
    return np.sort(rng.choice(rows, size=cap, replace=False))


def _fit(x: sp.csr_matrix, pos: IntArray, neg: IntArray) -> tuple[FloatArray, float]:
    rows = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    # the dual problem: far fewer training papers than terms
    c = max(C_MIN, C_TOTAL / len(rows))
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", dual=True,
                               tol=1e-3, random_state=0, fit_intercept=False)
    model.fit(x[rows], y)
    return model.coef_[0].astype(np.float32), 0.0


def _train(x: sp.csr_matrix, library: Sequence[LabelledDoc], n_new: int,
           fold_of_new: IntArray, rng: np.random.Generator) -> list[_Model]:
    n_lib = len(library)
    positive = np.array([d.positive for d in library], bool)
    not_interested = np.flatnonzero(~positive)
    positives = np.flatnonzero(positive)
    by_tag: dict[str, list[int]] = {}
    for i, d in enumerate(library):
        if d.positive:
            for tag in dict.fromkeys(d.tags):
                by_tag.setdefault(tag, []).append(i)
    new_rows = np.arange(n_lib, n_lib + n_new, dtype=np.int64)
    # background negatives per fold: random new entries of the *other* half
    if n_new >= 2:
        background = [_sample(rng, new_rows[fold_of_new != fold], BACKGROUND) for fold in (0, 1)]
    else:  # one entry: its own background (its score is all there is to rank)
        background = [new_rows, new_rows]
    groups: list[tuple[str | None, IntArray, IntArray]] = []
    for tag in sorted(by_tag):
        pos = np.array(by_tag[tag], np.int64)
        if len(pos) < MIN_TAG_POSITIVES:
            continue
        rest = np.setdiff1d(positives, pos, assume_unique=True)
        groups.append((tag, pos, np.concatenate([_sample(rng, rest, NEGATIVES_PER_MODEL),
                                                 not_interested])))
    groups.append((None, positives, not_interested))  # the overall model
    jobs: list[tuple[str | None, IntArray, IntArray]] = []  # (tag, positives, negatives)
    for tag, pos, neg in groups:
        pos = _sample(rng, pos, POSITIVES_PER_MODEL)
        folds = [np.concatenate([neg, background[fold]]) for fold in (0, 1)]
        if all(len(f) for f in folds):
            jobs += [(tag, pos, f) for f in folds]
    # liblinear trains without the GIL: the fits (2 per model) share the cores. Threads inside
    # one computation, like numpy's; the app's background work is still gui/tasks.py's.
    with ThreadPoolExecutor(max_workers=min(FIT_THREADS, os.cpu_count() or 1)) as pool:
        fitted = list(pool.map(lambda job: _fit(x, job[1], job[2]), jobs))
    models: list[_Model] = []
    for i in range(0, len(jobs), 2):
        tag = jobs[i][0]
        (w0, b0), (w1, b1) = fitted[i], fitted[i + 1]
        models.append(_Model(f"tag {tag}" if tag else "library", tag, np.stack([w0, w1]),
                             np.array([b0, b1], np.float32)))
    return models


def _keyword_models(x: sp.csr_matrix, library: Sequence[LabelledDoc]) -> list[_Model]:
    """Each tag (and the library) as its heaviest terms: mean of its papers − mean of the
    "not interested" ones, ``KEYWORDS`` terms kept, unit length."""
    ni = [i for i, d in enumerate(library) if not d.positive]
    away = (np.asarray(x[ni].mean(axis=0), np.float32).ravel() if ni
            else np.zeros(x.shape[1], np.float32))
    groups: dict[str | None, list[int]] = {}
    for i, d in enumerate(library):
        if d.positive:
            groups.setdefault(None, []).append(i)
            for tag in dict.fromkeys(d.tags):
                groups.setdefault(tag, []).append(i)
    models = []
    for tag in sorted(groups, key=lambda t: (t is None, t or "")):
        centre = np.asarray(x[groups[tag]].mean(axis=0), np.float32).ravel() - away
        keep = np.argsort(-centre, kind="stable")[:KEYWORDS]
        keep = keep[centre[keep] > 0]
        w = np.zeros(x.shape[1], np.float32)
        w[keep] = centre[keep]
        norm = float(np.linalg.norm(w))
        if norm == 0:
            continue
        models.append(_Model(f"tag {tag}" if tag else "library", tag, (w / norm)[None, :],
                             np.zeros(1, np.float32)))
    return models


# --- ranking -----------------------------------------------------------------------------

def _reason(model: _Model, terms: list[str]) -> str:
    # translated here: the reasons are shown as they are, in the CLI and the window alike
    if model.tag:
        if terms:
            return tr("like your tag {tag}: {terms}", tag=model.tag, terms=", ".join(terms))
        return tr("like your tag {tag}", tag=model.tag)
    if terms:
        return tr("like your library: {terms}", terms=", ".join(terms))
    return tr("like your library")


_NO_RULES = FeedRules()


def rank(library: Sequence[LabelledDoc], new: Sequence[FeedDoc], *,
         rules: FeedRules = _NO_RULES, min_positives: int = 5) -> RankResult:
    """The new entries that the rules keep, best first, each with its score and reasons."""
    outcome = apply_rules(new, rules)
    kept = outcome.kept
    n_pos = sum(1 for d in library if d.positive)
    use_model = n_pos >= min_positives
    method: Literal["model", "keywords"] = "model" if use_model else "keywords"
    if not kept:
        return RankResult([], method, "no new entries to rank" if not new
                          else "every new entry was dropped by your rules")
    texts = [_text(d.doc) for d in library] + [_text(d) for d in kept]
    terms = _terms(texts)
    x = terms.matrix
    n_lib = len(library)
    x_new = x[n_lib:]
    rng = np.random.default_rng(SEED)
    fold_of_new = np.empty(len(kept), np.int64)  # two halves of (nearly) equal size, at random
    fold_of_new[rng.permutation(len(kept))] = np.arange(len(kept)) % 2
    if use_model:
        models = _train(x, library, len(kept), fold_of_new, rng)
    else:
        models = _keyword_models(x, library)

    n = len(kept)
    if models:
        probs = np.empty((n, len(models)), np.float32)
        for j, m in enumerate(models):
            if len(m.weights) == 1:
                raw = x_new @ m.weights[0] + m.bias[0]
            else:  # a new entry is scored by the fold whose background it was not in
                both = x_new @ m.weights.T + m.bias
                raw = both[np.arange(n), fold_of_new]
            probs[:, j] = 1.0 / (1.0 + np.exp(-raw)) if use_model else raw
        winner = probs.argmax(axis=1)
        best = probs[np.arange(n), winner]
        reasons_terms = _reasons(x_new, models, winner, fold_of_new, terms.names)
    else:
        winner = np.zeros(n, np.int64)
        best = np.zeros(n, np.float32)
        probs = np.zeros((n, 0), np.float32)
        reasons_terms = [[] for _ in range(n)]

    tag_cols = [(j, m.tag) for j, m in enumerate(models) if m.tag is not None]
    scored: list[Scored] = []
    for i, doc in enumerate(kept):
        score = float(best[i])
        reasons: list[str] = []
        boost = outcome.boosted.get(doc.key)
        if boost:
            score += BOOST
            reasons.append(boost)
        if models and reasons_terms[i]:  # a model's reason needs a term that speaks for it
            reasons.append(_reason(models[int(winner[i])], reasons_terms[i]))
        if use_model:
            suggested = sorted(((float(probs[i, j]), t) for j, t in tag_cols
                                if probs[i, j] >= THRESHOLD), reverse=True)
            tags = tuple(t for _, t in suggested)
        else:
            won = models[int(winner[i])].tag if models and best[i] > 0 else None
            tags = (won,) if won else ()
        scored.append(Scored(doc.key, score, tuple(reasons), tags))
    order = sorted(range(n), key=lambda i: -scored[i].score)  # stable: ties keep feed order
    return RankResult([scored[i] for i in order], method,
                      _note(library, models, use_model, min_positives, n_pos))


def _reasons(x_new: sp.csr_matrix, models: Sequence[_Model], winner: IntArray,
             fold_of_new: IntArray, names: Sequence[str]) -> list[list[str]]:
    # one weight row per (model, fold); each entry points at the row it was scored with
    rows: list[FloatArray] = []
    index: dict[tuple[int, int], int] = {}
    for j, m in enumerate(models):
        for fold in range(len(m.weights)):
            index[(j, fold)] = len(rows)
            rows.append(m.weights[fold])
    table = np.stack(rows)
    which = np.array([index[(int(w), int(f) if len(models[int(w)].weights) > 1 else 0)]
                      for w, f in zip(winner.tolist(), fold_of_new.tolist(), strict=True)],
                     np.int64)
    counts = np.diff(x_new.indptr)
    contrib = x_new.data * table[np.repeat(which, counts), x_new.indices]
    scaled = x_new.copy()
    scaled.data = contrib.astype(np.float32)
    return _top_from_contrib(scaled, names)


def _top_from_contrib(scaled: sp.csr_matrix, names: Sequence[str]) -> list[list[str]]:
    n = scaled.shape[0]
    rows = np.repeat(np.arange(n), np.diff(scaled.indptr))
    good = scaled.data > 0
    rows, cols, vals = rows[good], scaled.indices[good], scaled.data[good]
    order = np.lexsort((-vals, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n))
    ends = np.searchsorted(rows, np.arange(n), side="right")
    cols_list = cols.tolist()
    return [[names[c] for c in cols_list[s:min(e, s + REASON_TERMS)]]
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def _note(library: Sequence[LabelledDoc], models: Sequence[_Model], use_model: bool,
          min_positives: int, n_pos: int) -> str:
    n_ni = sum(1 for d in library if not d.positive)
    feedback = trn(", {n} marked not interested", ", {n} marked not interested", n_ni) \
        if n_ni else ""
    if use_model:
        n_tags = sum(1 for m in models if m.tag is not None)
        return (trn("ranked by {n} tag model", "ranked by {n} tag models", n_tags)
                + trn(" and one overall model trained on {n} positive",
                      " and one overall model trained on {n} positives", n_pos)
                + feedback)
    if n_pos == 0:
        return tr("no tagged, rated or read papers yet ({n} needed to train): ranked by your "
                  "rules only, newest first", n=min_positives)
    return (trn("{n} positive: too few to train", "{n} positives: too few to train", n_pos)
            + tr(" ({n} needed), ranked by keywords from your tagged papers", n=min_positives)
            + feedback)
