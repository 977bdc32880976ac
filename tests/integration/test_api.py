"""The JSON API end to end: sessions, CSRF, cases, status machine, history,
search, escalation to the back office, and "a refused request writes nothing".

One demo server for the whole module's classes would couple them; each class
starts its own (fresh data directory, free port).
"""

import random
import unittest
import urllib.parse

from helpers import DEMO_PASSWORD, ServerTestCase, error_code, marker, start_server


def citizen_id(province="001", century=0, yy=85):
    return "%s%d%02d%06d" % (province, century, yy, random.randrange(1000000))


class SessionTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)

    def test_login_ok_sets_secure_cookie_and_csrf(self):
        c = self.srv.client()
        status, headers, body = c.login("tdv01")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user"]["login"], "tdv01")
        self.assertEqual(body["user"]["role"], "operator")
        self.assertTrue(body["csrf_token"])
        cookies = [v for v in headers.get_all("Set-Cookie") if v.startswith("tongdai_session=")]
        self.assertEqual(len(cookies), 1, headers)
        attrs = [a.strip().lower() for a in cookies[0].split(";")[1:]]
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        # The session answers who I am with the same CSRF token.
        status, _, me = c.get("/api/v1/session")
        self.assertEqual(status, 200, me)
        self.assertEqual(me["user"]["login"], "tdv01")
        self.assertEqual(me["csrf_token"], body["csrf_token"])

    def test_wrong_password_and_unknown_login(self):
        c = self.srv.client()
        self.assertError(c.login("tdv02", "not-the-password"), 401, "invalid_credentials")
        self.assertIsNone(c.session)
        self.assertError(c.login("nobody-here", "whatever-password"), 401, "invalid_credentials")
        self.assertError(c.get("/api/v1/session"), 401, "unauthenticated")

    def test_lockout_after_five_failures(self):
        c = self.srv.client()
        for i in range(4):
            self.assertError(c.login("tdv19", "wrong-password-%d" % i), 401, "invalid_credentials")
        status, _, body = c.login("tdv19", "wrong-password-4")
        self.assertIn(status, (401, 423), body)
        # Locked now: even the right password is refused, and no session is made.
        self.assertError(c.login("tdv19", DEMO_PASSWORD), 423, "account_locked")
        self.assertIsNone(c.session)
        # Another account is not affected.
        self.assertEqual(c.login("tdv18")[0], 200)

    def test_admin_unlock_lets_the_user_in_again(self):
        c = self.srv.client()
        for i in range(5):
            c.login("tdv17", "wrong-password-%d" % i)
        self.assertError(c.login("tdv17", DEMO_PASSWORD), 423, "account_locked")
        admin = self.srv.login("quantri")
        status, _, users = admin.get("/api/v1/users")
        self.assertEqual(status, 200)
        uid = next(u["id"] for u in users["items"] if u["login"] == "tdv17")
        status, _, body = admin.patch("/api/v1/users/%d" % uid, {"unlock": True})
        self.assertEqual(status, 200, body)
        self.assertEqual(c.login("tdv17")[0], 200)

    def user_id(self, admin, login):
        status, _, users = admin.get("/api/v1/users")
        self.assertEqual(status, 200, users)
        return next(u["id"] for u in users["items"] if u["login"] == login)

    def test_disabled_user_loses_sessions_and_cannot_log_in(self):
        admin = self.srv.login("quantri")
        victim = self.srv.login("tdv16")
        uid = self.user_id(admin, "tdv16")
        status, _, body = admin.patch("/api/v1/users/%d" % uid, {"disabled": True})
        self.assertEqual((status, body.get("disabled")), (200, True), body)
        self.assertError(victim.get("/api/v1/session"), 401, "unauthenticated")
        self.assertError(self.srv.client().login("tdv16"), 403, "account_disabled")
        self.assertEqual(admin.patch("/api/v1/users/%d" % uid, {"disabled": False})[0], 200)
        self.assertEqual(self.srv.client().login("tdv16")[0], 200)
        # An admin cannot lock themselves out.
        self.assertError(admin.patch("/api/v1/users/%d" % admin.user["id"], {"disabled": True}), 409, "conflict")

    def test_role_change_ends_sessions(self):
        admin = self.srv.login("quantri")
        c = self.srv.login("tdv15")
        uid = self.user_id(admin, "tdv15")
        self.assertEqual(admin.patch("/api/v1/users/%d" % uid, {"role": "officer"})[0], 200)
        self.assertError(c.get("/api/v1/session"), 401, "unauthenticated")
        c = self.srv.login("tdv15")
        self.assertEqual(c.user["role"], "officer")
        self.assertEqual(c.get("/api/v1/lookups")[0], 200)

    def test_password_changes(self):
        c = self.srv.login("tdv14")
        other = self.srv.login("tdv14")
        url = "/api/v1/session/password"
        self.assertError(c.post(url, {"current_password": "sai-mat-khau-roi", "new_password": "mat-khau-moi-2026"}),
                         422, "wrong_password", field="current_password")
        self.assertError(c.post(url, {"current_password": DEMO_PASSWORD, "new_password": "ngan"}),
                         422, "weak_password", field="new_password")
        self.assertError(c.post(url, {"current_password": DEMO_PASSWORD, "new_password": "xx-tdv14-xx-yy"}),
                         422, "weak_password", field="new_password")
        self.assertEqual(c.post(url, {"current_password": DEMO_PASSWORD,
                                      "new_password": "mat-khau-moi-2026"})[0], 204)
        self.assertError(self.srv.client().login("tdv14", DEMO_PASSWORD), 401, "invalid_credentials")
        self.assertEqual(self.srv.client().login("tdv14", "mat-khau-moi-2026")[0], 200)
        self.assertEqual(c.get("/api/v1/session")[0], 200, "the changing session stays")
        # An admin reset ends every session of the user.
        admin = self.srv.login("quantri")
        uid = self.user_id(admin, "tdv14")
        self.assertError(admin.post("/api/v1/users/%d/password" % uid, {"password": "short"}),
                         422, "weak_password")
        self.assertEqual(admin.post("/api/v1/users/%d/password" % uid,
                                    {"password": "dat-lai-boi-quan-tri"})[0], 204)
        self.assertError(c.get("/api/v1/session"), 401, "unauthenticated")
        self.assertError(other.get("/api/v1/session"), 401, "unauthenticated")
        self.assertEqual(self.srv.client().login("tdv14", "dat-lai-boi-quan-tri")[0], 200)

    def test_logout_invalidates_the_session(self):
        c = self.srv.login("tdv03")
        token = c.session
        status, headers, _ = c.request("DELETE", "/api/v1/session")
        self.assertEqual(status, 204)
        self.assertIsNone(c.session, "logout must clear the cookie")
        # The old token is dead on the server too, not just forgotten by the client.
        c.session = token
        self.assertError(c.get("/api/v1/session"), 401, "unauthenticated")
        self.assertError(c.get("/api/v1/cases"), 401, "unauthenticated")

    def test_csrf_required_for_state_changes(self):
        c = self.srv.login("tdv04")
        admin = self.srv.login("quantri")
        tag = marker()
        before = admin.audit_total()
        body = {"channel": "phone", "contact": {"phone": "0977123456"}, "category": "khac",
                "description": "csrf " + tag}
        self.assertError(c.post("/api/v1/cases", body, csrf=False), 403, "csrf_failed")
        self.assertError(c.post("/api/v1/cases", body, csrf=False,
                                headers={"X-CSRF-Token": "0" * 32}), 403, "csrf_failed")
        self.assertError(c.request("DELETE", "/api/v1/session", csrf=False), 403, "csrf_failed")
        self.assertEqual(admin.audit_total(), before, "a refused request wrote to the audit log")
        status, _, found = c.get("/api/v1/cases?q=" + tag)
        self.assertEqual((status, found["total"]), (200, 0), found)
        # The session survived the refused logout.
        self.assertEqual(c.get("/api/v1/session")[0], 200)


class CaseTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        cls.op = cls.srv.login("tdv01")
        cls.op2 = cls.srv.login("tdv02")
        cls.sup = cls.srv.login("giamsat")
        cls.admin = cls.srv.login("quantri")

    def test_create_and_read_back(self):
        cid = citizen_id("079", 1, 92)
        status, headers, body = self.op.create_case(
            channel="zalo", citizen_id=cid, priority="high", tags=["thẻ", "bưu điện"],
            contact={"name": "Trần Thị Hoa", "phone": "0912 345 678", "zalo_id": "hoa.tran"},
            description="  Chưa nhận được thẻ sau 3 tuần.  ")
        self.assertEqual(status, 201, body)
        self.assertIsInstance(body["id"], int)
        self.assertEqual(headers["Location"], "/api/v1/cases/%d" % body["id"])
        self.assertEqual(body["contact"]["phone"], "+84912345678")
        self.assertEqual(body["status"], "new")
        self.assertEqual(body["description"], "Chưa nhận được thẻ sau 3 tuần.")
        self.assertEqual(body["assignee_id"], self.op.user["id"], "an operator owns what they open")
        self.assertEqual(body["version"], 1)
        status, _, back = self.op2.get(headers["Location"])
        self.assertEqual(status, 200, back)
        for key in ("id", "channel", "category", "description", "priority", "tags", "status"):
            self.assertEqual(back[key], body[key], key)
        self.assertEqual(back["citizen_id"], cid)
        self.assertEqual(back["contact"]["phone"], "+84912345678")
        self.assertEqual(back["contact"]["zalo_id"], "hoa.tran")
        self.assertEqual(back["priority"], "high")
        self.assertEqual(back["lookups"], [])

    def test_unknown_case_is_404(self):
        self.assertError(self.op.get("/api/v1/cases/999999"), 404, "not_found")
        self.assertError(self.op.get("/api/v1/cases/abc"), 404, "not_found")

    def test_bad_citizen_id_vietnamese_and_english(self):
        admin_before = self.admin.audit_total()
        body = self.assertError(self.op.create_case(citizen_id="000085012345"), 422,
                                "citizen_id_unknown_province", field="citizen_id")
        self.assertTrue(body["error"]["message"].startswith("Mã tỉnh 000 "), body)
        en = self.srv.client(lang="en")
        en.session, en.csrf_token = self.op.session, self.op.csrf_token
        body = self.assertError(en.create_case(citizen_id="000085012345"), 422,
                                "citizen_id_unknown_province", field="citizen_id")
        self.assertTrue(body["error"]["message"].startswith("Province code 000"), body)
        self.assertError(self.op.create_case(citizen_id="00108501234"), 422, "citizen_id_length",
                         field="citizen_id")
        self.assertEqual(self.admin.audit_total(), admin_before)

    def test_unknown_category_and_bad_phone(self):
        self.assertError(self.op.create_case(category="khong.co"), 422, "unknown_category",
                         field="category")
        status, _, body = self.op.create_case(contact={"phone": "12345"})
        self.assertEqual(status, 422, body)
        self.assertEqual(body["error"]["field"], "contact.phone")
        self.assertError(self.op.create_case(channel="pigeon"), 422, "invalid_channel", field="channel")
        self.assertError(self.op.create_case(description="   "), 422, "required", field="description")

    def test_malformed_json(self):
        self.assertError(self.op.post("/api/v1/cases", '{"channel": "phone",'), 400, "malformed_json")
        self.assertError(self.op.post("/api/v1/cases", "[1, 2]"), 400, "malformed_json")
        self.assertError(self.op.post("/api/v1/cases", "channel=phone",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"}),
                         415, "unsupported_media_type")

    def test_english_messages(self):
        en = self.srv.client(lang="en-US,en;q=0.9")
        body = self.assertError(en.get("/api/v1/cases"), 401, "unauthenticated")
        self.assertIn("not logged in", body["error"]["message"])
        vi = self.srv.client()
        body = self.assertError(vi.get("/api/v1/cases"), 401, "unauthenticated")
        self.assertIn("chưa đăng nhập", body["error"]["message"])

    def status(self, client, case_id, to, reason=None):
        body = {"status": to}
        if reason:
            body["reason"] = reason
        return client.post("/api/v1/cases/%d/status" % case_id, body)

    def test_status_machine_legal_path_and_reopen(self):
        case = self.op.must_create_case()
        cid = case["id"]
        for to in ("in_progress", "answered", "closed"):
            status, _, body = self.status(self.op, cid, to)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["status"], to)
        self.assertIsNotNone(body["closed_at"])
        self.assertIsNotNone(body["answered_at"])
        body = self.assertError(self.status(self.op, cid, "answered"), 409, "invalid_transition")
        self.assertEqual(body["error"]["field"], "status")
        status, _, body = self.status(self.op, cid, "in_progress", "Công dân gọi lại")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "in_progress")
        self.assertIsNone(body["closed_at"])
        self.assertIsNone(body["answered_at"])
        status, _, hist = self.op.get("/api/v1/cases/%d/history" % cid)
        moves = [(e["data"]["from"], e["data"]["to"]) for e in hist["events"] if e["kind"] == "status"]
        self.assertEqual(moves, [("new", "in_progress"), ("in_progress", "answered"),
                                 ("answered", "closed"), ("closed", "in_progress")])
        reopen = [e for e in hist["events"] if e["kind"] == "status"][-1]
        self.assertEqual(reopen["data"]["reason"], "Công dân gọi lại")

    def test_status_illegal_moves(self):
        case = self.op.must_create_case()
        cid = case["id"]
        self.assertError(self.status(self.op, cid, "waiting_lookup"), 409, "use_escalate")
        self.assertError(self.status(self.op, cid, "nonsense"), 422, "invalid_status", field="status")
        status, _, back = self.op.get("/api/v1/cases/%d" % cid)
        self.assertEqual(back["status"], "new")
        self.assertEqual(back["version"], case["version"])
        self.assertError(self.status(self.op, 999999, "in_progress"), 404, "not_found")

    def test_patch_with_stale_version_conflicts(self):
        case = self.op.must_create_case(description="Bản gốc")
        cid, v = case["id"], case["version"]
        status, _, body = self.op.patch("/api/v1/cases/%d" % cid, {"priority": "urgent", "version": v})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["version"], v + 1)
        self.assertEqual(body["priority"], "urgent")
        body = self.assertError(self.op2.patch("/api/v1/cases/%d" % cid,
                                               {"description": "Ghi đè", "version": v}),
                                409, "conflict")
        status, _, back = self.op.get("/api/v1/cases/%d" % cid)
        self.assertEqual(back["description"], "Bản gốc")
        self.assertEqual(back["version"], v + 1)
        # With the current version the edit goes through.
        status, _, body = self.op2.patch("/api/v1/cases/%d" % cid,
                                         {"description": "Bản sửa", "version": v + 1})
        self.assertEqual((status, body["description"]), (200, "Bản sửa"), body)
        self.assertError(self.op.patch("/api/v1/cases/%d" % cid, {"status": "closed"}), 422,
                         "unknown_field", field="status")
        # Only a supervisor may hand a case to someone else.
        self.assertError(self.op.patch("/api/v1/cases/%d" % cid, {"assignee_id": self.op2.user["id"]}),
                         403, "forbidden")
        status, _, body = self.sup.patch("/api/v1/cases/%d" % cid, {"assignee_id": self.op2.user["id"]})
        self.assertEqual((status, body.get("assignee_id")), (200, self.op2.user["id"]), body)

    def test_replies_and_notes_kept_apart_in_history(self):
        case = self.op.must_create_case()
        cid = case["id"]
        self.assertIsNone(case["first_response_at"])
        status, _, note = self.op.post("/api/v1/cases/%d/messages" % cid,
                                       {"kind": "note", "body": "Ghi chú nội bộ: gọi lại sau 14h"})
        self.assertEqual(status, 201, note)
        self.assertEqual(note["kind"], "note")
        status, _, back = self.op.get("/api/v1/cases/%d" % cid)
        self.assertIsNone(back["first_response_at"], "an internal note is not a response to the citizen")
        status, _, reply = self.op.post("/api/v1/cases/%d/messages" % cid,
                                        {"kind": "reply", "body": "Thẻ của anh/chị đã được chuyển bưu điện."})
        self.assertEqual(status, 201, reply)
        self.assertEqual(reply["kind"], "reply")
        status, _, back = self.op.get("/api/v1/cases/%d" % cid)
        self.assertIsNotNone(back["first_response_at"])
        self.assertError(self.op.post("/api/v1/cases/%d/messages" % cid, {"kind": "sms", "body": "x"}),
                         422, "invalid_kind", field="kind")
        self.status(self.op, cid, "in_progress")
        self.op.patch("/api/v1/cases/%d" % cid, {"priority": "low"})
        status, _, hist = self.op.get("/api/v1/cases/%d/history" % cid)
        self.assertEqual(status, 200, hist)
        by_id = {m["id"]: m for m in hist["messages"]}
        self.assertEqual(set(by_id), {note["id"], reply["id"]})
        self.assertEqual(by_id[note["id"]]["kind"], "note")
        self.assertEqual(by_id[note["id"]]["body"], "Ghi chú nội bộ: gọi lại sau 14h")
        self.assertEqual(by_id[reply["id"]]["kind"], "reply")
        self.assertEqual(by_id[reply["id"]]["body"], "Thẻ của anh/chị đã được chuyển bưu điện.")
        self.assertEqual(by_id[reply["id"]]["author_name"], "Nguyễn Thị Lan")
        kinds = [e["kind"] for e in hist["events"]]
        self.assertEqual(kinds, ["created", "note", "reply", "status", "updated"], hist["events"])
        msg_events = {e["kind"]: e["data"]["message_id"] for e in hist["events"] if e["kind"] in ("note", "reply")}
        self.assertEqual(msg_events, {"note": note["id"], "reply": reply["id"]})
        upd = hist["events"][-1]
        self.assertEqual(upd["data"]["priority"], {"from": "normal", "to": "low"})
        self.assertTrue(all(e["actor_id"] == self.op.user["id"] for e in hist["events"]))
        self.assertError(self.op.get("/api/v1/cases/999999/history"), 404, "not_found")


class SearchTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        cls.op = cls.srv.login("tdv05")
        cls.tag = marker()
        cls.cid_a = citizen_id("001", 0, 85)
        mk = cls.op.must_create_case
        cls.a = mk(channel="phone", citizen_id=cls.cid_a, tags=[cls.tag],
                   contact={"name": "Lê Minh Đức", "phone": "0912 345 678"},
                   category="the.tien_do", description="Công dân chưa nhận được thẻ căn cước.")
        cls.b = mk(channel="zalo", tags=[cls.tag], contact={"name": "Phạm Thị Ánh", "zalo_id": "anh.pham"},
                   category="vneid.kich_hoat", description="Không nhận mã kích hoạt tài khoản định danh.")
        cls.c = mk(channel="email", tags=[cls.tag], contact={"name": "Hồ Văn Lâm", "email": "lam@example.vn"},
                   category="the.tien_do", description="Hỏi lịch làm việc ngày thứ bảy.")
        cls.d = mk(channel="zalo", tags=[cls.tag], contact={"name": "Vũ Thị Thuỷ", "phone": "+84 987 654 321"},
                   category="the.le_phi", description="Hỏi lệ phí cấp lại thẻ.")
        status, _, body = cls.op.post("/api/v1/cases/%d/status" % cls.c["id"], {"status": "in_progress"})
        assert status == 200, body
        cls.mine = {cls.a["id"], cls.b["id"], cls.c["id"], cls.d["id"]}

    def search(self, **params):
        status, _, body = self.op.get("/api/v1/cases?" + urllib.parse.urlencode(params))
        self.assertEqual(status, 200, body)
        return body

    def ids(self, **params):
        return {c["id"] for c in self.search(**params)["items"]}

    def test_filters(self):
        self.assertEqual(self.ids(q=self.tag), self.mine)
        self.assertEqual(self.ids(q=self.tag, status="in_progress"), {self.c["id"]})
        self.assertEqual(self.ids(q=self.tag, status="new"), self.mine - {self.c["id"]})
        self.assertEqual(self.ids(q=self.tag, channel="zalo"), {self.b["id"], self.d["id"]})
        self.assertEqual(self.ids(q=self.tag, category="the.tien_do"), {self.a["id"], self.c["id"]})
        self.assertEqual(self.ids(q=self.tag, channel="zalo", category="the.le_phi"), {self.d["id"]})
        self.assertEqual(self.ids(citizen_id=self.cid_a), {self.a["id"]})
        self.assertEqual(self.ids(q=self.tag, assignee="me"), self.mine)
        every = self.search(status="in_progress", per_page=100)
        self.assertTrue(all(c["status"] == "in_progress" for c in every["items"]))
        self.assertError(self.op.get("/api/v1/cases?status=bogus"), 422, "invalid_query", field="status")
        self.assertError(self.op.get("/api/v1/cases?channel=fax"), 422, "invalid_query", field="channel")
        self.assertError(self.op.get("/api/v1/cases?citizen_id=123"), 422, "invalid_query", field="citizen_id")

    def test_phone_in_any_written_form(self):
        for form in ("0912 345 678", "+84912345678", "0912.345.678", "84912345678", "(+84) 912 345 678"):
            found = self.ids(phone=form)
            self.assertIn(self.a["id"], found, form)
            self.assertNotIn(self.d["id"], found, form)
        self.assertEqual(self.ids(phone="0987654321", q=self.tag), {self.d["id"]})
        self.assertEqual(self.ids(phone="0912 345 679", q=self.tag), set())

    def test_accent_insensitive_text(self):
        found = self.ids(q="chua nhan duoc the")
        self.assertIn(self.a["id"], found)
        self.assertNotIn(self.b["id"], found)
        self.assertEqual(self.ids(q="Chưa nhận được thẻ " + self.tag), {self.a["id"]})
        self.assertEqual(self.ids(q="CHUA NHAN DUOC THE " + self.tag), {self.a["id"]})
        self.assertEqual(self.ids(q="duc " + self.tag), {self.a["id"]})
        self.assertEqual(self.ids(q="Đức " + self.tag), {self.a["id"]})
        self.assertEqual(self.ids(q="duk " + self.tag), set())
        self.assertEqual(self.ids(q="thuy " + self.tag), {self.d["id"]})
        self.assertEqual(self.ids(q="kich hoat " + self.tag), {self.b["id"]})

    def test_masked_in_lists_full_in_detail(self):
        item = next(c for c in self.search(q=self.tag)["items"] if c["id"] == self.a["id"])
        self.assertEqual(item["citizen_id"], self.cid_a[:3] + "*" * 7 + self.cid_a[10:])
        self.assertNotIn(self.cid_a[3:10], item["citizen_id"])
        self.assertNotEqual(item["contact"]["phone"], "+84912345678")
        self.assertTrue(item["contact"]["phone"].endswith("678") and "*" in item["contact"]["phone"])
        status, _, full = self.op.get("/api/v1/cases/%d" % self.a["id"])
        self.assertEqual(full["citizen_id"], self.cid_a)
        self.assertEqual(full["contact"]["phone"], "+84912345678")

    def test_pagination(self):
        tag = marker("pg")
        made = [self.op.must_create_case(tags=[tag], description="Trang %d" % i)["id"] for i in range(7)]
        first = self.search(q=tag, per_page=3)
        self.assertEqual((first["total"], first["per_page"], first["page"]), (7, 3, 1))
        self.assertEqual(len(first["items"]), 3)
        seen = []
        for page in (1, 2, 3):
            body = self.search(q=tag, per_page=3, page=page)
            self.assertEqual(body["total"], 7)
            seen += [c["id"] for c in body["items"]]
        self.assertEqual(len(seen), 7)
        self.assertEqual(sorted(seen), sorted(made))
        self.assertEqual(seen, sorted(made, reverse=True), "newest first")
        self.assertEqual(self.search(q=tag, per_page=3, page=4)["items"], [])
        self.assertEqual(self.search(q=tag, per_page=1000)["per_page"], 100)
        self.assertError(self.op.get("/api/v1/cases?per_page=0"), 422, "invalid_query", field="per_page")
        self.assertError(self.op.get("/api/v1/cases?page=-1"), 422, "invalid_query", field="page")


class EscalationTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        cls.op = cls.srv.login("tdv06")
        cls.off1 = cls.srv.login("cbnv01")
        cls.off2 = cls.srv.login("cbnv02")
        cls.admin = cls.srv.login("quantri")

    def escalate(self, case_id):
        return self.op.post("/api/v1/cases/%d/escalate" % case_id,
                            {"what": "Tra cứu tiến độ in thẻ", "reason": "Công dân hỏi lần hai"})

    def test_escalate_claim_answer_cycle(self):
        case = self.op.must_create_case()
        cid = case["id"]
        status, _, lk = self.escalate(cid)
        self.assertEqual(status, 201, lk)
        self.assertEqual((lk["status"], lk["case_id"]), ("open", cid))
        self.assertTrue(lk["due_at"])
        self.assertGreater(lk["due_at"], lk["requested_at"])
        self.assertEqual(self.op.get("/api/v1/cases/%d" % cid)[2]["status"], "waiting_lookup")
        # The case waits: the operator cannot move it by hand.
        self.assertError(self.op.post("/api/v1/cases/%d/status" % cid, {"status": "answered"}),
                         409, "invalid_transition")
        status, _, pool = self.off1.get("/api/v1/lookups?status=open")
        self.assertIn(lk["id"], [x["id"] for x in pool["items"]])
        # Operators cannot claim; officers must claim before answering.
        self.assertError(self.op.post("/api/v1/lookups/%d/claim" % lk["id"]), 403, "forbidden")
        self.assertError(self.off1.post("/api/v1/lookups/%d/answer" % lk["id"], {"answer": "x"}),
                         409, "lookup_state")
        status, _, claimed = self.off1.post("/api/v1/lookups/%d/claim" % lk["id"])
        self.assertEqual(status, 200, claimed)
        self.assertEqual((claimed["status"], claimed["claimed_by"]), ("claimed", self.off1.user["id"]))
        self.assertError(self.off2.post("/api/v1/lookups/%d/claim" % lk["id"]), 409, "already_claimed")
        self.assertError(self.off2.post("/api/v1/lookups/%d/answer" % lk["id"], {"answer": "Tôi trả lời"}),
                         409, "lookup_not_claimed_by_you")
        status, _, answered = self.off1.post("/api/v1/lookups/%d/answer" % lk["id"],
                                             {"answer": "Hồ sơ đã in, chuyển bưu điện ngày 20."})
        self.assertEqual(status, 200, answered)
        self.assertEqual(answered["status"], "answered")
        self.assertFalse(answered["replied_to_citizen"])
        status, _, back = self.op.get("/api/v1/cases/%d" % cid)
        self.assertEqual(back["status"], "in_progress")
        self.assertEqual([x["status"] for x in back["lookups"]], ["answered"])
        self.assertEqual(back["lookups"][0]["answer"], "Hồ sơ đã in, chuyển bưu điện ngày 20.")
        hist = self.op.get("/api/v1/cases/%d/history" % cid)[2]
        self.assertEqual(hist["messages"], [], "an answer back to the operator is not a reply")
        self.assertError(self.off1.post("/api/v1/lookups/%d/answer" % lk["id"], {"answer": "lần 2"}),
                         409, "lookup_state")

        # Second escalation, answered straight to the citizen.
        status, _, lk2 = self.escalate(cid)
        self.assertEqual(status, 201, lk2)
        self.assertNotEqual(lk2["id"], lk["id"])
        self.assertEqual(self.off2.post("/api/v1/lookups/%d/claim" % lk2["id"])[0], 200)
        text = "Kính gửi công dân: thẻ đã được gửi qua bưu điện."
        status, _, done = self.off2.post("/api/v1/lookups/%d/answer" % lk2["id"],
                                         {"answer": text, "reply_to_citizen": True})
        self.assertEqual(status, 200, done)
        self.assertTrue(done["replied_to_citizen"])
        back = self.op.get("/api/v1/cases/%d" % cid)[2]
        self.assertEqual(back["status"], "answered")
        self.assertIsNotNone(back["first_response_at"])
        hist = self.op.get("/api/v1/cases/%d/history" % cid)[2]
        replies = [m for m in hist["messages"] if m["kind"] == "reply"]
        self.assertEqual(len(replies), 1, hist["messages"])
        self.assertEqual((replies[0]["body"], replies[0]["author_id"]), (text, self.off2.user["id"]))
        kinds = [e["kind"] for e in hist["events"]]
        self.assertEqual(kinds, ["created", "escalated", "lookup_claimed", "lookup_answered",
                                 "escalated", "lookup_claimed", "lookup_answered"])

    def test_concurrent_claims_have_one_winner(self):
        import threading
        case = self.op.must_create_case()
        lk = self.escalate(case["id"])[2]
        officers = [self.srv.login("cbnv%02d" % i) for i in range(3, 11)]
        results = [None] * len(officers)
        go = threading.Barrier(len(officers))

        def claim(i):
            go.wait(timeout=10)
            results[i] = officers[i].post("/api/v1/lookups/%d/claim" % lk["id"])

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(officers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        statuses = sorted(r[0] for r in results)
        self.assertEqual(statuses, [200] + [409] * (len(officers) - 1), results)
        winner = next(i for i, r in enumerate(results) if r[0] == 200)
        self.assertTrue(all(error_code(r[2]) == "already_claimed" for r in results if r[0] == 409))
        status, _, now = self.off1.get("/api/v1/lookups/%d" % lk["id"])
        self.assertEqual(now["claimed_by"], officers[winner].user["id"])
        hist = self.op.get("/api/v1/cases/%d/history" % case["id"])[2]
        self.assertEqual([e["kind"] for e in hist["events"]].count("lookup_claimed"), 1)

    def test_escalate_needs_what_and_reason_and_a_legal_state(self):
        case = self.op.must_create_case()
        self.assertError(self.op.post("/api/v1/cases/%d/escalate" % case["id"], {"what": "x"}), 422,
                         "required", field="reason")
        self.assertEqual(self.escalate(case["id"])[0], 201)
        self.assertError(self.escalate(case["id"]), 409, "invalid_transition")
        self.assertError(self.off1.post("/api/v1/cases/%d/escalate" % case["id"],
                                        {"what": "x", "reason": "y"}), 403, "forbidden")

    def test_refused_requests_write_nothing(self):
        case = self.op.must_create_case(description="Nguyên bản")
        cid = case["id"]
        lk = self.escalate(cid)[2]
        self.assertEqual(self.off1.post("/api/v1/lookups/%d/claim" % lk["id"])[0], 200)
        before = self.admin.audit_total()
        hist_before = self.op.get("/api/v1/cases/%d/history" % cid)[2]
        refused = [
            (self.op.post("/api/v1/cases/%d/messages" % cid, {"kind": "note", "body": "x"}, csrf=False), 403),
            (self.op.post("/api/v1/lookups/%d/claim" % lk["id"]), 403),
            (self.off2.post("/api/v1/lookups/%d/claim" % lk["id"]), 409),
            (self.off2.post("/api/v1/lookups/%d/answer" % lk["id"], {"answer": "x"}), 409),
            (self.op.patch("/api/v1/cases/%d" % cid, {"description": "Sửa", "version": 0}), 409),
            (self.op.patch("/api/v1/cases/%d" % cid, {"category": "khong.co"}), 422),
            (self.op.post("/api/v1/cases/%d/status" % cid, {"status": "closed"}), 409),
            (self.op.post("/api/v1/users", {"login": "x1x", "name": "X", "role": "admin",
                                            "password": "Very-long-password-1"}), 403),
            (self.op.create_case(citizen_id="000085012345"), 422),
        ]
        for i, ((status, _, body), expected) in enumerate(refused):
            self.assertEqual(status, expected, (i, body))
        self.assertEqual(self.admin.audit_total(), before, "a refused request wrote an audit entry")
        self.assertEqual(self.op.get("/api/v1/cases/%d/history" % cid)[2], hist_before)
        back = self.op.get("/api/v1/cases/%d" % cid)[2]
        self.assertEqual((back["description"], back["status"]), ("Nguyên bản", "waiting_lookup"))
        self.assertEqual(back["lookups"][0]["claimed_by"], self.off1.user["id"])
        # And an accepted write does add to the log (the counter is not stuck).
        self.assertEqual(self.op.post("/api/v1/cases/%d/messages" % cid, {"kind": "note", "body": "ok"})[0], 201)
        self.assertEqual(self.admin.audit_total(), before + 1)


if __name__ == "__main__":
    unittest.main()
