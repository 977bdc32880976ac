"""The knowledge base over real HTTP: articles, versions, status, proposals,
search and suggest, and who may see what."""

import unittest
import urllib.parse

from helpers import ServerTestCase, start_server


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


class KnowledgeBaseTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        cls.sup = cls.srv.login("giamsat")
        cls.op = cls.srv.login("tdv01")
        cls.admin = cls.srv.login("quantri")

    def create(self, **fields):
        body = {"title": "Đổi thẻ căn cước khi đủ 25 tuổi", "answer": "Công dân **đủ 25 tuổi** làm thủ tục cấp đổi.",
                "category": "the.cap_doi", "tags": ["cấp đổi", "25 tuổi"], "status": "published"}
        body.update(fields)
        status, _, article = self.sup.post("/api/v1/kb/articles", body)
        self.assertEqual(status, 201, article)
        return article

    def search(self, text, client=None):
        status, _, body = (client or self.op).get(q("/api/v1/kb/search", q=text, limit=5))
        self.assertEqual(status, 200, body)
        return body["results"]

    def test_starting_knowledge_base_is_loaded(self):
        status, _, body = self.op.get("/api/v1/kb/articles")
        self.assertEqual(status, 200)
        published = [a for a in body["items"] if a["status"] == "published"]
        self.assertGreaterEqual(len(published), 60, "the shipped articles were not loaded")

    def test_search_is_accent_insensitive_and_highlights(self):
        a = self.create(title="Zqkb thủ tục đổi thẻ căn cước gắn chíp", slug="zqkb-doi-the")
        for text in ("zqkb đổi thẻ căn cước", "zqkb doi the can cuoc", "ZQKB DOI THE CAN CUOC"):
            results = self.search(text)
            self.assertTrue(results, text)
            self.assertEqual(results[0]["id"], a["id"], text)
        self.assertIn("<mark>", results[0]["title_html"])

    def test_suggest_matches_an_unfinished_word(self):
        a = self.create(title="Zqsg kích hoạt tài khoản định danh điện tử", slug="zqsg-kich-hoat")
        status, _, body = self.op.get(q("/api/v1/kb/suggest", q="zqsg kich hoa"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["results"][0]["id"], a["id"])
        self.assertNotIn("snippet", body["results"][0])

    def test_markdown_is_rendered_safely(self):
        a = self.create(title="Zqmd bài có mã độc", slug="zqmd-ma-doc",
                        answer="Xin chào <script>alert(1)</script> và [link](javascript:alert(2)) **đậm**")
        status, _, body = self.op.get("/api/v1/kb/articles/%d" % a["id"])
        self.assertEqual(status, 200)
        self.assertNotIn("<script>", body["answer_html"])
        self.assertNotIn("javascript:", body["answer_html"])
        self.assertIn("<strong>đậm</strong>", body["answer_html"])

    def test_versions_and_stale_edit(self):
        a = self.create(title="Zqvr lệ phí cấp đổi", slug="zqvr-le-phi")
        status, _, v2 = self.sup.request("PUT", "/api/v1/kb/articles/%d" % a["id"],
                                         {"version": 1, "answer": "Lệ phí mới.", "note": "Cập nhật phí"})
        self.assertEqual(status, 200, v2)
        self.assertEqual(v2["version"], 2)
        self.assertError(self.sup.request("PUT", "/api/v1/kb/articles/%d" % a["id"],
                                          {"version": 1, "answer": "Cũ"}), 409, "conflict", "version")
        status, _, versions = self.op.get("/api/v1/kb/articles/%d/versions" % a["id"])
        self.assertEqual([v["version"] for v in versions["items"]], [1, 2])
        self.assertEqual(versions["items"][1]["note"], "Cập nhật phí")

    def test_retired_answers_leave_search(self):
        a = self.create(title="Zqrt quy định cũ về CMND", slug="zqrt-cmnd-cu")
        self.assertEqual(self.search("zqrt cmnd")[0]["id"], a["id"])
        status, _, body = self.sup.post("/api/v1/kb/articles/%d/status" % a["id"],
                                        {"status": "retired", "note": "Luật Căn cước 2023"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "retired")
        self.assertIsNotNone(body["valid_to"])
        self.assertFalse([r for r in self.search("zqrt cmnd") if r["id"] == a["id"]])
        self.assertError(self.sup.post("/api/v1/kb/articles/%d/status" % a["id"], {"status": "in_review"}),
                         409, "invalid_transition")

    def test_expired_validity_is_not_searchable(self):
        a = self.create(title="Zqex hết hiệu lực", slug="zqex-het-hieu-luc", valid_to="2024-06-30")
        self.assertFalse([r for r in self.search("zqex") if r["id"] == a["id"]])

    def test_drafts_are_for_supervisors(self):
        a = self.create(title="Zqdr bản nháp", slug="zqdr-ban-nhap", status="draft")
        self.assertEqual(self.op.get("/api/v1/kb/articles/%d" % a["id"])[0], 404)
        self.assertEqual(self.sup.get("/api/v1/kb/articles/%d" % a["id"])[0], 200)
        self.assertFalse(self.search("zqdr", self.sup))

    def test_operators_propose_supervisors_decide(self):
        self.assertError(self.op.post("/api/v1/kb/articles", {"title": "x", "answer": "y", "category": "khac"}),
                         403, "forbidden")
        status, _, p = self.op.post("/api/v1/kb/proposals", {"title": "Hỏi về thẻ", "answer": "Trả lời",
                                                             "note": "Nhiều người hỏi"})
        self.assertEqual(status, 201, p)
        status, _, body = self.sup.get(q("/api/v1/kb/proposals", status="open"))
        self.assertIn(p["id"], [x["id"] for x in body["items"]])
        self.assertEqual(self.sup.post("/api/v1/kb/proposals/%d/status" % p["id"], {"status": "accepted"})[0], 200)
        self.assertError(self.sup.post("/api/v1/kb/proposals/%d/status" % p["id"], {"status": "rejected"}),
                         409, "conflict")

    def test_validation_errors(self):
        self.assertError(self.sup.post("/api/v1/kb/articles", {"title": "", "answer": "a", "category": "khac"}),
                         422, "required", "title")
        self.assertError(self.sup.post("/api/v1/kb/articles", {"title": "t", "answer": "a", "category": "nope"}),
                         422, "unknown_category", "category")
        self.assertError(self.sup.post("/api/v1/kb/articles", {"title": "Ngày sai", "answer": "a", "category": "khac",
                                                               "valid_from": "2025-01-01", "valid_to": "2024-01-01"}),
                         422, "invalid_date", "valid_to")
        self.assertError(self.op.get(q("/api/v1/kb/search", q="x", limit="abc")), 422, "invalid_query", "limit")

    def test_admin_has_no_knowledge_base_access(self):
        self.assertError(self.admin.get(q("/api/v1/kb/search", q="the")), 403, "forbidden")


if __name__ == "__main__":
    unittest.main()
