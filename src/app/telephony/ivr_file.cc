#include "app/telephony/ivr_file.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>

#include <toml++/toml.h>

namespace tongdai::app {

using core::telephony::Action;
using core::telephony::IvrFlow;
using core::telephony::MenuNode;

namespace {

// A failure while reading the file: the TOML path at fault and its line.
struct Failure {
  std::string field;
  int line = 0;
  std::string vi;
  std::string en;
};

core::Error fileError(const std::string& code, const std::string& path, const Failure& f) {
  std::string at_vi = path + (f.line > 0 ? ", dòng " + std::to_string(f.line) : "");
  std::string at_en = path + (f.line > 0 ? ":" + std::to_string(f.line) : "");
  return core::makeError(code, "Tệp " + at_vi + ": " + f.vi, at_en + ": " + f.en, f.field);
}

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

class FlowReader {
 public:
  explicit FlowReader(std::map<std::string, int>& lines) : lines_(lines) {}
  std::optional<Failure> failure;

  bool fail(const std::string& field, const toml::node& at, std::string vi, std::string en) {
    if (!failure) failure = Failure{field, lineOf(at), std::move(vi), std::move(en)};
    return false;
  }

  // Only `allowed` keys in `t`: catches typos ("promts").
  bool onlyKeys(const toml::table& t, const std::string& field,
                std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        std::string f = field.empty() ? std::string(k.str()) : field + "." + std::string(k.str());
        return fail(f, v, "khóa không được hỗ trợ \"" + std::string(k.str()) + "\"",
                    "unknown key \"" + std::string(k.str()) + "\"");
      }
    }
    return true;
  }

  bool str(const toml::node& n, const std::string& field, std::string& out) {
    lines_[field] = lineOf(n);
    if (auto v = n.value<std::string>()) {
      out = *v;
      return true;
    }
    return fail(field, n, "cần một chuỗi", "a string is expected");
  }

  bool strings(const toml::node& n, const std::string& field, std::vector<std::string>& out) {
    lines_[field] = lineOf(n);
    const toml::array* a = n.as_array();
    if (!a) return fail(field, n, "cần một mảng tên lời nhắc", "an array of prompt names is expected");
    out.clear();
    for (const auto& e : *a) {
      auto v = e.value<std::string>();
      if (!v) return fail(field, e, "tên lời nhắc phải là chuỗi", "prompt names must be strings");
      out.push_back(*v);
    }
    return true;
  }

  bool integer(const toml::node& n, const std::string& field, std::int64_t& out) {
    lines_[field] = lineOf(n);
    if (auto v = n.value_exact<std::int64_t>()) {
      out = *v;
      return true;
    }
    return fail(field, n, "cần một số nguyên", "an integer is expected");
  }

  bool action(const toml::node& n, const std::string& field, Action& out) {
    lines_[field] = lineOf(n);
    const toml::table* t = n.as_table();
    if (!t || t->size() != 1)
      return fail(field, n,
                  "hành động phải là một bảng có đúng một khóa (goto, queue, play_then_back, "
                  "play_then_hangup, self_service, offer_callback)",
                  "an action is a table with exactly one key (goto, queue, play_then_back, "
                  "play_then_hangup, self_service, offer_callback)");
    auto first = t->begin();
    const std::string k(first->first.str());
    const toml::node& v = first->second;
    if (k == "goto") {
      core::telephony::GoTo g;
      if (!str(v, field, g.node)) return false;
      out = g;
    } else if (k == "queue") {
      core::telephony::ToQueue q;
      if (!str(v, field, q.queue)) return false;
      out = q;
    } else if (k == "play_then_back") {
      core::telephony::PlayThenBack b;
      if (!strings(v, field, b.prompts)) return false;
      out = b;
    } else if (k == "play_then_hangup") {
      core::telephony::PlayThenHangup h;
      if (!strings(v, field, h.prompts)) return false;
      out = h;
    } else if (k == "self_service" || k == "offer_callback") {
      if (v.value<bool>() != std::optional<bool>(true))
        return fail(field, v, "\"" + k + "\" phải là true", "\"" + k + "\" must be true");
      if (k == "self_service")
        out = core::telephony::SelfService{};
      else
        out = core::telephony::OfferCallback{};
    } else {
      return fail(field, v, "hành động không được hỗ trợ \"" + k + "\"",
                  "unknown action \"" + k + "\"");
    }
    lines_[field] = lineOf(n);
    return true;
  }

  // The members a node shares with [defaults].
  bool common(const toml::table& t, const std::string& field, MenuNode& n) {
    std::int64_t i = 0;
    if (auto v = t.get("timeout_ms")) {
      if (!integer(*v, field + ".timeout_ms", i)) return false;
      n.timeout_ms = i;
    }
    if (auto v = t.get("max_attempts")) {
      if (!integer(*v, field + ".max_attempts", i)) return false;
      if (i < 0 || i > 1000) i = 0;  // out of range: validateFlow says so
      n.max_attempts = static_cast<int>(i);
    }
    if (auto v = t.get("invalid_prompt"); v && !str(*v, field + ".invalid_prompt", n.invalid_prompt))
      return false;
    if (auto v = t.get("timeout_prompt"); v && !str(*v, field + ".timeout_prompt", n.timeout_prompt))
      return false;
    if (auto v = t.get("on_fail"); v && !action(*v, field + ".on_fail", n.on_fail)) return false;
    return true;
  }

  bool node(const toml::table& t, const std::string& field, MenuNode& n) {
    if (!onlyKeys(t, field,
                  {"intro", "prompts", "keys", "after", "timeout_ms", "max_attempts",
                   "invalid_prompt", "timeout_prompt", "on_fail"}))
      return false;
    if (!common(t, field, n)) return false;
    if (auto v = t.get("intro"); v && !strings(*v, field + ".intro", n.intro)) return false;
    if (auto v = t.get("prompts"); v && !strings(*v, field + ".prompts", n.prompts)) return false;
    if (auto v = t.get("after")) {
      Action a;
      if (!action(*v, field + ".after", a)) return false;
      n.after = a;
    }
    if (auto v = t.get("keys")) {
      const toml::table* keys = v->as_table();
      if (!keys) return fail(field + ".keys", *v, "cần một bảng phím", "a table of keys is expected");
      for (const auto& [k, a] : *keys) {
        const std::string key(k.str());
        const std::string kf = field + ".keys." + key;
        if (key.size() != 1)
          return fail(kf, a, "phím \"" + key + "\" không hợp lệ (một ký tự 0-9, *, #)",
                      "key \"" + key + "\" is not valid (one of 0-9, *, #)");
        Action act;
        if (!action(a, kf, act)) return false;
        n.keys[key[0]] = act;
      }
    }
    return true;
  }

 private:
  std::map<std::string, int>& lines_;
};

// The line recorded for `field` or its closest parent ("nodes.main.keys.1" ->
// "nodes.main.keys" -> "nodes.main").
int lineFor(const std::map<std::string, int>& lines, std::string field) {
  while (!field.empty()) {
    if (auto it = lines.find(field); it != lines.end()) return it->second;
    auto dot = field.rfind('.');
    if (dot == std::string::npos) break;
    field.resize(dot);
  }
  return 0;
}

bool validPromptName(std::string_view n) {
  return !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

core::Result<IvrFlow> loadIvrFlow(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    Failure f{"", static_cast<int>(e.source().begin.line), "lỗi cú pháp TOML: " + std::string(e.description()),
              "TOML syntax error: " + std::string(e.description())};
    if (!std::filesystem::exists(path)) f = Failure{"", 0, "không mở được tệp", "cannot open the file"};
    return fileError("ivr_invalid", path, f);
  }
  std::map<std::string, int> lines;
  FlowReader r(lines);
  IvrFlow flow;
  auto failed = [&]() { return fileError("ivr_invalid", path, *r.failure); };

  if (!r.onlyKeys(root, "", {"start", "closed", "defaults", "nodes"})) return failed();
  if (auto v = root.get("start"); v && !r.str(*v, "start", flow.start)) return failed();
  if (auto v = root.get("closed"); v && !r.str(*v, "closed", flow.closed)) return failed();

  MenuNode defaults;
  if (auto v = root.get("defaults")) {
    const toml::table* t = v->as_table();
    if (!t) {
      r.fail("defaults", *v, "cần một bảng", "a table is expected");
      return failed();
    }
    lines["defaults"] = lineOf(*v);
    if (!r.onlyKeys(*t, "defaults",
                    {"timeout_ms", "max_attempts", "invalid_prompt", "timeout_prompt", "on_fail"}) ||
        !r.common(*t, "defaults", defaults))
      return failed();
  }

  const toml::node* nodes = root.get("nodes");
  if (!nodes || !nodes->as_table()) {
    Failure f{"nodes", nodes ? lineOf(*nodes) : 0, "thiếu bảng [nodes.<tên>]",
              "no [nodes.<id>] tables"};
    return fileError("ivr_invalid", path, f);
  }
  for (const auto& [k, v] : *nodes->as_table()) {
    const std::string id(k.str());
    const std::string field = "nodes." + id;
    lines[field] = lineOf(v);
    const toml::table* t = v.as_table();
    if (!t) {
      r.fail(field, v, "cần một bảng [" + field + "]", "a table [" + field + "] is expected");
      return failed();
    }
    MenuNode n = defaults;
    n.id = id;
    if (!r.node(*t, field, n)) return failed();
    flow.nodes[id] = std::move(n);
  }

  if (auto s = core::telephony::validateFlow(flow); !s) {
    const core::Error& e = s.error();
    Failure f{e.field, lineFor(lines, e.field), e.message_vi, e.message_en};
    return fileError("ivr_invalid", path, f);
  }
  return flow;
}

core::Result<std::map<std::string, std::string>> loadPromptTexts(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    Failure f{"", static_cast<int>(e.source().begin.line), "lỗi cú pháp TOML: " + std::string(e.description()),
              "TOML syntax error: " + std::string(e.description())};
    if (!std::filesystem::exists(path)) f = Failure{"", 0, "không mở được tệp", "cannot open the file"};
    return fileError("prompts_invalid", path, f);
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : root) {
    const std::string name(k.str());
    if (!validPromptName(name))
      return fileError("prompts_invalid", path,
                       Failure{name, lineOf(v), "tên lời nhắc \"" + name + "\" không hợp lệ (a-z, 0-9, _)",
                               "prompt name \"" + name + "\" is not valid (a-z, 0-9, _)"});
    auto text = v.value<std::string>();
    if (!text || text->empty())
      return fileError("prompts_invalid", path,
                       Failure{name, lineOf(v), "lời nhắc \"" + name + "\" cần một nội dung (chuỗi)",
                               "prompt \"" + name + "\" needs a text (a string)"});
    out[name] = *text;
  }
  return out;
}

std::vector<std::string> missingPromptFiles(const std::vector<std::string>& names,
                                            const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& n : names) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(dir) / (n + ".wav"), ec))
      out.push_back(n);
  }
  return out;
}

}  // namespace tongdai::app
