// The knowledge base: articles with versions and editorial status, operators'
// proposals, and Vietnamese-aware search and suggest-as-you-type.
#include "app/api/router.h"
#include "app/api/views.h"
#include "core/kb/article.h"
#include "core/text/fold.h"

namespace tongdai::app {

using core::Status;
using core::store::KbArticle;
using core::store::WriteTx;
using nlohmann::json;
using Role = core::auth::Role;
using core::auth::bit;

namespace {

core::Error articleNotFound() {
  return core::makeError("not_found", "Không tìm thấy bài viết.", "Article not found.");
}

// Drafts and articles in review are the supervisors' business.
bool visibleTo(const KbArticle& a, Role role) {
  return role == Role::supervisor || a.status == "published" || a.status == "retired";
}

json articleView(const KbArticle& a) {
  auto orNull = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", a.id},
          {"slug", a.slug},
          {"title", a.title},
          {"answer", a.answer},
          {"answer_html", renderMarkdown(a.answer)},
          {"category", a.category},
          {"tags", a.tags},
          {"status", a.status},
          {"legal_basis", a.legal_basis},
          {"valid_from", orNull(a.valid_from)},
          {"valid_to", orNull(a.valid_to)},
          {"version", a.version},
          {"updated_by", a.updated_by},
          {"updated_at", core::formatLocalIso(core::fromUnix(a.updated_at))}};
}

// Reads the editable fields; absent fields keep `base`'s values.
core::Result<KbArticle> articleFromJson(const json& b, KbArticle base, AppContext& ctx) {
  for (auto [name, out] : {std::pair{"title", &base.title}, {"answer", &base.answer},
                           {"category", &base.category}, {"legal_basis", &base.legal_basis},
                           {"slug", &base.slug}, {"status", &base.status}}) {
    if (!b.contains(name)) continue;
    auto v = stringField(b, name, false);
    if (!v.ok()) return v.error();
    *out = *v;
  }
  for (auto [name, out] : {std::pair{"valid_from", &base.valid_from}, {"valid_to", &base.valid_to}}) {
    if (!b.contains(name)) continue;
    if (b[name].is_null()) {
      out->clear();
      continue;
    }
    auto v = stringField(b, name, false);
    if (!v.ok()) return v.error();
    *out = *v;
  }
  if (b.contains("tags")) {
    if (!b["tags"].is_array()) {
      return core::makeError("invalid_type", "Nhãn phải là một danh sách chuỗi.", "tags must be a list of strings.",
                             "tags");
    }
    base.tags.clear();
    for (const auto& t : b["tags"]) {
      if (!t.is_string()) {
        return core::makeError("invalid_type", "Nhãn phải là một danh sách chuỗi.",
                               "tags must be a list of strings.", "tags");
      }
      base.tags.push_back(t.get<std::string>());
    }
  }
  if (!ctx.categoryActive(base.category)) {
    return core::makeError("unknown_category", "Lĩnh vực \"" + base.category + "\" không tồn tại.",
                           "Unknown category \"" + base.category + "\".", "category");
  }
  return core::kb::validateArticle(base);
}

void afterSave(const CallPtr& call, const KbArticle& a, int status) {
  call->ctx.kb().update(a, call->ctx.today());
  call->respond(status, articleView(a));
  call->ctx.publish({{"type", "kb.updated"}, {"article", {{"id", a.id}, {"status", a.status}, {"version", a.version}}}},
                    core::auth::kCaseWorkers);
}

void listArticles(const CallPtr& call) {
  std::string status = call->req.queryParam("status");
  std::string category = call->req.queryParam("category");
  if (!status.empty() && !core::kb::isKnownStatus(status)) {
    return call->fail(422, "invalid_query", "Trạng thái lọc không hợp lệ.", "Unknown status filter.", "status");
  }
  std::vector<KbArticle> all;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    all = tx.kbArticles();
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json items = json::array();
  for (const auto& a : all) {
    if (!visibleTo(a, call->who->role)) continue;
    if (!status.empty() && a.status != status) continue;
    if (!category.empty() && a.category != category) continue;
    json v = articleView(a);
    v.erase("answer_html");  // lists stay light; the detail renders
    items.push_back(std::move(v));
  }
  call->respond(200, {{"items", items}, {"total", items.size()}});
}

std::optional<KbArticle> readArticle(const CallPtr& call, std::int64_t id) {
  std::optional<KbArticle> a;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    a = tx.kbArticleById(id);
    return Status::Ok();
  });
  if (!st.ok()) {
    call->fail(st.error());
    return std::nullopt;
  }
  if (!a || !visibleTo(*a, call->who->role)) {
    call->fail(404, articleNotFound());
    return std::nullopt;
  }
  return a;
}

void getArticle(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto a = readArticle(call, *id);
  if (a) call->respond(200, articleView(*a));
}

void createArticle(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  KbArticle base;
  base.status = "draft";
  auto a = articleFromJson(*body, base, call->ctx);
  if (!a.ok()) return call->fail(422, a.error());
  auto now = call->ctx.now();
  Principal who = *call->who;
  auto saved = std::make_shared<KbArticle>(a.value());
  saved->version = 1;
  saved->updated_by = who.user_id;
  saved->updated_at = core::toUnix(now);
  commit(call, [saved, who, now](WriteTx& tx) -> Status {
    if (tx.kbArticleBySlug(saved->slug)) {
      return core::makeError("conflict", "Đã có bài viết với đường dẫn này.", "An article with this slug exists.",
                             "slug");
    }
    saved->id = tx.saveKbArticle(*saved, "created");
    tx.appendAudit(auditEntry(&who, "kb.create", "kb_article", std::to_string(saved->id), std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, saved] { afterSave(call, *saved, 201); });
}

void updateArticle(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  if (!body->contains("version") || !(*body)["version"].is_number_integer()) {
    return call->fail(422, "required", "Cần gửi kèm phiên bản (version) đang sửa.",
                      "The version being edited is required.", "version");
  }
  std::int64_t expected = (*body)["version"].get<std::int64_t>();
  auto note = stringField(*body, "note", false);
  if (!note.ok()) return call->fail(422, note.error());
  auto current = readArticle(call, *id);
  if (!current) return;
  if (body->contains("status")) {
    return call->fail(422, "use_status", "Đổi trạng thái bài bằng chức năng riêng (/status).",
                      "Change the status with the /status action.", "status");
  }
  auto a = articleFromJson(*body, *current, call->ctx);
  if (!a.ok()) return call->fail(422, a.error());
  auto now = call->ctx.now();
  Principal who = *call->who;
  auto saved = std::make_shared<KbArticle>(a.value());
  std::string why = *note;
  commit(call, [saved, who, now, expected, why](WriteTx& tx) -> Status {
    auto fresh = tx.kbArticleById(saved->id);
    if (!fresh) return articleNotFound();
    if (fresh->version != expected) {
      return core::makeError("conflict", "Bài vừa được người khác sửa. Hãy tải lại rồi sửa tiếp.",
                             "Someone else changed the article. Reload and edit again.", "version");
    }
    if (auto other = tx.kbArticleBySlug(saved->slug); other && other->id != saved->id) {
      return core::makeError("conflict", "Đã có bài viết với đường dẫn này.", "An article with this slug exists.",
                             "slug");
    }
    saved->status = fresh->status;
    saved->version = fresh->version + 1;
    saved->updated_by = who.user_id;
    saved->updated_at = core::toUnix(now);
    tx.saveKbArticle(*saved, why);
    tx.appendAudit(auditEntry(&who, "kb.update", "kb_article", std::to_string(saved->id), std::nullopt, why, "", now));
    return Status::Ok();
  }, [call, saved] { afterSave(call, *saved, 200); });
}

void changeArticleStatus(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto status = stringField(*body, "status", true);
  if (!status.ok()) return call->fail(422, status.error());
  auto note = stringField(*body, "note", false);
  if (!note.ok()) return call->fail(422, note.error());
  auto now = call->ctx.now();
  Principal who = *call->who;
  auto saved = std::make_shared<KbArticle>();
  std::int64_t article_id = *id;
  std::string to = *status, why = *note;
  std::string today = call->ctx.today();
  commit(call, [=](WriteTx& tx) -> Status {
    auto a = tx.kbArticleById(article_id);
    if (!a) return articleNotFound();
    auto st = core::kb::checkStatusChange(a->status, to);
    if (!st.ok()) return st;
    std::string from = a->status;
    a->status = to;
    // Retiring an answer that has no end date ends it today.
    if (to == "retired" && a->valid_to.empty()) a->valid_to = today;
    a->version++;
    a->updated_by = who.user_id;
    a->updated_at = core::toUnix(now);
    tx.saveKbArticle(*a, why.empty() ? from + " -> " + to : why);
    tx.appendAudit(auditEntry(&who, "kb.status", "kb_article", std::to_string(a->id), std::nullopt, why,
                              json{{"from", from}, {"to", to}}.dump(), now));
    *saved = *a;
    return Status::Ok();
  }, [call, saved] { afterSave(call, *saved, 200); });
}

void listVersions(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto a = readArticle(call, *id);
  if (!a) return;
  std::vector<core::store::KbVersion> versions;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    versions = tx.kbVersions(*id);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json items = json::array();
  for (const auto& v : versions) {
    json j = articleView(v.article);
    j.erase("answer_html");
    j["note"] = v.note;
    items.push_back(std::move(j));
  }
  call->respond(200, {{"items", items}});
}

json proposalView(const core::store::KbProposal& p) {
  return {{"id", p.id}, {"article_id", p.article_id ? json(*p.article_id) : json(nullptr)},
          {"title", p.title}, {"answer", p.answer}, {"note", p.note}, {"status", p.status},
          {"proposed_by", p.proposed_by}, {"at", core::formatLocalIso(core::fromUnix(p.at))}};
}

void propose(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  core::store::KbProposal p;
  if (body->contains("article_id") && !(*body)["article_id"].is_null()) {
    if (!(*body)["article_id"].is_number_integer()) {
      return call->fail(422, "invalid_type", "article_id phải là số.", "article_id must be an integer.", "article_id");
    }
    p.article_id = (*body)["article_id"].get<std::int64_t>();
  }
  for (auto [name, out, max, required] :
       {std::tuple{"title", &p.title, 300, false}, {"answer", &p.answer, 20000, false}, {"note", &p.note, 4000, true}}) {
    auto v = stringField(*body, name, required);
    if (!v.ok()) return call->fail(422, v.error());
    auto t = core::cases::validateText(*v, name, static_cast<std::size_t>(max), required);
    if (!t.ok()) return call->fail(422, t.error());
    *out = *t;
  }
  if (!p.article_id && (p.title.empty() || p.answer.empty())) {
    return call->fail(422, "required", "Đề xuất bài mới cần có câu hỏi và câu trả lời.",
                      "A new-article proposal needs a title and an answer.", p.title.empty() ? "title" : "answer");
  }
  auto now = call->ctx.now();
  Principal who = *call->who;
  p.status = "open";
  p.proposed_by = who.user_id;
  p.at = core::toUnix(now);
  auto saved = std::make_shared<core::store::KbProposal>(p);
  commit(call, [saved, who, now](WriteTx& tx) -> Status {
    if (saved->article_id && !tx.kbArticleById(*saved->article_id)) return articleNotFound();
    saved->id = tx.insertKbProposal(*saved);
    tx.appendAudit(auditEntry(&who, "kb.propose", "kb_proposal", std::to_string(saved->id), std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, saved] { call->respond(201, proposalView(*saved)); });
}

void listProposals(const CallPtr& call) {
  std::string status = call->req.queryParam("status");
  std::vector<core::store::KbProposal> items;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    items = tx.kbProposals(status);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json out = json::array();
  for (const auto& p : items) out.push_back(proposalView(p));
  call->respond(200, {{"items", out}});
}

void decideProposal(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto status = stringField(*body, "status", true);
  if (!status.ok()) return call->fail(422, status.error());
  if (*status != "accepted" && *status != "rejected") {
    return call->fail(422, "invalid_status", "Trạng thái đề xuất phải là accepted hoặc rejected.",
                      "status must be accepted or rejected.", "status");
  }
  auto now = call->ctx.now();
  Principal who = *call->who;
  std::int64_t pid = *id;
  std::string to = *status;
  commit(call, [=](WriteTx& tx) -> Status {
    auto all = tx.kbProposals("");
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.id == pid; });
    if (it == all.end()) return core::makeError("not_found", "Không tìm thấy đề xuất.", "Proposal not found.");
    if (it->status != "open") {
      return core::makeError("conflict", "Đề xuất này đã được xử lý.", "This proposal was already decided.");
    }
    tx.setKbProposalStatus(pid, to);
    tx.appendAudit(auditEntry(&who, "kb.proposal." + to, "kb_proposal", std::to_string(pid), std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, pid, to] { call->respond(200, {{"id", pid}, {"status", to}}); });
}

// limit in [1, max], default def; replies 422 and returns 0 on bad input.
int limitParam(const CallPtr& call, int def, int max) {
  std::string v = call->req.queryParam("limit");
  if (v.empty()) return def;
  if (v.size() > 4 || !std::all_of(v.begin(), v.end(), ::isdigit) || std::stoi(v) < 1) {
    call->fail(422, "invalid_query", "limit phải là số nguyên dương.", "limit must be a positive integer.", "limit");
    return 0;
  }
  return std::min(std::stoi(v), max);
}

std::optional<std::string> queryText(const CallPtr& call) {
  std::string q = call->req.queryParam("q");
  if (!core::text::isValidUtf8(q) || q.size() > 500) {
    call->fail(422, "invalid_query", "Từ khóa không hợp lệ (tối đa 500 byte UTF-8).",
               "Invalid query (at most 500 bytes of UTF-8).", "q");
    return std::nullopt;
  }
  return q;
}

void search(const CallPtr& call) {
  auto q = queryText(call);
  if (!q) return;
  int limit = limitParam(call, 10, 50);
  if (!limit) return;
  core::search::SearchOptions o;
  o.limit = limit;
  json results = json::array();
  for (auto& r : call->ctx.kb().search(*q, o)) {
    results.push_back({{"id", r.article.id}, {"slug", r.article.slug}, {"title", r.article.title},
                       {"title_html", r.hit.title_html}, {"snippet", r.hit.snippet}, {"score", r.hit.score},
                       {"category", r.article.category}, {"legal_basis", r.article.legal_basis}});
  }
  call->respond(200, {{"query", *q}, {"results", results}});
}

void suggest(const CallPtr& call) {
  auto q = queryText(call);
  if (!q) return;
  int limit = limitParam(call, 5, 20);
  if (!limit) return;
  core::search::SearchOptions o;
  o.limit = limit;
  o.prefix_last = true;
  o.snippets = false;
  json results = json::array();
  for (auto& r : call->ctx.kb().search(*q, o)) {
    results.push_back({{"id", r.article.id}, {"title", r.article.title}, {"score", r.hit.score},
                       {"category", r.article.category}});
  }
  call->respond(200, {{"query", *q}, {"results", results}});
}

}  // namespace

void registerKbRoutes(Router& r) {
  auto workers = core::auth::kCaseWorkers;
  auto supervisor = bit(Role::supervisor);
  r.add("GET", "/api/v1/kb/search", workers, search);
  r.add("GET", "/api/v1/kb/suggest", workers, suggest);
  r.add("GET", "/api/v1/kb/articles", workers, listArticles);
  r.add("POST", "/api/v1/kb/articles", supervisor, createArticle);
  r.add("GET", "/api/v1/kb/articles/{id}", workers, getArticle);
  r.add("PUT", "/api/v1/kb/articles/{id}", supervisor, updateArticle);
  r.add("POST", "/api/v1/kb/articles/{id}/status", supervisor, changeArticleStatus);
  r.add("GET", "/api/v1/kb/articles/{id}/versions", workers, listVersions);
  r.add("POST", "/api/v1/kb/proposals", workers, propose);
  r.add("GET", "/api/v1/kb/proposals", supervisor, listProposals);
  r.add("POST", "/api/v1/kb/proposals/{id}/status", supervisor, decideProposal);
}

}  // namespace tongdai::app
