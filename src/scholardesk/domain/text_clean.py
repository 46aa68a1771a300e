"""Text hygiene for bibliographic data: HTML entities, LaTeX accents, broken URLs, whitespace.

Pure functions; they are called for every imported record, so the common case (plain text with
nothing to fix) takes a fast path.
"""

from __future__ import annotations

import html
import re
import unicodedata

_WS = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (newlines included) into one space and strip the ends."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return _WS.sub(" ", text).strip()
    return text.strip()


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u0152-\u2122]")


def repair_mojibake(text: str) -> str:
    """UTF-8 read as Latin-1/cp1252 (``RamÃ\xadrez`` → ``Ramírez``); left alone unless the
    repair decodes cleanly."""
    if text.isascii() or not _MOJIBAKE.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def clean_text(text: str | None) -> str:
    """Unescape HTML entities (twice-escaped ones too), repair mojibake, normalise whitespace."""
    if not text:
        return ""
    text = repair_mojibake(text)
    if "&" in text:
        for _ in range(2):  # "&amp;#39;" is common in scraped data
            unescaped = html.unescape(text)
            if unescaped == text:
                break
            text = unescaped
    return normalise_space(text)


_TAGS = re.compile(r"<[^>]+>")


def strip_markup(text: str | None) -> str:
    """Remove XML/HTML tags (Crossref JATS abstracts), then clean the text."""
    if not text:
        return ""
    text = re.sub(r"<jats:title>\s*Abstract\s*</jats:title>", " ", text, flags=re.IGNORECASE)
    return clean_text(_TAGS.sub(" ", text))


_DOUBLE_SCHEME = re.compile(r"^(?:https?:/+)+(?=https?:/)", re.IGNORECASE)
_SCHEME_SLASHES = re.compile(r"^(https?):/*", re.IGNORECASE)


def fix_url(url: str | None) -> str:
    """Repair the usual damage: ``https://http://x`` → ``http://x``, ``http:/x`` → ``http://x``,
    a bare ``www.`` host gets ``https://``; entities and surrounding junk are removed."""
    if not url:
        return ""
    url = clean_text(url).strip("<>\"' ")
    url = url.replace(" ", "")
    if not url:
        return ""
    url = _DOUBLE_SCHEME.sub("", url)
    url = _SCHEME_SLASHES.sub(lambda m: m.group(1).lower() + "://", url)
    if url.lower().startswith("www."):
        url = "https://" + url
    return url


# --- LaTeX → Unicode -------------------------------------------------------------------------

_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "t": "\u0361",
}
_SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textregistered": "®",
    "texttrademark": "™",
    "textcopyright": "©",
    "textdegree": "°",
    "textbullet": "•",
    "textellipsis": "…",
    "ldots": "…",
    "dots": "…",
    "slash": "/",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
    "copyright": "©",
    "pounds": "£",
    "euro": "€",
    "S": "§",
    "P": "¶",
    "dag": "†",
    "ddag": "‡",
    "infty": "∞",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    # math symbols (titles such as "$O(\\sqrt{E})$" or "$\\ell_1$ regularisation")
    "ell": "ℓ",
    "varrho": "ϱ",
    "vartheta": "ϑ",
    "varsigma": "ς",
    "upsilon": "υ",
    "iota": "ι",
    "omicron": "ο",
    "Upsilon": "Υ",
    "partial": "∂",
    "nabla": "∇",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "oint": "∮",
    "forall": "∀",
    "exists": "∃",
    "emptyset": "∅",
    "varnothing": "∅",
    "hbar": "ℏ",
    "prime": "′",
    "star": "⋆",
    "ast": "∗",
    "circ": "∘",
    "bullet": "•",
    "cdots": "⋯",
    "vdots": "⋮",
    "sqrt": "√",
    "surd": "√",
    "langle": "⟨",
    "rangle": "⟩",
    "lceil": "⌈",
    "rceil": "⌉",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "vert": "|",
    "mid": "|",
    "colon": ":",
    "lbrace": "\x01",
    "rbrace": "\x02",
    "quad": " ",
    "qquad": " ",
}
# Relations, operators and function names: a space written after them is kept
# ("$a \\le b$" → "a ≤ b", "$O(n \\log n)$" → "O(n log n)").
_SPACED_SYMBOLS = {
    "in": "∈",
    "notin": "∉",
    "ni": "∋",
    "subset": "⊂",
    "subseteq": "⊆",
    "supset": "⊃",
    "supseteq": "⊇",
    "cup": "∪",
    "cap": "∩",
    "setminus": "∖",
    "land": "∧",
    "wedge": "∧",
    "lor": "∨",
    "vee": "∨",
    "neg": "¬",
    "lnot": "¬",
    "oplus": "⊕",
    "otimes": "⊗",
    "odot": "⊙",
    "div": "÷",
    "mp": "∓",
    "ll": "≪",
    "gg": "≫",
    "sim": "∼",
    "simeq": "≃",
    "cong": "≅",
    "equiv": "≡",
    "propto": "∝",
    "perp": "⊥",
    "parallel": "∥",
    "top": "⊤",
    "bot": "⊥",
    "vdash": "⊢",
    "models": "⊨",
    "mapsto": "↦",
    "gets": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "Leftrightarrow": "⇔",
    "leftrightarrow": "↔",
    "iff": "⟺",
    "implies": "⟹",
    "uparrow": "↑",
    "downarrow": "↓",
    "times": "×",
    "pm": "±",
    "cdot": "·",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    **{
        name: name
        for name in (
            "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin",
            "arccos", "arctan", "sinh", "cosh", "tanh", "max", "min", "sup", "inf", "lim",
            "liminf", "limsup", "det", "dim", "ker", "arg", "deg", "gcd", "hom", "Pr", "mod",
            "bmod", "argmax", "argmin", "poly", "polylog",
        )
    },
}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼"}
_CYRILLIC = dict(
    zip(
        ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "ishrt", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "shch", "hrdsn", "ery", "sftsn", "erev", "yu", "ya"],
        "абвгдежзийклмнопрстуфхцчшщъыьэюя",
        strict=True,
    )
)
_ESCAPED = {"&": "&", "%": "%", "$": "\x03", "#": "#", "_": "_", "{": "\x01", "}": "\x02", " ": " "}

_ACCENT_BRACED = re.compile(r"\\([`'^\"~=.uvHckrdbt])\s*\{\s*(\\[ij](?![a-zA-Z])|[A-Za-z]?)\s*\}")
_ACCENT_SYMBOL = re.compile(r"\\([`'^\"~=.])\s*(\\[ij](?![a-zA-Z])|[A-Za-z])")
_ACCENT_LETTER = re.compile(r"\\([uvHckrdbt])\s+(\\[ij](?![a-zA-Z])|[A-Za-z])")
_CYR = re.compile(r"\\cyrchar\s*\\cyr([a-zA-Z]+)")
_ESC = re.compile(r"\\([&%$#_{} ])")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?(?:\s+|(?![A-Za-z]))")
_MATH_DELIM = re.compile(r"\\[()\[\]]")  # \( \) \[ \]
_MATH_SPACE = re.compile(r"\\([,;:!>])")  # thin, medium, thick and negative spaces
_SQRT = re.compile(r"\\sqrt\s*(?:\[([^\]{}]*)\])?\s*\{([^{}]*)\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_BB = re.compile(r"\\mathbb\s*\{\s*([A-Z])\s*\}")
_SCRIPT = re.compile(r"([\^_])\{((?:[^{}]|\{[^{}]*\})*)\}")


def _has_latex(text: str) -> bool:
    """Any of ``\\ { } ~ $ -- `` ''`` (substring tests: several times faster than one regex
    with alternatives on long abstracts)."""
    return (
        "\\" in text or "{" in text or "}" in text or "~" in text or "$" in text
        or "--" in text or "``" in text or "''" in text
    )


def _accent(match: re.Match[str]) -> str:
    mark, base = match.group(1), match.group(2)
    if base in ("\\i", "\\j"):
        base = base[1]
    if not base:
        return {"'": "´", "`": "`", "^": "^", "~": "~", '"': "¨"}.get(mark, "")
    return unicodedata.normalize("NFC", base + _ACCENTS[mark])


def _cyr(match: re.Match[str]) -> str:
    name = match.group(1)
    letter = _CYRILLIC.get(name.lower())
    if letter is None:
        return ""
    return letter.upper() if name[:1].isupper() else letter


def _command(match: re.Match[str]) -> str:
    name = match.group(1)
    spaced = _SPACED_SYMBOLS.get(name)
    if spaced is None:
        return _SYMBOLS.get(name, "")
    before = match.string[match.start() - 1] if match.start() else ""
    lead = " " if spaced.isalpha() and before.isalnum() else ""  # "n\\log n" → "n log n"
    return lead + spaced + (" " if match.group(0)[-1].isspace() else "")


def _grouped(text: str) -> str:
    """``n+1`` → ``(n+1)`` where a bare juxtaposition would change the meaning."""
    text = text.strip()
    return text if len(text) <= 1 or text.isalnum() and not text[0].isdigit() else f"({text})"


def _sqrt(match: re.Match[str]) -> str:
    index = (match.group(1) or "").strip()
    return f"{index}√{_grouped(match.group(2))}"


def _frac(match: re.Match[str]) -> str:
    return f"{_grouped(match.group(1))}/{_grouped(match.group(2))}"


def _script(match: re.Match[str]) -> str:
    inner = match.group(2).replace("{", "").replace("}", "").strip()
    return match.group(1) + (inner if len(inner) <= 1 else f"({inner})")


def latex_to_unicode(text: str | None) -> str:
    """Turn BibTeX/LaTeX markup into plain Unicode: ``Fr{\\'e}d{\\'e}ric`` → ``Frédéric``,
    ``{\\"O}zge`` → ``Özge``, ``\\&`` → ``&``, ``$\\Sigma$`` → ``Σ``; formatting commands
    (``\\emph{x}``, ``\\texttt{x}``, ``\\mbox{x}``) keep their argument, protective braces go.
    Math keeps its meaning: ``$O(\\log n)$`` → ``O(log n)``, ``$O(\\sqrt{E})$`` → ``O(√E)``,
    ``\\(^\\mbox{k}\\)`` → ``^k``, ``$x^{n+1}$`` → ``x^(n+1)``, ``\\frac{a}{b}`` → ``a/b``."""
    if not text:
        return ""
    if not _has_latex(text):
        return clean_text(text)
    s = _ESC.sub(lambda m: _ESCAPED[m.group(1)], text)
    s = _CYR.sub(_cyr, s)
    s = _ACCENT_BRACED.sub(_accent, s)
    s = _ACCENT_SYMBOL.sub(_accent, s)
    s = _ACCENT_LETTER.sub(_accent, s)
    if "\\" in s:
        s = _MATH_DELIM.sub("", s)
        s = _MATH_SPACE.sub(lambda m: "" if m.group(1) == "!" else " ", s)
        s = _SQRT.sub(_sqrt, s)
        s = _FRAC.sub(_frac, s)
        s = _BB.sub(lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), s)
    s = _COMMAND.sub(_command, s)
    if "^{" in s or "_{" in s:
        s = _SCRIPT.sub(_script, s)
    s = s.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    s = s.replace("~", " ").replace("$", "").replace("{", "").replace("}", "")
    s = s.replace("\\", "").replace("\x01", "{").replace("\x02", "}").replace("\x03", "$")
    return clean_text(s)


# --- keys for deduplication ----------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def fold(text: str) -> str:
    """NFKC, accents removed, casefolded: ``Schrödinger`` and ``Schrodinger`` compare equal."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def normalise_title(title: str) -> str:
    """Letters and digits only (CJK kept), folded: for matching titles written differently."""
    return _NOT_WORD.sub("", fold(title))


def surname(name: str) -> str:
    """The family name of a display name ("First von Last", "Last, First", "张昆" → itself)."""
    name = name.strip()
    if not name:
        return ""
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    while len(parts) > 1 and parts[-1].casefold().rstrip(",") in _SUFFIXES:
        parts.pop()
    return parts[-1] if parts else ""
