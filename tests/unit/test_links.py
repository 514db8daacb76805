"""URL extraction: linkify-it's boundaries, stricter rules in code, credentials removed."""

from __future__ import annotations

from pieces_lsp.analysis.links import extract_links, strip_credentials


def test_prose_links_keep_their_written_form_and_lose_trailing_punctuation() -> None:
    text = (
        "Docs live at https://docs.example.org/guide/, mirrors at www.example.net "
        "(see also example.com)."
    )
    assert extract_links(text) == [
        "https://docs.example.org/guide/",
        "www.example.net",
        "example.com",
    ]


def test_links_in_comments_and_strings_of_code() -> None:
    code = (
        "# See https://peps.python.org/pep-0008/ for the style.\n"
        'BASE = "https://api.example.com/v2"\n'
        "resp = session.get(BASE + '/items', timeout=5)\n"
        "mirror = 'ftp://ftp.example.org/pub/'\n"
    )
    assert extract_links(code) == [
        "https://peps.python.org/pep-0008/",
        "https://api.example.com/v2",
        "ftp://ftp.example.org/pub/",
    ]


def test_identifiers_with_tld_suffixes_are_not_links_in_code() -> None:
    code = (
        "import utils.py\n"
        "name = user.name\n"
        "value = df.at[0, 'x']\n"
        "host = '10.0.0.1'\n"
        "version = '1.2.3.4'\n"
        "data = tf.io(path)\n"
    )
    assert extract_links(code, context="code") == []


def test_brackets_and_quotes_follow_linkify() -> None:
    assert extract_links("(see http://example.com/wiki/Foo_(bar))") == [
        "http://example.com/wiki/Foo_(bar)"
    ]
    assert extract_links('url = "http://example.com/a";') == ["http://example.com/a"]
    assert extract_links("<https://example.com/x>.") == ["https://example.com/x"]


def test_dedupes_and_keeps_order() -> None:
    text = "b http://b.example.com a http://a.example.com b http://b.example.com"
    assert extract_links(text) == ["http://b.example.com", "http://a.example.com"]


def test_credentials_are_stripped() -> None:
    text = "clone https://deploy:s3cr3tT0ken@git.example.com/team/repo.git now"
    assert extract_links(text) == ["https://git.example.com/team/repo.git"]
    assert strip_credentials("https://ghp_a1b2c3d4e5f6g7h8i9j0@github.com/x") == (
        "https://github.com/x"
    )
    assert (
        strip_credentials("http://anonymous@ftp.example.org") == "http://anonymous@ftp.example.org"
    )


def test_nothing_to_find() -> None:
    assert extract_links("") == []
    assert extract_links("no links here, only words.") == []
    assert extract_links("node.js and io.js", context="prose") == []
