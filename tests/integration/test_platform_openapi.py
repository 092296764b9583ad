#!/usr/bin/env python3
"""The OpenAPI document: services/gateway/openapi.json is a well-formed
OpenAPI 3.0 document (structure, operations with responses, every $ref
resolves, path parameters declared, security schemes known), it describes
exactly the routes the gateway serves (`carelink-gateway --routes`, with
:name written {name}), and GET /api/v1/openapi.json serves it to anyone."""

import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATION_KEYS = {"tags", "summary", "description", "externalDocs", "operationId", "parameters",
                  "requestBody", "responses", "callbacks", "deprecated", "security", "servers"}
PATH_ITEM_KEYS = set(METHODS) | {"$ref", "summary", "description", "servers", "parameters"}
SCHEME_TYPES = {"apiKey", "http", "oauth2", "openIdConnect"}


def document_path():
    return os.path.join(ct.home_dir(), "services", "gateway", "openapi.json")


def load_document():
    with open(document_path(), encoding="utf-8") as f:
        try:
            return json.load(f)
        except ValueError as e:
            ct.fail("services/gateway/openapi.json is not JSON: %s" % e)


def resolve(doc, ref, where, problems):
    """The object a local $ref ("#/a/b") points at, or None (noted)."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        problems.append("%s: $ref %r is not a local reference" % (where, ref))
        return None
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            problems.append("%s: $ref %s does not resolve" % (where, ref))
            return None
    return node


def walk_refs(doc, node, where, problems):
    """Every $ref anywhere in the document must resolve."""
    if isinstance(node, dict):
        if "$ref" in node:
            resolve(doc, node["$ref"], where, problems)
        for k, v in node.items():
            walk_refs(doc, v, "%s/%s" % (where, k), problems)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(doc, v, "%s/%d" % (where, i), problems)


def deref(doc, node, where, problems):
    if isinstance(node, dict) and "$ref" in node:
        return resolve(doc, node["$ref"], where, problems)
    return node


def check_schema_obj(doc, schema, where, problems):
    if not isinstance(schema, dict):
        problems.append("%s: schema is not an object" % where)


def check_parameters(doc, params, where, problems):
    names = []
    if not isinstance(params, list):
        problems.append("%s: parameters is not a list" % where)
        return names
    for i, p in enumerate(params):
        w = "%s/parameters/%d" % (where, i)
        p = deref(doc, p, w, problems)
        if not isinstance(p, dict):
            continue
        if not isinstance(p.get("name"), str) or p.get("in") not in ("query", "header", "path",
                                                                       "cookie"):
            problems.append("%s: a parameter needs a name and in (query/header/path/cookie)" % w)
            continue
        if p["in"] == "path" and p.get("required") is not True:
            problems.append("%s: path parameter %s must be required" % (w, p["name"]))
        if ("schema" in p) == ("content" in p):
            problems.append("%s: parameter %s needs exactly one of schema and content"
                            % (w, p["name"]))
        names.append((p["in"], p["name"]))
    if len(set(names)) != len(names):
        problems.append("%s: a parameter is declared twice" % where)
    return names


def check_media(doc, content, where, problems):
    if not isinstance(content, dict) or not content:
        problems.append("%s: content must name at least one media type" % where)
        return
    for mt, media in content.items():
        if not re.match(r"^[a-z]+/[a-z0-9.+*-]+$", mt):
            problems.append("%s: %r is not a media type" % (where, mt))
        if not isinstance(media, dict) or "schema" not in media:
            problems.append("%s/%s: no schema" % (where, mt))
        else:
            check_schema_obj(doc, media["schema"], "%s/%s" % (where, mt), problems)


def check_structure(doc):
    """A structural check of an OpenAPI 3.0 document; returns the problems."""
    problems = []
    if not isinstance(doc, dict):
        return ["the document is not a JSON object"]
    if not re.match(r"^3\.0\.\d+$", str(doc.get("openapi", ""))):
        problems.append("openapi is %r, not 3.0.x" % doc.get("openapi"))
    info = doc.get("info")
    if not isinstance(info, dict) or not isinstance(info.get("title"), str) or \
            not isinstance(info.get("version"), str):
        problems.append("info needs a title and a version")
    paths = doc.get("paths")
    if not isinstance(paths, dict) or not paths:
        return problems + ["paths is missing or empty"]
    comps = doc.get("components", {})
    schemes = comps.get("securitySchemes", {}) if isinstance(comps, dict) else {}
    for name, s in schemes.items():
        if not isinstance(s, dict) or s.get("type") not in SCHEME_TYPES:
            problems.append("securitySchemes/%s: unknown type" % name)
        elif s["type"] == "apiKey" and (s.get("in") not in ("query", "header", "cookie")
                                        or not s.get("name")):
            problems.append("securitySchemes/%s: an apiKey needs in and name" % name)
        elif s["type"] == "http" and not s.get("scheme"):
            problems.append("securitySchemes/%s: http needs a scheme" % name)

    def check_security(sec, where):
        if not isinstance(sec, list):
            problems.append("%s: security is not a list" % where)
            return
        for req in sec:
            if not isinstance(req, dict):
                problems.append("%s: a security requirement is not an object" % where)
                continue
            for name, scopes in req.items():
                if name not in schemes:
                    problems.append("%s: security scheme %s is not defined" % (where, name))
                elif schemes[name].get("type") not in ("oauth2", "openIdConnect") and scopes:
                    problems.append("%s: %s is not oauth2: its scope list must be empty"
                                    % (where, name))

    if "security" in doc:
        check_security(doc["security"], "security")
    op_ids = []
    for path, item in paths.items():
        w = "paths/%s" % path
        if not path.startswith("/"):
            problems.append("%s: a path must start with /" % w)
        if not isinstance(item, dict):
            problems.append("%s: not an object" % w)
            continue
        for k in item:
            if k not in PATH_ITEM_KEYS and not k.startswith("x-"):
                problems.append("%s: unknown key %s" % (w, k))
        templated = re.findall(r"\{([^}/]+)\}", path)
        if re.search(r"[{}]", re.sub(r"\{[^}/]+\}", "", path)):
            problems.append("%s: unbalanced braces" % w)
        shared = check_parameters(doc, item.get("parameters", []), w, problems)
        ops = [m for m in METHODS if m in item]
        if not ops:
            problems.append("%s: no operations" % w)
        for m in ops:
            o = item[m]
            ow = "%s/%s" % (w, m)
            if not isinstance(o, dict):
                problems.append("%s: not an object" % ow)
                continue
            for k in o:
                if k not in OPERATION_KEYS and not k.startswith("x-"):
                    problems.append("%s: unknown key %s" % (ow, k))
            if "operationId" in o:
                op_ids.append(o["operationId"])
            names = shared + check_parameters(doc, o.get("parameters", []), ow, problems)
            declared = {n for (where_in, n) in names if where_in == "path"}
            if declared != set(templated):
                problems.append("%s: path parameters declared %s, in the path %s"
                                % (ow, sorted(declared), sorted(templated)))
            if "requestBody" in o:
                rb = deref(doc, o["requestBody"], ow + "/requestBody", problems)
                if isinstance(rb, dict):
                    check_media(doc, rb.get("content"), ow + "/requestBody/content", problems)
                if m in ("get", "delete", "head"):
                    problems.append("%s: a %s with a request body" % (ow, m.upper()))
            responses = o.get("responses")
            if not isinstance(responses, dict) or not responses:
                problems.append("%s: no responses" % ow)
                continue
            if not any(str(c).startswith("2") or str(c) == "304" for c in responses):
                problems.append("%s: no success response" % ow)
            for code, r in responses.items():
                rw = "%s/responses/%s" % (ow, code)
                if not re.match(r"^([1-5]\d\d|[1-5]XX|default)$", str(code)):
                    problems.append("%s: %r is not a status code" % (rw, code))
                r = deref(doc, r, rw, problems)
                if not isinstance(r, dict):
                    continue
                if not isinstance(r.get("description"), str):
                    problems.append("%s: a response needs a description" % rw)
                if "content" in r:
                    check_media(doc, r["content"], rw + "/content", problems)
            if "security" in o:
                check_security(o["security"], ow + "/security")
    dup = {i for i in op_ids if op_ids.count(i) > 1}
    if dup:
        problems.append("operationIds used twice: %s" % sorted(dup))
    walk_refs(doc, doc, "#", problems)
    return problems


TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "integer": int, "number": (int, float)}


def conforms(doc, schema, value, where, problems):
    """value against an OpenAPI 3.0 schema (type, nullable, enum, properties,
    required, additionalProperties, items, $ref): the subset the document uses."""
    if "$ref" in schema:
        schema = resolve(doc, schema["$ref"], where, problems) or {}
    if value is None:
        if not schema.get("nullable") and "type" in schema:
            problems.append("%s: null where %s is expected" % (where, schema["type"]))
        return
    t = schema.get("type")
    if t:
        ok = isinstance(value, TYPES[t]) and not (t in ("integer", "number")
                                                  and isinstance(value, bool))
        if not ok:
            problems.append("%s: %r is not %s" % (where, value, t))
            return
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if t == "object":
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                problems.append("%s: %s is missing" % (where, k))
        for k, v in value.items():
            if k in props:
                conforms(doc, props[k], v, "%s.%s" % (where, k), problems)
            elif schema.get("additionalProperties") is False:
                problems.append("%s: %s is not in the document" % (where, k))
    if t == "array" and "items" in schema:
        for i, v in enumerate(value):
            conforms(doc, schema["items"], v, "%s[%d]" % (where, i), problems)


def response_schema(doc, method, path, status):
    op = doc["paths"][path][method]
    problems = []
    r = deref(doc, op["responses"].get(str(status)), path, problems)
    ct.check(r is not None and not problems,
             "%s %s: no %d response in the document" % (method.upper(), path, status))
    return r["content"]["application/json"]["schema"]


def check_answers(doc):
    """Real answers of the gateway have the shapes the document gives them."""
    import admin_helpers as ah
    member = ct.login("tanaka")
    space = ct.demo_space()["id"]
    tid = ct.thread_id(member, "雑談・その他")
    other = ct.seed_user("sato")["id"]
    t = ah.Tenant("platform-openapi")
    cases = [
        (member, "get", "/api/v1/me", "/api/v1/me", 200),
        (member, "get", "/api/v1/spaces", "/api/v1/spaces", 200),
        (member, "get", "/api/v1/spaces/{id}", "/api/v1/spaces/" + space, 200),
        (member, "get", "/api/v1/threads/{id}/posts", "/api/v1/threads/%s/posts?limit=5" % tid, 200),
        (member, "get", "/api/v1/feed", "/api/v1/feed?limit=5", 200),
        (member, "get", "/api/v1/organisations", "/api/v1/organisations?limit=3", 200),
        (member, "get", "/api/v1/people", "/api/v1/people?limit=3", 200),
        (member, "get", "/api/v1/people/{id}", "/api/v1/people/" + other, 200),
        (member, "get", "/api/v1/audit", "/api/v1/audit", 403),
        (ct.Session(), "get", "/api/v1/me", "/api/v1/me", 401),
        (t.admin, "get", "/api/v1/audit", "/api/v1/audit?limit=5", 200),
        (t.admin, "get", "/api/v1/invitations", "/api/v1/invitations?limit=5", 200),
        (t.admin, "get", "/api/v1/tokens", "/api/v1/tokens?limit=5", 200),
        (t.admin, "get", "/api/v1/audit", "/api/v1/audit?limit=0", 400),
    ]
    problems = []
    for session, method, path, url, status in cases:
        r = session.request(method.upper(), url)
        if r.status != status:
            ct.fail("%s %s: expected %d, got %s" % (method.upper(), url, status, r.describe()))
        conforms(doc, response_schema(doc, method, path, status), r.json(),
                 "%s %s %d" % (method.upper(), path, status), problems)
    if problems:
        ct.fail("answers that do not match the document:\n  " + "\n  ".join(problems))
    ct.log("%d real answers match their schemas in the document" % len(cases))


def document_routes(doc):
    return {(m.upper(), p) for p, item in doc["paths"].items() for m in METHODS if m in item}


def served_routes():
    build = os.environ.get("CARELINK_BUILD") or ct.fail("CARELINK_BUILD is not set")
    exe = os.path.join(build, "services", "gateway", "carelink-gateway")
    try:
        out = subprocess.run([exe, "--routes"], check=True, capture_output=True, timeout=30,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}).stdout
    except (OSError, subprocess.SubprocessError) as e:
        ct.fail("%s --routes: %s" % (exe, e))
    routes = set()
    for line in out.decode("utf-8").splitlines():
        if not line.strip():
            continue
        method, _, pattern = line.strip().partition(" ")
        ct.check(method and pattern.startswith("/"), "odd line from --routes: %r" % line)
        routes.add((method, re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", pattern)))
    ct.check(len(routes) >= 5, "--routes printed only %d routes" % len(routes))
    return routes


def check_self_test():
    """The structural check finds what it is meant to find."""
    doc = load_document()
    broken = json.loads(json.dumps(doc))
    first = next(iter(broken["paths"].values()))
    op = first[next(m for m in METHODS if m in first)]
    op["responses"] = {}
    op.setdefault("parameters", []).append({"$ref": "#/components/parameters/nowhere"})
    broken["openapi"] = "2.0"
    problems = check_structure(broken)
    text = "\n".join(problems)
    for want in ("no responses", "does not resolve", "not 3.0.x"):
        ct.check(want in text, "the structural check missed %r in a broken copy: %s" % (want, text))


def main():
    doc = load_document()
    problems = check_structure(doc)
    if problems:
        ct.fail("services/gateway/openapi.json is not a well-formed OpenAPI 3.0 document:\n  "
                + "\n  ".join(problems))
    ct.log("structure: %d paths, %d operations, every $ref resolves"
           % (len(doc["paths"]), len(document_routes(doc))))
    check_self_test()

    # anyone may read it, and it is the checked-in document
    r = ct.http_request(ct.base_url(), "GET", "/api/v1/openapi.json")
    ct.check(r.status == 200, "GET /api/v1/openapi.json: expected 200, got %s" % r.describe())
    ct.check(r.headers.get("Content-Type", "").startswith("application/json"),
             "GET /api/v1/openapi.json: Content-Type %r" % r.headers.get("Content-Type"))
    served = r.json()
    if served != doc:
        differ = sorted(p for p in set(served.get("paths", {})) | set(doc["paths"])
                        if served.get("paths", {}).get(p) != doc["paths"].get(p))
        ct.fail("the served document is not the checked-in one (the gateway reads it once at "
                "start); paths that differ: %s" % (differ or "none, elsewhere"))
    ct.log("served at /api/v1/openapi.json without a session")
    check_answers(doc)

    documented, served = document_routes(doc), served_routes()
    missing = sorted(served - documented)
    extra = sorted(documented - served)
    if missing or extra:
        ct.fail("the OpenAPI document and the served routes differ:\n"
                "  served but not documented: %s\n  documented but not served: %s"
                % (["%s %s" % r for r in missing] or "none",
                   ["%s %s" % r for r in extra] or "none"))
    ct.log("the document lists exactly the %d served routes" % len(served))


if __name__ == "__main__":
    ct.run(main, budget_s=60)
