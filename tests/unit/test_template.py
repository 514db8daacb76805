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


# Languages whose identifiers are not `identifier` leaves, or whose definitions the templates
# find through their own definitions.scm: language -> (snippet, names that must be tab stops).
MORE_EXAMPLES: dict[str, tuple[str, set[str]]] = {
    "dart": (
        """\
Future<String> download(String path, {int timeout = 30}) async {
  final uri = Uri.parse('https://files.example.com/$path');
  final body = await fetch(uri, timeout);
  return body.trim(); // costs $1 {maybe}
}
""",
        {"path", "timeout", "uri", "body"},
    ),
    "elixir": (
        """\
def notify(user, message) do
  payload = %{to: user.email, text: message}
  HTTPoison.post("https://hooks.example.com/notify", Jason.encode!(payload))
end
""",
        {"user", "message", "https://hooks.example.com/notify"},
    ),
    "haskell": (
        """\
scaleAll :: Double -> [Double] -> [Double]
scaleAll factor values = map (* factor) values
""",
        {"factor", "values"},
    ),
    "julia": (
        """\
function load_table(path, delim=',')
    rows = readlines(path)
    return [split(r, delim) for r in rows]
end
""",
        {"path", "delim", "rows"},
    ),
    "zig": (
        """\
const std = @import("std");
pub fn greet(writer: anytype, name: []const u8) !void {
    try writer.print("hello {s}\\n", .{name});
}
""",
        {"writer", "name"},
    ),
    "objective-c": (
        """\
- (void)saveNote:(NSString *)text toFile:(NSString *)fileName {
    NSString *path = [@"/tmp/notes/" stringByAppendingString:fileName];
    [text writeToFile:path atomically:YES];
}
""",
        {"text", "fileName", "path"},
    ),
    "perl": (
        """\
sub fetch_json {
    my ($url, $timeout) = @_;
    my $ua = LWP::UserAgent->new(timeout => $timeout);
    my $resp = $ua->get($url);
    return decode_json($resp->content);
}
""",
        {"url", "timeout", "ua", "resp"},
    ),
    "groovy": (
        """\
def backup(String source, int keepDays) {
    def target = "/var/backups/app"
    copyFiles(source, target)
    prune(target, keepDays)
}
""",
        {"source", "keepDays", "target", "/var/backups/app"},
    ),
    "ocaml": (
        """\
let rec take count items =
  match items with
  | [] -> []
  | x :: rest -> if count <= 0 then [] else x :: take (count - 1) rest
""",
        {"count", "items"},
    ),
    "fsharp": (
        """\
let retry attempts (action: unit -> bool) =
    let mutable left = attempts
    while left > 0 && not (action ()) do
        left <- left - 1
""",
        {"attempts", "action"},
    ),
}


@pytest.mark.parametrize("language", sorted(MORE_EXAMPLES))
def test_more_languages_round_trip_and_stops(language: str) -> None:
    src, expected = MORE_EXAMPLES[language]
    result = template(src, language, parse(src, language))
    assert result is not None
    assert expand(result) == src
    names = {v for _n, v in re.findall(r"\$\{(\d+):((?:[^}\\]|\\.)*)\}", result)}
    assert expected <= {expand(n) for n in names}


def test_perl_sigils_stay_outside_tab_stops() -> None:
    src, _names = MORE_EXAMPLES["perl"]
    result = template(src, "perl", parse(src, "perl"))
    assert result is not None
    assert "\\$${" in result  # `$url` becomes an escaped `$` then the name's tab stop
    changed = expand(result, {1: "endpoint"})
    assert "my ($endpoint, $timeout) = @_;" in changed and "$ua->get($endpoint)" in changed


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
