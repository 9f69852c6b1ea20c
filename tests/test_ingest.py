"""kg add: text and HTML become articles; duplicates, empty and binary files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.ingest import IngestError, add_article

PAGE = """<!doctype html><html><head><title>Headline | Site</title>
<script>alert("not text")</script><style>p{}</style></head><body>
<nav>Home | News</nav>
<article><h1>OSCE trains police &amp; prosecutors</h1>
<p>The OSCE Centre in Astana organized a <b>training</b> on 12 May 2016.</p>
<ul><li>First item</li></ul></article><footer>Copyright</footer></body></html>"""


def test_html_is_reduced_to_headline_and_paragraphs(tmp_path: Path) -> None:
    src = tmp_path / "page.html"
    src.write_text(PAGE, encoding="utf-8")
    added = add_article(src, tmp_path)
    assert added.from_html
    text = added.path.read_text(encoding="utf-8")
    assert text.split("\n") == [
        "OSCE trains police & prosecutors",
        "The OSCE Centre in Astana organized a training on 12 May 2016.",
        "First item",
    ]
    assert "alert" not in text and "Home" not in text and "Copyright" not in text


def test_id_follows_the_seed_naming_and_numbering(tmp_path: Path) -> None:
    arts = tmp_path / "seeds" / "articles"
    arts.mkdir(parents=True)
    (arts / "004_3cdedc2bc6c43dd1.txt").write_text("Old\nbody", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("Title line\r\nBody text here.\r\n", encoding="utf-8")
    added = add_article(src, tmp_path)
    assert added.article_id.startswith("005_") and len(added.article_id) == 20
    assert added.path.read_bytes() == b"Title line\nBody text here."


def test_duplicates_are_refused_even_with_other_whitespace(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Title\nSome body text.", encoding="utf-8")
    first = add_article(src, tmp_path)
    again = tmp_path / "b.txt"
    again.write_text("Title\n\n  Some   body text.\n", encoding="utf-8")
    with pytest.raises(IngestError, match=f"already present as {first.article_id}"):
        add_article(again, tmp_path)
    assert len(list((tmp_path / "seeds" / "articles").glob("*.txt"))) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"Only a title\n", "no article text"),
        ("Title\nCaf\u00e9 in Bishkek".encode("latin-1"), "in.txt:2: not UTF-8 text"),
    ],
)
def test_bad_input_gets_one_clear_message_and_exit_1(
    tmp_path: Path, data: bytes, message: str
) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(data)
    result = CliRunner().invoke(main, ["add", str(src), "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "seeds" / "articles").exists() or not any(
        (tmp_path / "seeds" / "articles").iterdir()
    )


def test_an_explicit_id_is_checked(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Title\nBody.", encoding="utf-8")
    with pytest.raises(IngestError, match="letters, digits"):
        add_article(src, tmp_path, "../evil")
    assert add_article(src, tmp_path, "my-article").article_id == "my-article"
