"""A snippet's prose (docstrings, comments, defined names) and the vector it adds."""

from __future__ import annotations

import uuid

import numpy as np

from pieces_lsp.model import Snippet
from pieces_lsp.search import vectors as vectors_module
from pieces_lsp.search.index import SnippetIndex
from pieces_lsp.search.prose import prose
from pieces_lsp.search.vectors import VectorIndex

PY = '''import os

def load_settings(path):
    """Read the user's settings file.

    Missing keys fall back to defaults.
    """
    # expand ~ first
    return open(os.path.expanduser(path)).read()
'''

C = """#include <stdio.h>
#define LIMIT 10
/* Print the first LIMIT squares,
 * one per line. */
int main(void) {
    for (int i = 0; i < LIMIT; i++) printf("%d\\n", i * i); // squares
}
"""


def test_python_docstring_comment_and_name() -> None:
    text = prose(PY)
    assert "Read the user's settings file." in text
    assert "Missing keys fall back to defaults." in text
    assert "expand ~ first" in text
    assert "load_settings" in text
    assert "import os" not in text and "return" not in text


def test_c_comments_but_not_the_preprocessor() -> None:
    text = prose(C)
    assert "Print the first LIMIT squares," in text and "one per line." in text
    assert "squares" in text.splitlines()
    assert "include" not in text and "define" not in text and "printf" not in text


def test_other_comment_styles_and_what_is_not_a_comment() -> None:
    assert prose("-- count rows per day\nSELECT day, count(*) FROM t GROUP BY day;\n") == (
        "count rows per day"
    )
    assert prose("#!/bin/sh\n# clean the build\nrm -rf build\n") == "clean the build"
    assert prose('color = "#ff8800"\nx = a - -b\n#[derive(Debug)]\nstruct P;\n') == "P"
    assert prose("x = 1\ny = x + 2\n") == ""


def _snippet(sid: int, content: str) -> Snippet:
    return Snippet.from_dict(
        {"id": str(uuid.UUID(int=sid)), "content": content, "language": "python"}
    )


def test_vectors_add_the_prose_vector_of_the_query_tower() -> None:
    """vector = normalise(code vector + PROSE_WEIGHT x prose vector), both unit length; a
    snippet without prose keeps its code vector."""
    e1, e2 = np.eye(4, dtype=np.float32)[0], np.eye(4, dtype=np.float32)[1]
    prose_seen: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        return np.stack([3.0 * e1 for _ in texts])

    def embed_prose(texts: list[str]) -> np.ndarray:
        prose_seen.extend(texts)
        return np.stack([2.0 * e2 for _ in texts])

    index = SnippetIndex()
    index.sync("t0", [_snippet(1, PY), _snippet(2, "x = 1\n")])
    vi = VectorIndex(4, "test")
    vi.sync(index, embed, lambda: [], lambda rows: None, embed_prose=embed_prose)
    with_prose = vi.vector(index.by_id(str(uuid.UUID(int=1))).num)
    without = vi.vector(index.by_id(str(uuid.UUID(int=2))).num)
    w = vectors_module.PROSE_WEIGHT
    want = (e1 + w * e2) / np.linalg.norm(e1 + w * e2)
    assert np.allclose(with_prose, want)
    assert np.allclose(without, e1)
    assert prose_seen == [prose(PY)]  # only the snippet that has prose


def test_a_title_is_prose_too() -> None:
    """A user's own title joins the prose vector: a retitled snippet is found by meaning."""
    index = SnippetIndex()
    titled = Snippet.from_dict(
        {"id": str(uuid.UUID(int=3)), "content": "x = 1\n", "title": "Download a manifest"}
    )
    index.sync("t0", [titled])
    doc = index.by_id(titled.id)
    assert doc is not None
    assert vectors_module.prose_text(doc) == "Download a manifest"
