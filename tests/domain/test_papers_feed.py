"""The feed's rules: what is dropped and why, what is boosted, one key per work (issue #15)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from scholardesk.domain.papers_feed import (
    FeedDoc,
    FeedRules,
    apply_rules,
    author_matches,
    work_key,
)

CONFORMER = FeedDoc(
    "2005.08100", "Conformer: Convolution-augmented Transformer for Speech Recognition",
    "Transformer and CNN models for automatic speech recognition (ASR) with CTC-based decoding.",
    authors=("Anmol Gulati", "James Qin"), categories=("eess.AS", "cs.CL", "cs.SD"))
RESNET = FeedDoc(
    "1512.03385", "Deep Residual Learning for Image Recognition",
    "Residual networks ease the training of very deep networks for image classification.",
    authors=("Kaiming He", "Xiangyu Zhang"), categories=("cs.CV",))
SURVEY = FeedDoc(
    "2303.18223", "A Survey of Large Language Models",
    "A survey of recent advances in large language models, speech and vision.",
    authors=("Wayne Xin Zhao",), categories=("cs.CL", "cs.AI"))
CROSSLISTED = FeedDoc(
    "2103.00020", "Learning Transferable Visual Models From Natural Language Supervision",
    "Contrastive pre-training of image and text encoders.",
    authors=("Alec Radford",), categories=("cs.CL", "cs.CV"))
BENGIO = FeedDoc(
    "1409.0473", "Neural Machine Translation by Jointly Learning to Align and Translate",
    "An attention mechanism for encoder-decoder translation: a survey of alignments.",
    authors=("Dzmitry Bahdanau", "Kyunghyun Cho", "Y. Bengio"), categories=("cs.CV",))
ALL = [CONFORMER, RESNET, SURVEY, CROSSLISTED, BENGIO]


def test_no_rules_keep_everything_in_order() -> None:
    outcome = apply_rules(ALL, FeedRules())
    assert outcome.kept == ALL and outcome.dropped == {} and outcome.boosted == {}


def test_empty_input_gives_an_empty_outcome() -> None:
    outcome = apply_rules([], FeedRules(exclude_keywords=("survey",)))
    assert outcome.kept == [] and outcome.dropped == {}


def test_a_muted_category_drops_papers_whose_primary_category_it_is_and_says_so() -> None:
    outcome = apply_rules(ALL, FeedRules(mute_categories=("cs.cv",)))
    assert outcome.dropped == {"1512.03385": "muted category cs.CV",
                               "1409.0473": "muted category cs.CV"}
    # a cs.CL paper merely cross-listed to cs.CV stays
    assert CROSSLISTED in outcome.kept and CONFORMER in outcome.kept


def test_a_mute_without_a_dot_mutes_the_whole_archive() -> None:
    outcome = apply_rules(ALL, FeedRules(mute_categories=("eess",)))
    assert outcome.dropped == {"2005.08100": "muted category eess.AS"}
    assert apply_rules(ALL, FeedRules(mute_categories=("eess.*",))).dropped == outcome.dropped


def test_an_excluded_keyword_drops_the_paper_with_the_keyword_named() -> None:
    outcome = apply_rules(ALL, FeedRules(exclude_keywords=("Survey",)))
    assert outcome.dropped["2303.18223"] == "excluded keyword 'Survey'"
    assert SURVEY not in outcome.kept and CONFORMER in outcome.kept


def test_keywords_match_whole_words_only_unless_they_end_in_a_star() -> None:
    assert apply_rules(ALL, FeedRules(exclude_keywords=("recog",))).dropped == {}
    assert apply_rules(ALL, FeedRules(exclude_keywords=("network",))).dropped == {}
    stems = apply_rules(ALL, FeedRules(exclude_keywords=("network*",))).dropped
    assert set(stems) == {"1512.03385"}
    # punctuation around a word is not part of it: "CTC-based", "(ASR)"
    ctc = apply_rules(ALL, FeedRules(include_keywords=("ctc", "asr")))
    assert ctc.boosted == {"2005.08100": "keyword 'ctc'"}


def test_a_phrase_matches_across_spaces_and_hyphens() -> None:
    outcome = apply_rules(ALL, FeedRules(include_keywords=("speech recognition", "pre training")))
    assert set(outcome.boosted) == {"2005.08100", "2103.00020"}


def test_exclude_beats_include() -> None:
    outcome = apply_rules(ALL, FeedRules(include_keywords=("speech",),
                                         exclude_keywords=("survey",)))
    assert "2303.18223" in outcome.dropped
    assert outcome.boosted == {"2005.08100": "keyword 'speech'"}


def test_a_followed_author_boosts_and_beats_mutes_and_excludes() -> None:
    outcome = apply_rules(ALL, FeedRules(follow_authors=("Yoshua Bengio",),
                                         mute_categories=("cs.CV",),
                                         exclude_keywords=("survey",)))
    assert BENGIO in outcome.kept
    assert outcome.boosted == {"1409.0473": "followed author Y. Bengio"}
    assert set(outcome.dropped) == {"1512.03385", "2303.18223"}


def test_several_boost_reasons_are_joined() -> None:
    outcome = apply_rules([BENGIO], FeedRules(follow_authors=("Cho",),
                                              include_keywords=("attention",)))
    assert outcome.boosted == {"1409.0473": "followed author Kyunghyun Cho; keyword 'attention'"}


@pytest.mark.parametrize(
    ("rule", "author", "expected"),
    [
        ("Yoshua Bengio", "Y. Bengio", True),
        ("Yoshua Bengio", "Bengio, Yoshua", True),
        ("Y. Bengio", "Yoshua Bengio", True),
        ("yoshua bengio", "YOSHUA BENGIO", True),
        ("Yoshua Bengio", "Samy Bengio", False),
        ("Yoshua Bengio", "S. Bengio", False),
        ("Bengio", "Samy Bengio", True),  # a family name alone follows the whole family
        ("Erwin Schrödinger", "E. Schrodinger", True),
        ("Jean-Pierre Serre", "J.-P. Serre", True),
        ("Wei Zhang", "Zhang Wei", True),
        ("Wei Zhang", "Wei Zhao", False),
        ("张昆", "张昆", True),
        ("张昆", "张三", False),
        ("", "Anyone", False),
    ],
)
def test_followed_author_names_tolerate_initials_accents_and_order(
        rule: str, author: str, expected: bool) -> None:
    assert author_matches(rule, author) is expected


@pytest.mark.parametrize(
    ("arxiv_id", "key"),
    [
        ("2101.00001v2", "2101.00001"),
        ("2101.00001v1", "2101.00001"),
        ("2101.00001", "2101.00001"),
        ("cs/0101001v1", "cs/0101001"),
        ("cond-mat/0412498v1", "cond-mat/0412498"),
        ("math.GT/0309136v3", "math.GT/0309136"),
        ("http://arxiv.org/abs/1111.2011v2", "1111.2011"),
        ("arXiv:2401.16650v2", "2401.16650"),
        ("  not-an-id v2 ", "not-an-id v2"),
        ("local-7v3", "local-7"),
    ],
)
def test_work_key_is_the_same_for_every_version_of_a_work(arxiv_id: str, key: str) -> None:
    assert work_key(arxiv_id) == key


def test_work_keys_of_the_real_atom_entries_drop_the_version(
        real_fixture: Callable[[str], Path]) -> None:
    path = real_fixture("arxiv/arxivpy_search_au_del_maestro.xml")
    ids = [e.text for e in etree.parse(str(path)).iterfind(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}id")]
    keys = [work_key(i) for i in ids]
    assert "cond-mat/0412498" in keys
    assert all("abs/" not in k and not k[-2:].startswith("v") for k in keys)
    assert len(set(keys)) == len(ids) == 10
