"""`kg add`: bring one article (plain text or a saved HTML page) into seeds/articles.

An article file is the title on its first line and the body's paragraphs on the lines after it,
as the seeds are. It is never edited afterwards, because every evidence quote points into it;
so this is the one place where a page is reduced to text, and it refuses anything it cannot
turn into an honest article (empty, binary, already present).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.atomic import write_bytes

ARTICLE_ID_RE = re.compile(r"^[0-9]{3,}_[0-9a-f]{16}$")
_SEED_NAME_RE = re.compile(r"^([0-9]{3,})_[0-9a-f]{16}$")

# Elements whose text is never article text.
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "svg",
    "iframe",
    "object",
]
# Elements that end a paragraph.
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "body",
        "center",
    ]
)
_HTML_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


class IngestError(Exception):
    """The input cannot be added as an article; the message says why."""


@dataclass(frozen=True)
class Added:
    """What `kg add` wrote."""

    article_id: str
    path: Path
    title: str
    from_html: bool


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    controls = sum(
        1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f"
    )
    return controls > max(2, len(text[:65536]) // 200)


def looks_like_html(data: bytes, name: str = "") -> bool:
    """HTML by extension or by its opening tag (a saved page may have any name)."""
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return bool(_HTML_SNIFF.match(data[:4096]))


def _paragraphs(node: LexborNode, out: list[str], buf: list[str]) -> None:
    """Walk the tree, joining inline text and breaking at block elements."""
    child = node.child
    while child is not None:
        if child.is_text_node:
            buf.append(child.text_content or "")
        elif child.is_element_node:
            block = child.tag in _BLOCK_TAGS
            if block:
                _flush(out, buf)
            _paragraphs(child, out, buf)
            if block:
                _flush(out, buf)
        child = child.next


def _flush(out: list[str], buf: list[str]) -> None:
    text = _collapse("".join(buf))
    buf.clear()
    if text:
        out.append(text)


def html_to_text(html: str) -> tuple[str, str]:
    """Reduce a saved page to (title, body text with one paragraph per line).

    The body is the page's <article> (or <main>) when it has one, so menus and footers
    around it do not become evidence; navigation-like elements are dropped everywhere.
    """
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    h1 = tree.css_first("h1")
    title = _collapse(title_node.text(deep=True)) if title_node else ""
    tree.strip_tags(_DROP_TAGS)
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    paragraphs: list[str] = []
    if root is not None:
        buf: list[str] = []
        _paragraphs(root, paragraphs, buf)
        _flush(paragraphs, buf)
    h1_text = _collapse(h1.text(deep=True)) if h1 else ""
    # Prefer the headline: <title> often carries the site's name ("Headline | Site").
    title = h1_text or title
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return title, "\n".join(paragraphs)


def plain_to_text(text: str) -> tuple[str, str]:
    """Split plain text into title (first non-blank line) and body; line endings become \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return "", ""
    return lines[0].strip(), "\n".join(lines[1:]).strip("\n")


def normalised(text: str) -> str:
    """Text compared for duplicates: case, quotes and whitespace do not make a new article."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("’‘“”", "''\"\""))
    return _collapse(text).casefold()


def next_article_id(articles: Path, text: str) -> str:
    """`NNN_<16 hex of sha256(text)>`, NNN one past the highest number already used."""
    numbers = [
        int(m.group(1))
        for p in articles.glob("*.txt")
        if (m := _SEED_NAME_RE.match(p.stem)) is not None
    ]
    number = max(numbers, default=-1) + 1
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{number:03d}_{digest}"


def read_source(path: Path) -> tuple[str, str, bool]:
    """(title, body, from_html) of a file, or IngestError saying what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory, not an article file") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    if b"\x00" not in data[:65536]:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise IngestError(
                f"{path}:{line}: not UTF-8 text (save the file as UTF-8 and add it again)"
            ) from None
    if _is_binary(data):
        raise IngestError(
            f"{path}: looks like a binary file, not text or HTML (save the page as HTML "
            "or copy its text into a UTF-8 .txt file)"
        )
    text = data.decode("utf-8-sig")
    from_html = looks_like_html(data, path.name)
    title, body = html_to_text(text) if from_html else plain_to_text(text)
    if not title or not body.strip():
        what = "a title and body text" if from_html else "a title line and body text"
        raise IngestError(f"{path}: has no article text: expected {what}")
    return title, body, from_html


def add_article(source: Path, root: Path, article_id: str | None = None) -> Added:
    """Write `source` into root/seeds/articles as a new article and return what was written.

    Refuses text already present (compared without case, quote style or whitespace
    differences) and an id already taken, so an article is never silently replaced.
    """
    title, body, from_html = read_source(source)
    text = f"{title}\n{body}"
    articles = root / "seeds" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    key = normalised(text)
    for existing in sorted(articles.glob("*.txt")):
        try:
            other = existing.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if normalised(other) == key:
            raise IngestError(
                f"{source}: the same text is already present as {existing.stem} "
                f"({existing.as_posix()})"
            )
    if article_id is None:
        article_id = next_article_id(articles, text)
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", article_id):
        raise IngestError(
            f"--id {article_id!r}: use letters, digits, '_', '-' and '.' only "
            "(the id names the file and the article's IRI)"
        )
    target = articles / f"{article_id}.txt"
    if target.exists():
        raise IngestError(f"--id {article_id}: {target.as_posix()} already exists")
    _write_atomic(target, text)
    return Added(article_id=article_id, path=target, title=title, from_html=from_html)


def _write_atomic(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))
