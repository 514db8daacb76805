"""The shipped code-search embedder: output contract, meaning, integrity, lazy loading."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pieces_lsp.errors import ModelFileError
from pieces_lsp.ml import embed, runtime
from pieces_lsp.resources import models_dir

READ_JSON = """def load_settings(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
"""

SORT_ITEMS = """def order_by_price(items):
    return sorted(items, key=lambda item: item.price, reverse=True)
"""

HTTP_GET = """async function fetchUser(id) {
  const response = await fetch(`/api/users/${id}`);
  return response.json();
}
"""


@pytest.fixture(scope="module")
def embedder() -> embed.Embedder:
    return embed.get_embedder()


def test_shape_dtype_and_unit_rows(embedder: embed.Embedder):
    vecs = embedder.embed_documents([READ_JSON, SORT_ITEMS, HTTP_GET])
    assert vecs.shape == (3, embedder.dim)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    q = embedder.embed_queries(["read a json file"])
    assert q.shape == (1, embedder.dim) and q.dtype == np.float32
    assert embedder.embed_documents([]).shape == (0, embedder.dim)


def test_model_id_names_the_model_file(embedder: embed.Embedder):
    digest = runtime._manifest_entry("embed", models_dir())["sha256"]
    assert embedder.model_id == f"embed-v1:{digest[:12]}"


def test_deterministic_and_independent_of_batch(embedder: embed.Embedder):
    alone = embedder.embed_documents([SORT_ITEMS])
    batch = embedder.embed_documents([READ_JSON, SORT_ITEMS, HTTP_GET] * 5)
    np.testing.assert_allclose(alone[0], batch[1], atol=1e-6)
    np.testing.assert_array_equal(batch[1], embedder.embed_documents([READ_JSON, SORT_ITEMS])[1])


def test_empty_and_symbol_only_inputs_are_finite(embedder: embed.Embedder):
    vecs = embedder.embed_documents(["", "   \n", "{}();", SORT_ITEMS])
    assert np.isfinite(vecs).all()
    for row in vecs[:3]:
        norm = float(np.linalg.norm(row))
        assert norm == 0.0 or abs(norm - 1.0) < 1e-5
    assert np.isfinite(embedder.embed_queries([""])).all()


def test_very_long_input_is_capped(embedder: embed.Embedder):
    long_text = SORT_ITEMS * 5000
    vec = embedder.embed_documents([long_text])
    assert np.isfinite(vec).all()
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5
    assert len(embed.words(long_text)) <= embed.MAX_WORDS


def test_identifiers_are_split_and_kept():
    assert embed.words("readJsonFile(MAX_SIZE)") == [
        "readJsonFile",
        "read",
        "json",
        "file",
        "MAX_SIZE",
        "max",
        "size",
    ]
    assert embed.words("x = HTTPServer()") == ["x", "HTTPServer", "http", "server"]


def test_query_meets_the_code_that_does_it(embedder: embed.Embedder):
    docs = embedder.embed_documents([READ_JSON, SORT_ITEMS])
    q = embedder.embed_queries(["how to read a json config file"])[0]
    assert q @ docs[0] > q @ docs[1]
    q = embedder.embed_queries(["sort products by price descending"])[0]
    assert q @ docs[1] > q @ docs[0]


def test_tampered_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "models"
    root.mkdir()
    shutil.copy(models_dir() / "manifest.json", root / "manifest.json")
    shutil.copytree(models_dir() / "embed", root / "embed")
    model = root / "embed" / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    monkeypatch.setattr(embed, "models_dir", lambda: root)
    monkeypatch.setattr(embed, "_embedder", None)
    with pytest.raises(ModelFileError, match="does not match"):
        embed.get_embedder()


def test_import_does_not_load_the_model():
    code = (
        "import sys\n"
        "import pieces_lsp.ml.embed as e\n"
        "assert e._embedder is None\n"
        "assert 'onnxruntime' not in sys.modules and 'tokenizers' not in sys.modules\n"
        "e.get_embedder()\n"
        "assert e._embedder is not None and e.get_embedder() is e._embedder\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_queries_and_documents_use_their_own_tower(embedder: embed.Embedder):
    # v2 graph: one shared table, a query tower and a document tower picked by `is_query`
    names = {i.name for i in embedder._session.get_inputs()}
    assert names == {"input_ids", "attention_mask", "is_query"}
    text = "read a json config file"
    q = embedder.embed_queries([text])[0]
    d = embedder.embed_documents([text])[0]
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-5
    assert not np.allclose(q, d, atol=1e-4)
    assert float(q @ d) > 0.5  # same words, different weighting: still close
