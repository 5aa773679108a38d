"""docs/openapi.json as a contract: every reply the API tests receive is
checked against the operation that answered it.

- The path and method must name an operation of the document; a path the
  document does not know may only answer 404, a method it does not list
  for a known path only 405, both as problem+json.
- The status must be listed under the operation's responses. `default`
  stands only for what any request can meet before or beside its handler:
  413 and 431 from the HTTP layer, 5xx from a failing database.
- The reply's media type must be one the response lists, and a JSON body
  must validate against its schema (JSON Schema 2020-12, as OpenAPI 3.1).
  A response without content must have an empty body.

Objects are validated closed: a schema with `properties` and no
`additionalProperties` accepts no other member, so a field the server
sends and the document does not name fails the test. The document itself
stays open for clients (adding a member is not a breaking change).

See docs/internals/api-contract.md for how to add an operation.
"""
import json
import os
import re
from urllib.parse import urlparse

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC_PATH = os.path.join(ROOT, "docs", "openapi.json")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
DEFAULT_STATUSES = {413, 431} | set(range(500, 600))


def _closed(node):
    """A copy of node where every object schema with properties is closed."""
    if isinstance(node, list):
        return [_closed(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _closed(v) for k, v in node.items()}
    t = out.get("type")
    is_object = t == "object" or (isinstance(t, list) and "object" in t)
    if is_object and isinstance(out.get("properties"), dict) and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _is_json(media_type):
    return media_type == "application/json" or media_type.endswith("+json")


class ContractError(AssertionError):
    pass


class Contract:
    def __init__(self, path=DOC_PATH):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        # Only the schemas are closed; the rest of the document is read as is.
        self.schemas = _closed(self.doc)
        self.resolver = jsonschema.RefResolver.from_schema(self.schemas)
        self.routes = []
        for template in self.doc["paths"]:
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            literal = len(re.sub(r"\{[^}]+\}", "", template))
            self.routes.append((re.compile(rx), literal, template))

    def template(self, path):
        """The document's path template for a concrete path, the most literal one."""
        found = [(lit, t) for rx, lit, t in self.routes if rx.match(path)]
        return max(found)[1] if found else None

    def _validate(self, instance, schema, where):
        # The schema is validated from the closed copy so $refs land there too.
        validator = jsonschema.Draft202012Validator(
            schema, resolver=self.resolver, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            lines = []
            for e in errors[:5]:
                at = "".join("[%r]" % p if isinstance(p, int) else ".%s" % p for p in e.absolute_path)
                lines.append("  body%s: %s" % (at, e.message[:300]))
            raise ContractError("%s: the reply does not match docs/openapi.json\n%s\n  reply: %s"
                                % (where, "\n".join(lines), json.dumps(instance)[:1500]))

    def _problem(self, status, media_type, body, where):
        if media_type != "application/problem+json":
            raise ContractError("%s: %d answered %s, not application/problem+json"
                                % (where, status, media_type or "no content type"))
        self._validate(json.loads(body), {"$ref": "#/components/schemas/Problem"}, where)

    def check(self, method, url, status, content_type, body):
        """Raises ContractError when the reply breaks the document."""
        path = urlparse(url).path
        if not (path.startswith("/api/") or path in ("/healthz", "/metrics")):
            return  # the UI's pages and files are not part of the API
        method = method.lower()
        media_type = (content_type or "").split(";")[0].strip().lower()
        template = self.template(path)
        where = "%s %s" % (method.upper(), path)
        if template is None:
            if status != 404:
                raise ContractError("%s: answered %d, but docs/openapi.json has no such path"
                                    % (where, status))
            return self._problem(status, media_type, body, where)
        item = self.doc["paths"][template]
        op = item.get(method) or (item.get("get") if method == "head" else None)
        if op is None:
            if status != 405:
                raise ContractError("%s: answered %d, but docs/openapi.json has no %s for %s"
                                    % (where, status, method.upper(), template))
            return self._problem(status, media_type, body, where)
        where = "%s (%s %s)" % (op.get("operationId", "?"), method.upper(), path)
        responses = op.get("responses", {})
        key = str(status)
        if key not in responses:
            if "default" in responses and status in DEFAULT_STATUSES:
                key = "default"
            else:
                raise ContractError("%s: answered %d, which docs/openapi.json does not list for "
                                    "%s %s (it lists %s)"
                                    % (where, status, method.upper(), template,
                                       ", ".join(sorted(responses))))
        resp = self._resolve(responses[key])
        content = resp.get("content")
        if not content:
            if body and method != "head":
                raise ContractError("%s: %d has no content in docs/openapi.json, but the reply "
                                    "has a body: %r" % (where, status, body[:200]))
            return None
        if media_type not in content:
            raise ContractError("%s: %d answered %s; docs/openapi.json lists %s"
                                % (where, status, media_type or "no content type",
                                   ", ".join(content)))
        if method == "head" or not _is_json(media_type):
            return None
        try:
            instance = json.loads(body)
        except ValueError as e:
            raise ContractError("%s: the %s body is not JSON: %s" % (where, media_type, e))
        pointer = self._pointer(responses[key], method, template, key, media_type)
        self._validate(instance, {"$ref": pointer}, where)
        return None

    def _resolve(self, node):
        while "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def _pointer(self, response, method, template, key, media_type):
        """A JSON pointer to the response's schema, inside the closed copy."""
        def esc(s):
            return s.replace("~", "~0").replace("/", "~1")
        if "$ref" in response:
            base = response["$ref"]
            while "$ref" in self._at(base):
                base = self._at(base)["$ref"]
        else:
            base = "#/paths/%s/%s/responses/%s" % (esc(template), method, key)
        return "%s/content/%s/schema" % (base, esc(media_type))

    def _at(self, pointer):
        node = self.schemas
        for part in pointer.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


_contract = None


def contract():
    global _contract
    if _contract is None:
        _contract = Contract()
    return _contract


def install(session_class):
    """Wraps session_class.request so every reply is checked (once per class)."""
    if getattr(session_class, "_contract_checked", False):
        return
    original = session_class.request

    def request(self, method, url, *args, **kwargs):
        r = original(self, method, url, *args, **kwargs)
        contract().check(method, r.url or url, r.status_code, r.headers.get("Content-Type"),
                         r.content)
        return r

    session_class.request = request
    session_class._contract_checked = True
