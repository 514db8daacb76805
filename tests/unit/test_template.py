"""Templates: local names and environment literals become mirrored tab stops; round trip."""

from __future__ import annotations

import re

import pytest

from pieces_lsp.analysis.parsing import parse
from pieces_lsp.analysis.template import MAX_TAB_STOPS, escape, expand, template

EXAMPLES = {
    "python": """\
import requests

BASE = "https://api.example.com/v2"


def fetch_orders(session, customer_id, page_size=50):
    url = f"{BASE}/customers/{customer_id}/orders"
    resp = session.get(url, params={"size": page_size})
    resp.raise_for_status()
    return resp.json()  # costs $0.01 per {call} \\o/
""",
    "javascript": """\
const express = require("express");
const app = express();
const port = 8080;
app.get("/health", (req, res) => res.send({ ok: true, port }));
app.listen(port, () => console.log(`up on ${port}`));
""",
    "go": """\
package main

func connect(host string, retries int) error {
	addr := host + ":5432"
	for i := 0; i < retries; i++ {
		if err := dial(addr); err == nil {
			return nil
		}
	}
	return dial(addr)
}
""",
    "java": """\
public class Loader {
    public String load(String fileName, int limit) {
        String path = "/etc/app/" + fileName;
        String text = read(path, limit);
        return text.substring(0, limit);
    }
}
""",
}


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_round_trip_with_defaults(language: str) -> None:
    src = EXAMPLES[language]
    result = template(src, language, parse(src, language))
    assert result is not None
    assert expand(result) == src
    numbers = {int(n) for n in re.findall(r"\$\{(\d+):", result)}
    assert numbers == set(range(1, len(numbers) + 1))
    assert len(numbers) <= MAX_TAB_STOPS


def test_parameters_and_locals_are_mirrored() -> None:
    src = EXAMPLES["python"]
    result = template(src, "python", parse(src, "python"))
    assert result is not None
    stops = dict(re.findall(r"\$\{(\d+):([^}]*)\}", result))
    names = set(stops.values())
    assert {"session", "customer_id", "page_size", "resp"} <= names
    assert "https://api.example.com/v2" in names
    resp_number = next(n for n, v in stops.items() if v == "resp")
    assert result.count("${" + resp_number + ":resp}") == 3  # every use shares the tab stop
    # Not templated: imports, attributes after a dot, keyword keys, the function's own name.
    assert "requests" not in names and "get" not in names and "fetch_orders" not in names
    assert "raise_for_status" not in names
    # Text outside placeholders is escaped.
    assert "\\$0.01" in result and "{call\\}" in result


def test_changed_values_are_applied_everywhere() -> None:
    src = EXAMPLES["go"]
    result = template(src, "go", parse(src, "go"))
    assert result is not None
    stops = dict((v, int(n)) for n, v in re.findall(r"\$\{(\d+):([^}]*)\}", result))
    out = expand(result, {stops["retries"]: "attempts"})
    assert "attempts int" in out and "i < attempts" in out and "retries" not in out


def test_port_literal_and_shorthand_keys() -> None:
    src = EXAMPLES["javascript"]
    result = template(src, "javascript", parse(src, "javascript"))
    assert result is not None
    assert "${" in result and ":8080}" in result
    assert "port" not in {v for _n, v in re.findall(r"\$\{(\d+):([^}]*)\}", result)}


def test_nothing_worth_templating() -> None:
    assert template("print(1)\n", "python", parse("print(1)\n", "python")) is None
    assert template("hello", "plaintext", None) is None


def test_cap_on_tab_stops() -> None:
    params = ", ".join(f"arg_{i}" for i in range(15))
    body = " + ".join(f"arg_{i}" for i in range(15))
    src = f"def add_all({params}):\n    return {body}\n"
    result = template(src, "python", parse(src, "python"))
    assert result is not None
    assert len(set(re.findall(r"\$\{(\d+):", result))) == MAX_TAB_STOPS
    assert expand(result) == src


def test_escape() -> None:
    assert escape("a$b}c\\d") == "a\\$b\\}c\\\\d"
    assert expand(escape("a$b}c\\d{")) == "a$b}c\\d{"
