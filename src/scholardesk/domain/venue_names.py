"""Venue-name normalisation and the built-in alias table.

A venue string from a paper ("Proc. CVPR", "NeurIPS 2023", "Advances in Neural Information
Processing Systems", "IEEE Trans. Pattern Anal. Mach. Intell.") is reduced to a key: HTML
entities decoded, NFKC (full-width → half-width), casefolded, "&" → "and", years, ordinals and
"Proceedings of the" dropped, punctuation turned into spaces. Catalogue names go through the
same function, so equal keys mean the same venue.
"""

from __future__ import annotations

import html
import re
import unicodedata

STOPWORDS = frozenset({"of", "on", "the", "and", "for", "in", "at", "to", "a", "an"})

_YEAR_RE = re.compile(r"(?<![\w])(?:19|20)\d{2}(?![\w])|'\d{2}\b")
_ORDINAL_RE = re.compile(r"\b\d+(?:st|nd|rd|th)\b|第\s*\d+\s*届")
_PROC_RE = re.compile(
    r"^(?:in\s*:?\s+)?(?:proceedings|proc\.?|procs\.?)\s*(?:of\s+)?(?:the\s+)?", re.IGNORECASE
)
_LEAD_RE = re.compile(r"^[^\w\u4e00-\u9fff]+")
_PUNCT_RE = re.compile(r"[^\w\u4e00-\u9fff]+")
_PAREN_RE = re.compile(r"[(\[]([^()\[\]]{2,40})[)\]]")


def clean(text: str) -> str:
    """Entities decoded, NFKC, whitespace collapsed (case kept)."""
    text = html.unescape(html.unescape(text or ""))
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_name(text: str) -> str:
    """The comparison key of a venue name or abbreviation (a fixpoint: normalising a key
    again gives the same key)."""
    key = _normalise_once(text)
    for _ in range(4):
        again = _normalise_once(key)
        if again == key:
            break
        key = again
    return key


def _normalise_once(text: str) -> str:
    text = clean(text).casefold()
    text = text.replace("&", " and ")
    text = _LEAD_RE.sub("", text)
    text = _PROC_RE.sub("", text)
    text = _YEAR_RE.sub(" ", text)
    text = _ORDINAL_RE.sub(" ", text)
    text = _PUNCT_RE.sub(" ", text).replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return _VOLUME_RE.sub("", text)  # "Advances in ... Systems 36": a volume number


_VOLUME_RE = re.compile(r"(?<=[a-z\u4e00-\u9fff]) \d{1,3}$")


def without_parentheses(text: str) -> str:
    return _PAREN_RE.sub(" ", clean(text))


def parenthesised(text: str) -> list[str]:
    """Bracketed parts, which often hold the abbreviation: "... Recognition (CVPR)"."""
    return [m.group(1) for m in _PAREN_RE.finditer(clean(text))]


def query_tokens(text: str) -> list[tuple[str, bool]]:
    """Content words of a query, each with "was abbreviated" (ended in a dot: "Trans.")."""
    text = clean(text).casefold().replace("&", " and ")
    text = _PROC_RE.sub("", text)
    text = _YEAR_RE.sub(" ", text)
    out: list[tuple[str, bool]] = []
    for raw in re.split(r"[\s,:;/()\[\]]+", text):
        if not raw:
            continue
        abbreviated = raw.endswith(".")
        for part in re.split(r"[^\w]+", raw):
            if part and part not in STOPWORDS:
                out.append((part, abbreviated))
    return out


def name_tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in normalise_name(text).split() if t not in STOPWORDS)


# Built-in aliases: what papers and people write → (kind, CCF abbreviation).
# Keys are normalised with normalise_name when the matcher is built.
BUILTIN_ALIASES: dict[str, tuple[str, str]] = {
    # conferences
    "NIPS": ("conference", "NeurIPS"),
    "Advances in Neural Information Processing Systems": ("conference", "NeurIPS"),
    "Neural Information Processing Systems": ("conference", "NeurIPS"),
    "NeurIPS Proceedings": ("conference", "NeurIPS"),
    "IEEE Conference on Computer Vision and Pattern Recognition": ("conference", "CVPR"),
    "IEEE/CVF Conference on Computer Vision and Pattern Recognition": ("conference", "CVPR"),
    "Computer Vision and Pattern Recognition": ("conference", "CVPR"),
    "IEEE International Conference on Computer Vision": ("conference", "ICCV"),
    "IEEE/CVF International Conference on Computer Vision": ("conference", "ICCV"),
    "Proceedings of the AAAI Conference on Artificial Intelligence": ("conference", "AAAI"),
    "AAAI Conference": ("conference", "AAAI"),
    "Association for Computational Linguistics": ("conference", "ACL"),
    "Meeting of the Association for Computational Linguistics": ("conference", "ACL"),
    "Empirical Methods in Natural Language Processing": ("conference", "EMNLP"),
    "International Conference on Machine Learning": ("conference", "ICML"),
    "SIGKDD": ("conference", "KDD"),
    "ACM SIGKDD": ("conference", "KDD"),
    "Knowledge Discovery and Data Mining": ("conference", "KDD"),
    "The Web Conference": ("conference", "WWW"),
    "World Wide Web Conference": ("conference", "WWW"),
    "PVLDB": ("conference", "VLDB"),
    "Proceedings of the VLDB Endowment": ("conference", "VLDB"),
    "Proceedings of the ACM on Management of Data": ("conference", "SIGMOD"),
    "ACM SIGMOD": ("conference", "SIGMOD"),
    "USENIX Security": ("conference", "USENIX Security"),
    "IEEE S&P": ("conference", "S&P"),
    "IEEE Symposium on Security and Privacy": ("conference", "S&P"),
    "Oakland": ("conference", "S&P"),
    "ACM CCS": ("conference", "CCS"),
    "ACM MM": ("conference", "ACM MM"),
    "ACM Multimedia": ("conference", "ACM MM"),
    "SIGIR Conference": ("conference", "SIGIR"),
    "ICASSP": ("conference", "ICASSP"),
    "Interspeech": ("conference", "INTERSPEECH"),
    "NAACL-HLT": ("conference", "NAACL"),
    "EACL": ("conference", "EACL"),
    # journals
    "PAMI": ("journal", "TPAMI"),
    "IEEE TPAMI": ("journal", "TPAMI"),
    "IEEE Trans. Pattern Anal. Mach. Intell.": ("journal", "TPAMI"),
    "Artificial Intelligence Journal": ("journal", "AI"),
    "AIJ": ("journal", "AI"),
    "Int. J. Comput. Vis.": ("journal", "IJCV"),
    "J. Mach. Learn. Res.": ("journal", "JMLR"),
    "IEEE Trans. Image Process.": ("journal", "TIP"),
    "IEEE Trans. Knowl. Data Eng.": ("journal", "TKDE"),
    "IEEE Trans. Neural Netw. Learn. Syst.": ("journal", "TNNLS"),
    "Pattern Recognit.": ("journal", "PR"),
    "IEEE Transactions on Neural Networks": ("journal", "TNNLS"),
    "Neural Netw.": ("journal", "Neural Networks"),
    "Trans. Assoc. Comput. Linguist.": ("journal", "TACL"),
}


_REMARK_RE = re.compile(r"\s*[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$")


def split_remark(name: str) -> tuple[str, str]:
    """"ACM Transactions on Speech and Language (2013年已停刊)" → (name, "2013年已停刊")."""
    m = _REMARK_RE.search(name)
    if not m:
        return name, ""
    return name[: m.start()].strip(), m.group(1).strip()
