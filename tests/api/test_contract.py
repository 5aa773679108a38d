"""The contract check itself (tests/api/contract.py): it refuses what the
document does not describe, so the replies the other tests receive are
really held to docs/openapi.json."""
import json

import pytest

from contract import Contract, ContractError

GOAL = {"id": 1, "relationship_id": 2, "statement": "Speak", "measure": "", "why": "",
        "target_date": None, "status": "open", "progress": 0,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "milestones": [], "created_by": 3, "overdue": False}
PROBLEM = {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
           "detail": "statement: is required", "field": "statement"}
URL = "http://127.0.0.1:1/api/v1/relationships/2/goals"


@pytest.fixture(scope="module")
def c():
    return Contract()


def body(obj):
    return json.dumps(obj).encode()


def test_a_documented_reply_passes(c):
    c.check("POST", URL, 201, "application/json", body(GOAL))
    c.check("POST", URL, 422, "application/problem+json", body(PROBLEM))
    # The optional errors array of a problem.
    many = dict(PROBLEM, errors=[{"field": "statement", "message": "is required"},
                                 {"field": "target_date", "message": "is not a date"}])
    c.check("POST", URL, 422, "application/problem+json", body(many))
    c.check("GET", "http://127.0.0.1:1/api/v1/nope", 404, "application/problem+json",
            body(dict(PROBLEM, status=404)))


def test_a_member_the_document_does_not_name_fails(c):
    with pytest.raises(ContractError, match="'secret' was unexpected"):
        c.check("POST", URL, 201, "application/json", body(dict(GOAL, secret=1)))


def test_a_missing_or_mistyped_member_fails(c):
    g = dict(GOAL)
    del g["why"]
    with pytest.raises(ContractError, match="'why' is a required property"):
        c.check("POST", URL, 201, "application/json", body(g))
    with pytest.raises(ContractError, match="is not of type 'integer'"):
        c.check("POST", URL, 201, "application/json", body(dict(GOAL, progress="0")))
    with pytest.raises(ContractError, match="is not one of"):
        c.check("POST", URL, 201, "application/json", body(dict(GOAL, status="closed")))


def test_an_undocumented_status_fails(c):
    # 418 is in no operation; `default` covers only 413, 431 and 5xx.
    with pytest.raises(ContractError, match="answered 418"):
        c.check("POST", URL, 418, "application/problem+json", body(dict(PROBLEM, status=418)))
    c.check("POST", URL, 503, "application/problem+json", body(dict(PROBLEM, status=503)))


def test_an_undocumented_route_or_method_fails(c):
    with pytest.raises(ContractError, match="no such path"):
        c.check("GET", "http://127.0.0.1:1/api/v1/nope", 200, "application/json", b"{}")
    with pytest.raises(ContractError, match="has no DELETE"):
        c.check("DELETE", URL, 204, "application/json", b"")
    c.check("DELETE", URL, 405, "application/problem+json", body(dict(PROBLEM, status=405)))


def test_a_wrong_media_type_or_body_fails(c):
    with pytest.raises(ContractError, match="answered text/html"):
        c.check("POST", URL, 201, "text/html", b"<p>")
    with pytest.raises(ContractError, match="not JSON"):
        c.check("POST", URL, 201, "application/json", b"{")
    with pytest.raises(ContractError, match="has no content"):
        c.check("DELETE", "http://127.0.0.1:1/api/v1/relationships/2/notes/3", 204,
                "application/json", b"{}")


def test_the_most_literal_path_wins(c):
    assert c.template("/api/v1/relationships/2/meetings/3.ics") == \
        "/api/v1/relationships/{rid}/meetings/{mid}.ics"
    assert c.template("/api/v1/relationships/2/meetings/3") == \
        "/api/v1/relationships/{rid}/meetings/{mid}"


def test_every_operation_has_an_id_and_schemas(c):
    ids = []
    for path, item in c.doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            ids.append(op["operationId"])
            for status, resp in op["responses"].items():
                resp = c._resolve(resp)
                if status != "204":
                    assert resp.get("content"), "%s %s %s has no content" % (method, path, status)
                for media, content in resp.get("content", {}).items():
                    assert "schema" in content, "%s %s %s %s" % (method, path, status, media)
    assert len(ids) == len(set(ids)), "operationIds are unique"
