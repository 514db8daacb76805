"""Search against a real library in a temp home: ranking, filters, typo tolerance, the index
following the library (own writes and another process's), similar(), complete(), errors and
redacted previews."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pieces_lsp.app import Services, build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.errors import ModelFileError, NotFoundError, PiecesError, ValidationError
from pieces_lsp.model import SnippetDraft, SnippetPatch
from pieces_lsp.search import SearchHit, SearchService, SearchUnavailableError, SimilarHit
from pieces_lsp.search.blend import RankedList, blend_scores
from pieces_lsp.search.fulltext import FullTextIndex
from pieces_lsp.search.text import query_terms, split_identifier, terms

RETRY = """\
import time

def retry(fn, attempts=3, delay=0.5):
    for i in range(attempts):
        try:
            return fn()
        except Exception:
            time.sleep(delay * 2 ** i)
    raise RuntimeError("gave up")
"""

PARSE_CONFIG = """\
export function parseConfigFile(path: string): Config {
  const raw = readFileSync(path, "utf-8");
  return JSON.parse(raw) as Config;
}
"""

HTTP_GET = """\
import requests

def fetch_json(url):
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response.json()
"""

SQL_USERS = "SELECT id, email FROM users WHERE active = true ORDER BY created_at DESC;\n"

# Mentions "retry" only deep in the code, never in title or tags.
BACKOFF_NOTES = """\
def schedule_jobs(queue):
    for job in queue:
        job.run()
        # the worker will retry failed jobs later
"""

AWS_KEY = "AKIA" + "Q3EGUWB7TRAPX5NE"  # built at run time: no secret-shaped literal in git
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA7V0m0c2t2mVbQ9k3m9e1b7g5s1g8y2v6k3n7p9q1r3t5u7w9\n"
    "y1a3c5e7g9i1k3m5o7q9s1u3w5y7a9c1e3g5i7k9m1o3q5s7u9w1y3a5c7e9g1i3\n"
    "-----END RSA PRIVATE KEY-----\n"
)


def services(home: Path) -> Services:
    return build_services(resolve_config({"home": str(home)}, env={}))


@pytest.fixture
def svc(tmp_path: Path) -> Services:
    return services(tmp_path)


def save(
    s: Services,
    content: str,
    *,
    title: str | None = None,
    tags: list[str] | None = None,
    language: str | None = None,
    description: str | None = None,
) -> str:
    draft = SnippetDraft(
        content=content, title=title, tags=tags or [], language=language, description=description
    )
    return s.library.save(draft).snippet.id


@pytest.fixture
def corpus(svc: Services) -> dict[str, str]:
    return {
        "retry": save(
            svc, RETRY, title="Retry with exponential backoff", tags=["http"], language="python"
        ),
        "config": save(svc, PARSE_CONFIG, title="Load settings", language="typescript"),
        "fetch": save(svc, HTTP_GET, title="GET a JSON document", tags=["http"], language="python"),
        "sql": save(svc, SQL_USERS, title="Active users", tags=["db"], language="sql"),
        "jobs": save(svc, BACKOFF_NOTES, title="Run queued jobs", language="python"),
    }


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Another process's commit reaches this one's cache within the library's refresh
    interval, not instantly."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


# -- analysis ----------------------------------------------------------------------------------


def test_identifiers_split_on_camel_and_snake_case() -> None:
    assert split_identifier("parseHTTPResponse2") == ["parse", "http", "response", "2"]
    assert split_identifier("MAX_RETRIES") == ["max", "retries"]
    assert {"parse", "config", "parseconfigfile"} <= set(terms("parseConfigFile"))
    assert set(terms("parse_config_file")) == set(terms("parseConfigFile"))


def test_query_words_and_code_meet_on_one_term() -> None:
    assert [t for t, _ in query_terms("retries")] == [t for t, _ in query_terms("retrying")]
    assert [t for t, _ in query_terms("dictionary")] == [t for t, _ in query_terms("dict")]
    assert query_terms("how to do it") == []


# -- ranking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["hybrid", "fulltext"])
def test_title_match_beats_content_only_match(svc, corpus, mode) -> None:
    hits = svc.search.search("retry", mode=mode)
    assert ids(hits)[0] == corpus["retry"]
    assert corpus["jobs"] in ids(hits)
    assert ids(hits).index(corpus["retry"]) < ids(hits).index(corpus["jobs"])
    assert "title" in hits[0].why and '"retry"' in hits[0].why


def test_camel_case_identifier_found_by_words(svc, corpus) -> None:
    for query in ("parse config file", "parse_config", "parseConfigFile"):
        assert ids(svc.search.search(query, mode="fulltext"))[0] == corpus["config"], query


@pytest.mark.parametrize("mode", ["fuzzy", "hybrid"])
def test_typo_finds_the_word(svc, corpus, mode) -> None:
    hits = svc.search.search("retyr", mode=mode)
    assert hits and hits[0].id == corpus["retry"]
    assert "retry" in hits[0].why
    assert svc.search.search("retyr", mode="fulltext") == []


def test_fuzzy_matches_typos_in_tags_and_identifiers(svc, corpus) -> None:
    assert ids(svc.search.search("fetch_jsn", mode="fuzzy"))[0] == corpus["fetch"]
    assert corpus["sql"] in ids(svc.search.search("db", mode="fuzzy"))


def test_scores_are_between_0_and_1_and_sorted(svc, corpus) -> None:
    for mode in ("hybrid", "fulltext", "fuzzy"):
        hits = svc.search.search("retry http json", mode=mode)
        assert hits
        scores = [h.score for h in hits]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_language_and_tag_filters(svc, corpus) -> None:
    py = svc.search.search("retry json users config", language="Python")
    assert py and {h.language for h in py} == {"python"}
    assert corpus["config"] not in ids(py)
    http = svc.search.search("retry json users config", tags=["HTTP"])
    assert set(ids(http)) == {corpus["retry"], corpus["fetch"]}
    both = svc.search.search("json", tags=["http"], language="python")
    assert ids(both) == [corpus["fetch"]]
    assert svc.search.search("retry", language="rust") == []
    assert svc.search.search("retry", tags=["no-such-tag"]) == []


def test_limit_is_respected(svc, corpus) -> None:
    assert len(svc.search.search("retry json users config", limit=2)) == 2


def test_hit_shape(svc, corpus) -> None:
    hit = svc.search.search("retry")[0]
    d = hit.to_dict()
    assert set(d) == {"id", "title", "language", "tags", "score", "preview", "why", "signals"}
    assert d["signals"]["fulltext"]["rank"] == 1
    assert d["title"] == "Retry with exponential backoff"
    assert d["tags"][:2] == ["http", "python"]  # the user's tag, then enrichment's
    lines = d["preview"].split("\n")
    assert lines[0] == "import time" and len(lines) == 5
    assert all(line.strip() for line in lines)
    assert "http" in svc.search.search("http retry")[0].why.split("tag", 1)[1]


def test_preview_lines_are_cut_to_120_chars(svc) -> None:
    save(svc, "x = '" + "a" * 300 + "'\n" + "\n\n\n".join(f"y{i} = {i}" for i in range(9)))
    preview = svc.search.search("y3", mode="fulltext")[0].preview.split("\n")
    assert len(preview) == 5 and all(len(line) <= 120 for line in preview)


def test_preview_never_contains_a_raw_secret(svc) -> None:
    save(svc, f'AWS_KEY = "{AWS_KEY}"\nclient = boto3.client("s3")\n', title="s3 client")
    save(svc, "def load_key():\n    return '''" + PEM + "'''\n", title="load signing key")
    for query in ("s3 client", "load signing key", AWS_KEY):
        for hit in svc.search.search(query):
            text = repr(hit.to_dict())
            assert AWS_KEY not in text
            assert "MIIEowIBAAKCAQEA" not in text and "y1a3c5e7g9" not in text
    hits = svc.search.search("s3 client")
    assert "<redacted:aws-access-key>" in hits[0].preview


# -- following the library ---------------------------------------------------------------------


def test_index_follows_save_update_delete(svc, corpus) -> None:
    assert svc.search.search("kubernetes", mode="fulltext") == []
    new = save(svc, "kubectl rollout restart deployment/web\n", title="Restart kubernetes app")
    assert ids(svc.search.search("kubernetes", mode="fulltext")) == [new]

    svc.library.update(new, SnippetPatch(title="Restart a deployment", tags=["k8s"]))
    assert svc.search.search("kubernetes", mode="fulltext") == []
    assert ids(svc.search.search("k8s", mode="fulltext")) == [new]

    svc.library.update(corpus["sql"], SnippetPatch(content="SELECT count(*) FROM invoices;\n"))
    assert ids(svc.search.search("invoices", mode="fulltext")) == [corpus["sql"]]
    assert corpus["sql"] not in ids(svc.search.search("email", mode="fulltext"))

    svc.library.delete(new)
    assert svc.search.search("k8s deployment", mode="hybrid") == []


def test_index_follows_another_process(tmp_path, svc, corpus) -> None:
    other = services(tmp_path)  # a second window: its own library cache and search index
    assert ids(other.search.search("retry"))[0] == corpus["retry"]
    added = save(other, "terraform apply -auto-approve\n", title="Apply terraform plan")
    # word search: exact answers (the neural list would add loosely related snippets)
    assert eventually(lambda: ids(svc.search.search("terraform", mode="fulltext")) == [added])
    other.library.delete(corpus["retry"])
    assert eventually(lambda: corpus["retry"] not in ids(svc.search.search("retry backoff")))
    other.library.update(corpus["fetch"], SnippetPatch(title="Download a manifest"))
    assert eventually(
        lambda: ids(svc.search.search("manifest", mode="fulltext")) == [corpus["fetch"]]
    )
    assert eventually(lambda: ids(svc.search.search("manifest"))[:1] == [corpus["fetch"]])


def test_recording_a_use_does_not_reindex_text(svc, corpus) -> None:
    assert svc.search.warm() == 5
    svc.library.record_use(corpus["retry"])
    assert ids(svc.search.search("retry"))[0] == corpus["retry"]


def test_empty_library(svc) -> None:
    assert svc.search.search("anything") == []
    assert svc.search.complete(language="python", context="def f(") == []


# -- similar -----------------------------------------------------------------------------------


def test_similar_finds_near_duplicate_first_and_excludes_itself(svc, corpus) -> None:
    twin = save(svc, RETRY.replace("attempts", "tries").replace("gave up", "failed"))
    hits = svc.search.similar(snippet_id=corpus["retry"])
    s = hits[0].score
    assert hits[0].id == twin
    assert corpus["retry"] not in [h.id for h in hits]
    assert 0.5 < hits[0].score <= 1.0
    assert all(isinstance(h, SimilarHit) and 0.0 < h.score <= 1.0 for h in hits)
    assert hits[0].near_duplicate  # the same code with other names
    assert hits[0].to_dict() == {
        "id": twin,
        "title": hits[0].title,
        "score": round(s, 4),
        "near_duplicate": True,
    }


def test_similar_by_content(svc, corpus) -> None:
    code = HTTP_GET.replace("fetch_json", "get_json").replace("10", "30")
    hits = svc.search.similar(content=code, limit=2)
    assert len(hits) <= 2 and hits[0].id == corpus["fetch"]


def test_similar_errors(svc, corpus) -> None:
    with pytest.raises(NotFoundError):
        svc.search.similar(snippet_id="00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValidationError) as e:
        svc.search.similar(snippet_id="not-an-id")
    assert e.value.field == "id"
    with pytest.raises(ValidationError) as e:
        svc.search.similar()
    assert e.value.field == "snippet_id"
    with pytest.raises(ValidationError) as e:
        svc.search.similar(content="   ")
    assert e.value.field == "content"
    with pytest.raises(ValidationError) as e:
        svc.search.similar(snippet_id=corpus["retry"], limit=0)
    assert e.value.field == "limit"


# -- complete ----------------------------------------------------------------------------------


def test_complete_prefers_context_language_and_use(svc, corpus) -> None:
    hits = svc.search.complete(language="python", context="resp = requests.get(url)\nfetch_j")
    assert hits[0].id == corpus["fetch"]
    assert "same language (python)" in hits[0].why

    # No useful context: the document's language first, the most used of them on top.
    svc.library.record_use(corpus["jobs"])
    svc.library.record_use(corpus["jobs"])
    hits = svc.search.complete(language="python", context="")
    assert hits[0].id == corpus["jobs"]
    assert "used 2 times" in hits[0].why
    assert {h.language for h in hits[:3]} == {"python"}

    hits = svc.search.complete(language="sql", context="SELECT ")
    assert hits[0].id == corpus["sql"]
    ts = svc.search.complete(language="typescriptreact", context="const cfg = parseCon")
    assert ts[0].id == corpus["config"]


def test_complete_validates(svc, corpus) -> None:
    with pytest.raises(ValidationError) as e:
        svc.search.complete(language="python", context="x", limit=500)
    assert e.value.field == "limit"
    with pytest.raises(ValidationError) as e:
        svc.search.complete(language="python", context=None)  # type: ignore[arg-type]
    assert e.value.field == "context"
    assert len(svc.search.complete(language=None, context="json", limit=1)) == 1


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   \n"}, "query"),
        ({"query": "x" * 1001}, "query"),
        ({"query": 42}, "query"),
        ({"query": "retry", "limit": 0}, "limit"),
        ({"query": "retry", "limit": 201}, "limit"),
        ({"query": "retry", "limit": True}, "limit"),
        ({"query": "retry", "mode": "semantic"}, "mode"),
        ({"query": "retry", "language": 3}, "language"),
        ({"query": "retry", "tags": "a" * 65}, "tags"),
    ],
)
def test_bad_requests_name_the_field(svc, kwargs, field) -> None:
    query = kwargs.pop("query")
    with pytest.raises(ValidationError) as e:
        svc.search.search(query, **kwargs)
    assert e.value.field == field


def test_damaged_model_fails_neural_clearly_and_hybrid_carries_on(svc, corpus, monkeypatch):
    import pieces_lsp.ml.embed as embed

    def broken():
        raise ModelFileError("models/embed/model.onnx does not match its SHA-256")

    monkeypatch.setattr(embed, "get_embedder", broken)
    with pytest.raises(SearchUnavailableError) as e:
        svc.search.search("retry", mode="neural")
    assert isinstance(e.value, PiecesError)
    assert "neural search is unavailable" in str(e.value) and "SHA-256" in str(e.value)
    assert ids(svc.search.search("retry"))[0] == corpus["retry"]


def test_services_build_search_lazily(svc) -> None:
    assert isinstance(svc.search, SearchService)
    assert svc.search is svc.search


# -- building blocks ---------------------------------------------------------------------------


def test_fulltext_index_add_remove_keeps_statistics() -> None:
    ix = FullTextIndex()
    ix.add(1, {"retry": 3.0, "http": 1.0})
    ix.add(2, {"http": 1.0})
    assert ix.df("http") == 2 and ix.idf("retry") > ix.idf("http")
    ix.add(1, {"json": 1.0})  # re-index replaces
    assert ix.df("retry") == 0 and ix.df("json") == 1
    ix.remove(2)
    ix.remove(2)
    assert len(ix) == 1 and ix.df("http") == 0
    assert [d for d, _ in ix.top([("json", 1.0)], 5)] == [1]


def test_blend_keeps_lists_that_found_something() -> None:
    blended = blend_scores(
        [
            RankedList("fulltext", [(1, 0.2), (2, 0.1)], 1.0, relative=True),
            RankedList("fuzzy", [(2, 1.0)], 0.6),
            RankedList("neural", [], 1.0),
        ]
    )
    assert [d for d, _ in blended] == [2, 1]
    assert all(0.0 <= s <= 1.0 for _, s in blended)
    assert blend_scores([RankedList("fuzzy", [(3, 0.9)], 0.2)]) == [(3, 0.9)]


def test_a_third_retriever_plugs_into_modes_and_hybrid(svc, corpus) -> None:
    """The seam the neural embedder will use: a retriever named like its mode."""
    from pieces_lsp.search.retrievers import Retrieved

    class Fixed:
        name = "neural"

        def retrieve(self, index, query, allowed, depth):
            doc = index.by_id(corpus["sql"])
            return Retrieved(self.name, [(doc.num, 0.9)])

    svc.search.add_retriever(Fixed(), hybrid_weight=1.0)
    assert ids(svc.search.search("anything at all", mode="neural")) == [corpus["sql"]]
    hybrid = ids(svc.search.search("retry"))
    assert corpus["sql"] in hybrid and corpus["retry"] in hybrid


def test_searching_while_another_window_writes(tmp_path, svc, corpus) -> None:
    import threading

    other = services(tmp_path)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(15):
                save(other, f"def generated_{i}():\n    return {i}\n", title=f"generated {i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    while t.is_alive():
        svc.search.search("generated retry")
        svc.search.complete(language="python", context="gener")
        # Requests arrive at keystroke pace; a loop that never sleeps would hold the GIL and
        # starve the other threads (a test artefact, not a server's pattern).
        time.sleep(0.002)
    t.join()
    assert not errors
    assert eventually(lambda: len(svc.search.search("generated", limit=50, mode="fulltext")) == 15)
