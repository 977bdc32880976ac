"""The OpenAPI document against the live router: every documented operation
answers, its x-roles are what the server enforces (no session -> 401, a role
not listed -> 403 forbidden, a listed role gets through), and every route the
server answers is documented.

Each class gets a fresh server: some calls change data (an officer's claim,
an admin's PATCH, a logout), and nothing here should depend on another class.
"""

import re
import unittest

from helpers import ServerTestCase, error_code, start_server

ROLES = {"operator": "tdv01", "officer": "cbnv01", "supervisor": "giamsat", "admin": "quantri"}
METHODS = ("get", "post", "put", "patch", "delete")
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def operations(doc):
    """[(METHOD, template, operation object)] of the document."""
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                out.append((method.upper(), path, op))
    return out


def short(body):
    """A response body cut down for failure messages."""
    text = repr(body)
    return text if len(text) <= 300 else text[:300] + "..."


def template_matches(template, path):
    t, p = template.strip("/").split("/"), path.strip("/").split("/")
    if len(t) != len(p):
        return False
    return all((a.startswith("{") and a.endswith("}") and b) or a == b for a, b in zip(t, p))


class DocumentedRoutes(ServerTestCase):
    """Fixtures: a real case, a look-up, a user and a category to put in paths."""

    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        status, _, cls.doc = cls.srv.client().get("/api/v1/openapi.json")
        if status != 200 or not isinstance(cls.doc, dict):
            raise AssertionError("GET /api/v1/openapi.json: %s %r" % (status, cls.doc))
        cls.clients = {role: cls.srv.login(login) for role, login in ROLES.items()}
        op = cls.clients["operator"]
        case = op.must_create_case(description="Phiếu cho kiểm thử phân quyền")
        status, _, lookup = op.post("/api/v1/cases/%d/escalate" % case["id"],
                                    {"what": "Tra cứu hồ sơ", "reason": "Kiểm thử"})
        if status != 201:
            raise AssertionError("escalate: %s %s" % (status, lookup))
        status, _, users = cls.clients["admin"].get("/api/v1/users")
        target = next(u for u in users["items"] if u["login"] == "tdv15")
        status, _, article = cls.clients["supervisor"].post(
            "/api/v1/kb/articles", {"title": "Bài kiểm thử phân quyền", "answer": "Nội dung.",
                                    "category": "khac", "status": "published"})
        if status != 201:
            raise AssertionError("create article: %s %s" % (status, article))
        status, _, proposal = op.post("/api/v1/kb/proposals",
                                      {"article_id": article["id"], "note": "Kiểm thử"})
        if status != 201:
            raise AssertionError("propose: %s %s" % (status, proposal))
        cls.ids = {"cases": case["id"], "lookups": lookup["id"], "users": target["id"],
                   "categories": "khac", "articles": article["id"], "proposals": proposal["id"],
                   "agents": "tdv15", "calls": 1}

    def concrete(self, template):
        """The template with real ids substituted."""
        parts = template.split("/")
        out = []
        for i, part in enumerate(parts):
            if part.startswith("{") and part.endswith("}"):
                collection = parts[i - 1]
                self.assertIn(collection, self.ids,
                              "no fixture id for parameter %s of %s: extend the test" % (part, template))
                out.append(str(self.ids[collection]))
            else:
                out.append(part)
        return "/".join(out)

    def call(self, client, method, path):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        return client.request(method, path, body=body)

    def relogin(self, role):
        c = self.srv.login(ROLES[role])
        self.clients[role] = c
        return c


class DocumentShape(DocumentedRoutes):
    def test_document_lists_operations_with_roles(self):
        ops = operations(self.doc)
        self.assertTrue(self.doc.get("openapi", "").startswith("3."), self.doc.get("openapi"))
        self.assertGreaterEqual(len(ops), 25, "the document lists too few operations")
        valid = set(ROLES) | {"public"}
        for method, path, op in ops:
            with self.subTest(op="%s %s" % (method, path)):
                roles = op.get("x-roles")
                self.assertIsInstance(roles, list)
                self.assertTrue(roles)
                self.assertTrue(set(roles) <= valid, roles)
                if "public" in roles:
                    self.assertEqual(roles, ["public"])
        public = {(m, p) for m, p, op in ops if op.get("x-roles") == ["public"]}
        self.assertEqual(public, {("GET", "/healthz"), ("GET", "/api/v1/openapi.json"),
                                  ("POST", "/api/v1/session")},
                         "only health, the document and the login may be public")


class NoSession(DocumentedRoutes):
    def test_every_route_needs_a_session_unless_public(self):
        anon = self.srv.client()
        for method, template, op in operations(self.doc):
            path = self.concrete(template)
            with self.subTest(op="%s %s" % (method, template)):
                status, _, body = self.call(anon, method, path)
                if op["x-roles"] == ["public"]:
                    self.assertNotIn(status, (401, 403, 405), short(body))
                    self.assertNotEqual(error_code(body), "route_not_found")
                    self.assertLess(status, 500, short(body))
                else:
                    self.assertEqual(status, 401, short(body))
                    self.assertEqual(error_code(body), "unauthenticated", short(body))


class RoleMatrix(DocumentedRoutes):
    def check_role(self, role):
        checked = 0
        for method, template, op in operations(self.doc):
            roles = op["x-roles"]
            if roles == ["public"]:
                continue
            path = self.concrete(template)
            client = self.clients[role]
            with self.subTest(role=role, op="%s %s" % (method, template)):
                status, _, body = self.call(client, method, path)
                if role in roles:
                    self.assertNotIn(status, (401, 403, 405), short(body))
                    self.assertFalse(status == 404 and error_code(body) == "route_not_found", short(body))
                    self.assertLess(status, 500, short(body))
                else:
                    self.assertEqual(status, 403, short(body))
                    self.assertEqual(error_code(body), "forbidden", short(body))
                checked += 1
            if method == "DELETE" and template == "/api/v1/session" and role in roles:
                self.relogin(role)  # that call logged us out
        self.assertGreater(checked, 20)
        # Still logged in at the end (nothing above broke the session silently).
        self.assertEqual(self.clients[role].get("/api/v1/session")[0], 200)

    def test_operator(self):
        self.check_role("operator")

    def test_officer(self):
        self.check_role("officer")

    def test_supervisor(self):
        self.check_role("supervisor")

    def test_admin(self):
        self.check_role("admin")

    def test_forbidden_roles_write_nothing(self):
        admin = self.clients["admin"]
        before = admin.audit_total()
        for method, template, op in operations(self.doc):
            if method not in STATE_CHANGING or op["x-roles"] == ["public"]:
                continue
            for role, client in self.clients.items():
                if role in op["x-roles"]:
                    continue
                with self.subTest(role=role, op="%s %s" % (method, template)):
                    status, _, body = client.request(method, self.concrete(template),
                                                     body={"name": "x", "status": "closed"})
                    self.assertEqual(status, 403, short(body))
        self.assertEqual(admin.audit_total(), before)

    def test_valid_csrf_is_not_enough_without_session_and_csrf_is_checked_per_session(self):
        op = self.clients["operator"]
        other = self.srv.login("tdv02")
        # The operator's cookie with another session's CSRF token: refused.
        status, _, body = op.request("POST", "/api/v1/cases", body={},
                                     headers={"X-CSRF-Token": other.csrf_token})
        self.assertEqual((status, error_code(body)), (403, "csrf_failed"), short(body))


class EverythingAnsweredIsDocumented(DocumentedRoutes):
    CANDIDATES = [
        "/healthz", "/api/v1", "/api/v1/", "/api/v2/cases", "/api/healthz", "/api/v1/health",
        "/api/v1/openapi.json", "/api/v1/openapi.yaml", "/api/v1/docs", "/api/v1/events",
        "/api/v1/events/{cases}", "/api/v1/session", "/api/v1/session/password",
        "/api/v1/session/refresh", "/api/v1/sessions", "/api/v1/login", "/api/v1/logout", "/api/v1/me",
        "/api/v1/cases", "/api/v1/cases/{cases}", "/api/v1/cases/export", "/api/v1/cases/search",
        "/api/v1/cases/{cases}/status", "/api/v1/cases/{cases}/messages", "/api/v1/cases/{cases}/history",
        "/api/v1/cases/{cases}/escalate", "/api/v1/cases/{cases}/lookups", "/api/v1/cases/{cases}/assign",
        "/api/v1/cases/{cases}/close", "/api/v1/cases/{cases}/reopen", "/api/v1/cases/{cases}/events",
        "/api/v1/lookups", "/api/v1/lookups/{lookups}", "/api/v1/lookups/{lookups}/claim",
        "/api/v1/lookups/{lookups}/answer", "/api/v1/lookups/{lookups}/release",
        "/api/v1/users", "/api/v1/users/{users}", "/api/v1/users/{users}/password",
        "/api/v1/users/{users}/sessions", "/api/v1/users/me", "/api/v1/categories",
        "/api/v1/categories/{categories}", "/api/v1/settings", "/api/v1/settings/calendar",
        "/api/v1/settings/sla", "/api/v1/settings/holidays", "/api/v1/holidays", "/api/v1/audit",
        "/api/v1/audit/verify", "/api/v1/audit/{cases}", "/api/v1/audit/export", "/api/v1/admin",
        "/api/v1/debug", "/api/v1/metrics", "/api/v1/stats", "/api/v1/reports", "/api/v1/config",
        "/api/v1/backup", "/api/v1/shutdown", "/api/admin", "/api/debug",
        "/api/v1/kb", "/api/v1/kb/search", "/api/v1/kb/suggest", "/api/v1/kb/articles",
        "/api/v1/kb/articles/{articles}", "/api/v1/kb/articles/{articles}/status",
        "/api/v1/kb/articles/{articles}/versions", "/api/v1/kb/articles/{articles}/publish",
        "/api/v1/kb/proposals", "/api/v1/kb/proposals/{proposals}/status",
        "/api/v1/acd", "/api/v1/acd/agents", "/api/v1/acd/queues", "/api/v1/acd/me", "/api/v1/acd/me/state",
        "/api/v1/acd/metrics", "/api/v1/acd/agents/{agents}", "/api/v1/acd/agents/{agents}/state", "/api/v1/acd/me/hold", "/api/v1/acd/me/transfer",
        "/api/v1/acd/me/callback",
        "/api/v1/registry", "/api/v1/registry/person", "/api/v1/registry/persons", "/api/v1/registry/application",
        "/api/v1/registry/search", "/api/v1/registry/verify", "/api/v1/registry/audit", "/api/v1/registry/alerts",
        "/api/v1/registry/status", "/api/v1/registry/export", "/api/v1/registry/list",
        "/api/v1/calls", "/api/v1/calls/{calls}", "/api/v1/calls/{calls}/recording", "/api/v1/cases/{cases}/calls",
    ]

    def fill(self, candidate):
        return re.sub(r"\{(\w+)\}", lambda m: str(self.ids[m.group(1)]), candidate)

    def test_probe_known_paths(self):
        anon = self.srv.client()
        ops = operations(self.doc)
        answered = 0
        for candidate in self.CANDIDATES:
            path = self.fill(candidate)
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                status, _, body = anon.request(method, path, body={} if method in ("POST", "PUT", "PATCH") else None)
                with self.subTest(probe="%s %s" % (method, path)):
                    if method != "GET":
                        self.assertFalse(200 <= status < 300, "anonymous write succeeded: %s" % body)
                    if status == 404 and error_code(body) == "route_not_found":
                        continue
                    if status == 405:
                        self.assertEqual(error_code(body), "method_not_allowed", short(body))
                        self.assertTrue(any(template_matches(t, path) for _, t, _ in ops),
                                        "the server knows %s but the document does not" % path)
                        continue
                    answered += 1
                    self.assertTrue(any(m == method and template_matches(t, path) for m, t, _ in ops),
                                    "%s %s answers %s but is not documented" % (method, path, status))
        # The probe reached the real routes (a server answering 404 to all would pass vacuously).
        self.assertGreaterEqual(answered, len(operations(self.doc)))

    def test_documented_paths_are_served(self):
        # Each documented (method, path) exists on the server: never 404 route_not_found / 405.
        anon = self.srv.client()
        for method, template, _ in operations(self.doc):
            status, _, body = anon.request(method, self.concrete(template),
                                           body={} if method in ("POST", "PUT", "PATCH") else None)
            with self.subTest(op="%s %s" % (method, template)):
                self.assertNotEqual(status, 405, short(body))
                self.assertNotEqual(error_code(body), "route_not_found", short(body))


if __name__ == "__main__":
    unittest.main()
