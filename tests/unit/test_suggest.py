"""Search-query suggestions from the code around the cursor (pieces.search.suggest)."""

from __future__ import annotations

import time

import pytest

from pieces_lsp.search.suggest import Suggestion, suggest

GITHUB_TOKEN = "ghp_" + "Zq8Xv2Lm4Nb6Pc1Rd3Sf5Tg7Uh9Vj0Wk2Ya4"

PY_CONFIG = '''\
import os
import yaml

DEFAULT_PATH = os.path.join("etc", "app.yml")


def load_config(path):
    """Settings live in YAML next to the app."""
    with open(path) as fh:
        data = yaml.safe_load(fh)
    settings = data.get("hunter2_database_password", {})
    return settings
'''

PY_METHOD = """\
class ConfigLoader:
    def __init__(self, root):
        self.root = root

    def load(self, name):
        candidate = self.root / name
        return candidate.read_text()
"""

JS_PROFILE = """\
import axios from "axios";
import { useState } from "react";

export async function fetchUserProfile(userId) {
  const response = await axios.get(`/api/users/${userId}`);
  const profile = response.data.profile;
  return normalizeProfile(profile);
}
"""

TS_RETRY = """\
import { setTimeout as sleep } from "node:timers/promises";

export async function retryWithBackoff<T>(task: () => Promise<T>, attempts: number): Promise<T> {
  let delay = 100;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await task();
    } catch (failure) {
      await sleep(delay);
      delay *= 2;
    }
  }
  throw new Error("exhausted");
}
"""

GO_HANDLER = """\
package orders

import (
\t"encoding/json"
\t"net/http"

\t"github.com/gorilla/mux"
)

func (s *Server) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
\tvar order Order
\tif err := json.NewDecoder(r.Body).Decode(&order); err != nil {
\t\thttp.Error(w, err.Error(), http.StatusBadRequest)
\t\treturn
\t}
\ts.store.SaveOrder(order)
\tmux.Vars(r)
}
"""

JAVA_SERVICE = """\
package com.example.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

public class OrderService {
    private final ObjectMapper mapper = new ObjectMapper();

    public List<Order> parseOrders(String json) throws Exception {
        return mapper.readValue(json, Order[].class);
    }
}
"""

RUST_SETTINGS = """\
use serde::Deserialize;
use std::fs;

#[derive(Deserialize)]
struct Settings {
    port: u16,
}

fn read_settings(path: &str) -> Settings {
    let raw = fs::read_to_string(path).unwrap();
    toml::from_str(&raw).unwrap()
}
"""

NOTES = """\
retry the upload with exponential backoff
then upload the remaining chunks
"""


def queries(found: list[Suggestion]) -> list[str]:
    return [s.query for s in found]


def at(text: str, needle: str) -> int:
    return text.index(needle)


def assert_well_formed(found: list[Suggestion], limit: int = 5) -> None:
    assert len(found) <= limit
    assert len({s.query for s in found}) == len(found)
    for s in found:
        assert s.source in ("definition", "imports", "identifiers", "recent")
        assert s.query == s.query.lower().strip()
        if s.source != "recent":
            assert 2 <= len(s.query.split()) <= 6


# --- per language -------------------------------------------------------------------------


def test_python_function_with_yaml() -> None:
    found = suggest(PY_CONFIG, at(PY_CONFIG, "safe_load"), "python")
    assert_well_formed(found)
    assert 3 <= len(found) <= 5
    assert found[0] == Suggestion("load config", "definition")
    assert any("yaml" in q.split() for q in queries(found))
    imports = [s for s in found if s.source == "imports"]
    assert imports and imports[0].query.startswith("yaml ")


def test_python_one_word_method_is_qualified_by_its_class() -> None:
    found = suggest(PY_METHOD, at(PY_METHOD, "candidate.read_text"), "python")
    definition = [s.query for s in found if s.source == "definition"]
    assert definition and definition[0] == "load config loader"


def test_javascript_axios_and_function_name() -> None:
    found = suggest(JS_PROFILE, at(JS_PROFILE, "const profile"), "javascript")
    assert_well_formed(found)
    assert len(found) >= 3
    assert found[0] == Suggestion("fetch user profile", "definition")
    assert any(s.source == "imports" and s.query.startswith("axios") for s in found)
    # The URL in the template string is a literal: its words are not offered.
    assert not any("api" in q.split() for q in queries(found))


def test_typescript_definition() -> None:
    found = suggest(TS_RETRY, at(TS_RETRY, "delay *= 2"), "typescript")
    assert_well_formed(found)
    assert found[0] == Suggestion("retry backoff", "definition")
    assert not any("exhausted" in q for q in queries(found))


def test_go_method_handler() -> None:
    found = suggest(GO_HANDLER, at(GO_HANDLER, "s.store.SaveOrder"), "go")
    assert_well_formed(found)
    assert len(found) >= 3
    assert found[0] == Suggestion("handle create order", "definition")
    assert "store save order" in queries(found)
    assert any(s.source == "imports" for s in found)


def test_java_prefers_the_third_party_library() -> None:
    found = suggest(JAVA_SERVICE, at(JAVA_SERVICE, "mapper.readValue"), "java")
    assert_well_formed(found)
    assert found[0] == Suggestion("parse orders", "definition")
    imports = [s.query for s in found if s.source == "imports"]
    assert imports and "mapper" in imports[0] and "util" not in imports[0]
    assert "mapper read value" in queries(found)


def test_rust_function() -> None:
    found = suggest(RUST_SETTINGS, at(RUST_SETTINGS, "let raw"), "rust")
    assert_well_formed(found)
    assert len(found) >= 3
    assert found[0] == Suggestion("read settings", "definition")
    imports = [s.query.split()[0] for s in found if s.source == "imports"]
    assert imports and imports[0] in ("serde", "fs")


def test_plain_text_uses_identifiers_only() -> None:
    for language in (None, "plaintext", "no-such-language"):
        found = suggest(NOTES, at(NOTES, "chunks"), language)
        assert_well_formed(found)
        assert found
        assert {s.source for s in found} == {"identifiers"}
        assert any("upload" in q.split() for q in queries(found))


def test_python_without_grammar_falls_back_to_lines() -> None:
    """An unknown language id on Python code still finds the enclosing `def` by indentation."""
    found = suggest(PY_CONFIG, at(PY_CONFIG, "safe_load"), "mystery")
    assert found[0] == Suggestion("load config", "definition")
    c_like = "static int parse_header(const char *buf, size_t len)\n{\n    return scan(buf);\n}\n"
    java_like = "class Cart {\n  public long totalPrice(Item[] items) {\n    sum(items);\n  }\n}\n"
    assert suggest(c_like, c_like.index("scan"), None)[0].query == "parse header"
    assert suggest(java_like, java_like.index("sum"), "mystery")[0].query == "total price"


# --- recent searches ----------------------------------------------------------------------


def test_recent_sharing_a_word_with_the_context_come_first() -> None:
    recent = ["sort list by key", "dump yaml to file", "http client retry"]
    found = suggest(PY_CONFIG, at(PY_CONFIG, "safe_load"), "python", recent=recent)
    recents = [s.query for s in found if s.source == "recent"]
    assert recents == ["dump yaml to file", "sort list by key"]
    assert found[-2:] == [Suggestion(q, "recent") for q in recents]


def test_recent_without_context_match_are_the_latest_two() -> None:
    recent = ["  Parse CSV Rows ", "merge dicts", "parse csv rows", "zip files"]
    found = suggest("", 0, "python", recent=recent)
    assert found == [Suggestion("parse csv rows", "recent"), Suggestion("merge dicts", "recent")]


def test_recent_searches_with_secrets_are_dropped() -> None:
    found = suggest("", 0, None, recent=[f"token {GITHUB_TOKEN}", "list buckets"])
    assert queries(found) == ["list buckets"]


def test_limit_is_respected_and_context_keeps_three_slots() -> None:
    recent = ["yaml dump", "merge dicts"]
    offset = at(PY_CONFIG, "safe_load")
    assert suggest(PY_CONFIG, offset, "python", recent=recent, limit=0) == []
    three = suggest(PY_CONFIG, offset, "python", recent=recent, limit=3)
    assert len(three) == 3
    assert all(s.source != "recent" for s in three)
    assert len(suggest(PY_CONFIG, offset, "python", recent=recent, limit=5)) == 5


# --- safety -------------------------------------------------------------------------------


def test_secrets_and_string_contents_never_leak() -> None:
    code = f'''\
import requests

GITHUB_TOKEN = "{GITHUB_TOKEN}"


def fetch_repos(session):
    headers = {{"Authorization": "token " + GITHUB_TOKEN, "X-Flavor": "marmalade"}}
    return session.get("https://api.github.com/user/repos", headers=headers)
'''
    plain = f"deploy the service\ntoken = {GITHUB_TOKEN}\nrotate keys weekly\n"
    found = suggest(code, at(code, "return session"), "python")
    found += suggest(plain, at(plain, "rotate"), None)
    found += suggest(plain, len(plain), "python")
    body = GITHUB_TOKEN[4:].lower()
    for q in queries(found):
        assert "ghp" not in q
        assert "marmalade" not in q and "hunter" not in q
        assert all(word not in body for word in q.split() if len(word) >= 4)
    assert "fetch repos" in queries(found)


def test_string_literals_in_python_are_not_words() -> None:
    found = suggest(PY_CONFIG, at(PY_CONFIG, "return settings"), "python")
    for q in queries(found):
        assert "hunter" not in q and "password" not in q and "etc" not in q.split()


# --- edges --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["python", "javascript", "go", None])
def test_empty_document(language: str | None) -> None:
    assert suggest("", 0, language) == []
    assert suggest("   \n\n", 2, language) == []
    assert queries(suggest("", 5, language, recent=["read json file"])) == ["read json file"]


@pytest.mark.parametrize(
    ("text", "language"),
    [(PY_CONFIG, "python"), (JS_PROFILE, "javascript"), (GO_HANDLER, "go"), (NOTES, None)],
)
def test_offsets_are_clamped(text: str, language: str | None) -> None:
    assert suggest(text, -10, language) == suggest(text, 0, language)
    assert suggest(text, len(text) + 100, language) == suggest(text, len(text), language)
    for offset in (0, len(text)):
        assert_well_formed(suggest(text, offset, language))


def test_deterministic_and_serialisable() -> None:
    offset = at(GO_HANDLER, "http.Error")
    first = suggest(GO_HANDLER, offset, "go", recent=["go json decode"])
    assert first == suggest(GO_HANDLER, offset, "go", recent=["go json decode"])
    assert first[0].to_dict() == {"query": "handle create order", "source": "definition"}


def test_long_function_header_above_the_window_is_found() -> None:
    """In a long file the parse is windowed; the enclosing definition's header can lie far
    above the cursor and must still be seen."""
    body = "".join(f"    total_{i} = compute_checksum(chunk_{i})\n" for i in range(120))
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(200))
    text = f"import zlib\n\n{filler}def verify_archive(archive):\n{body}    return total_0\n"
    found = suggest(text, at(text, "total_100 ="), "python")
    assert found[0] == Suggestion("verify archive", "definition")


def test_five_thousand_lines_is_fast() -> None:
    unit = (
        "\n\ndef handle_order_{i}(request, session):\n"
        "    payload = request.json()\n"
        "    for item in payload['items']:\n"
        "        session.add(OrderItem(name=item['name'], price=item['price']))\n"
        "    session.commit()\n"
        "    return len(payload['items'])\n"
    )
    text = "import json\nimport sqlalchemy\n" + "".join(unit.format(i=i) for i in range(715))
    assert text.count("\n") >= 5000
    suggest(text, 10, "python")  # grammar and query compilation are one-time costs
    best = float("inf")
    for offset in (len(text) // 2, len(text) - 40, len(text) // 3):
        start = time.perf_counter()
        found = suggest(text, offset, "python", recent=["orm bulk insert"])
        best = min(best, time.perf_counter() - start)
        assert found
    # The budget is 20 ms; the bound leaves room for a busy shared machine.
    assert best < 0.05
