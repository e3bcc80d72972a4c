"""The cassette replay server: a request matches a recorded interaction whatever the order of its
query parameters and the host; the recorded status, body and Content-Type come back; an
unrecorded request is a 404 naming it."""

import requests

from sources.cassette_server import load_cassette, serve_cassettes

CASSETTE = """---
version: 1
interactions:
- request:
    url: https://api.example.org/v2/country?per_page=400&format=json
    method: GET
  response:
    body: '[{"page":1},[]]'
    headers:
      Content-Type:
      - application/json;charset=utf-8
    code: 200
- request:
    url: https://api.example.org/v2/bad?x=1
    method: GET
  response:
    body: <html><title>Bad Request</title></html>
    headers:
      Content-Type:
      - text/html
    code: 400
"""


def test_replays_by_path_and_query_set(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(CASSETTE, encoding="utf-8")
    assert [i.status for i in load_cassette(path)] == [200, 400]
    with serve_cassettes([path]) as base:
        ok = requests.get(f"{base}/v2/country?format=json&per_page=400", timeout=5)
        assert ok.status_code == 200 and ok.text == '[{"page":1},[]]'
        assert ok.headers["Content-Type"] == "application/json;charset=utf-8"
        bad = requests.get(f"{base}/v2/bad?x=1", timeout=5)
        assert bad.status_code == 400 and bad.headers["Content-Type"] == "text/html"
        missing = requests.get(f"{base}/v2/country?format=json", timeout=5)
        assert missing.status_code == 404 and "/v2/country?format=json" in missing.text
