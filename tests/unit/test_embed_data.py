"""The embedder's training data keeps evaluated functions out (models/embed/gather.py).

A training pair stores its function with the docstring lines cut out and dedented; the shared
CoSQA corpus stores functions as written (docstring kept, often indented as methods). Both must
reduce to the same key, or an evaluated function slips into training unnoticed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "embed"))

import gather  # stdlib only: importing it downloads nothing

AS_EVALUATED = '''def paste(xsel=False):
        """Returns system clipboard contents."""
        selection = "primary" if xsel else "clipboard"
        return run(["xclip", "-selection", selection, "-o"])'''


def test_a_training_pair_matches_the_evaluated_function_it_came_from() -> None:
    source = "class Clip:\n    " + AS_EVALUATED + "\n"
    [(_, query, code, *_)] = gather.pairs_from_source(source)
    assert query == "Returns system clipboard contents."
    assert '"""' not in code  # the pair's code has lost its docstring
    assert gather.function_key(code) == gather.function_key(AS_EVALUATED)


def test_other_code_and_unparsable_text_do_not_match() -> None:
    other = AS_EVALUATED.replace('"primary"', '"secondary"')
    assert gather.function_key(other) != gather.function_key(AS_EVALUATED)
    assert gather.function_key("def broken(:\n    pass") is None
    assert gather.function_key("x = 1\n") is None


def test_evaluated_functions_reads_the_corpus_file(tmp_path: Path) -> None:
    rows = [{"code_id": 0, "code": AS_EVALUATED}, {"code_id": 1, "code": "not python ("}]
    (tmp_path / "codesearch_corpus.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    assert gather.evaluated_functions(tmp_path) == {gather.function_key(AS_EVALUATED)}
    assert gather.evaluated_functions(tmp_path / "absent") == set()


def test_every_training_package_is_pinned_once() -> None:
    names = [spec.partition("==")[0] for spec in gather.PACKAGES]
    unpinned = [s for s in gather.PACKAGES if not s.partition("==")[2][:1].isdigit()]
    assert not unpinned
    assert len({gather._norm_name(n) for n in names}) == len(names)
