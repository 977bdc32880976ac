#include "core/telephony/ivr.h"

#include <algorithm>
#include <set>
#include <type_traits>

namespace tongdai::core::telephony {

namespace {

bool validKey(char k) { return (k >= '0' && k <= '9') || k == '*' || k == '#'; }

// Prompt names become file names (<prompts_dir>/<name>.wav): keep them plain.
bool validPromptName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool validQueueName(const std::string& q) {
  if (q.empty() || q.size() > 64) return false;
  return std::all_of(q.begin(), q.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

Error flowError(const std::string& field, const std::string& node, const std::string& vi,
                const std::string& en) {
  std::string where_vi = node.empty() ? "" : "nút \"" + node + "\": ";
  std::string where_en = node.empty() ? "" : "node \"" + node + "\": ";
  return makeError("ivr_invalid", "Luồng IVR không hợp lệ: " + where_vi + vi,
                   "Invalid IVR flow: " + where_en + en, field);
}

std::string keyName(char k) { return std::string(1, k); }

Status checkPrompts(const std::vector<std::string>& names, const std::string& field,
                    const std::string& node) {
  for (const auto& n : names) {
    if (!validPromptName(n))
      return flowError(field, node, "tên lời nhắc \"" + n + "\" không hợp lệ (chỉ a-z, 0-9, _)",
                       "prompt name \"" + n + "\" is not valid (a-z, 0-9, _ only)");
  }
  return Status::Ok();
}

Status checkAction(const IvrFlow& flow, const Action& a, const std::string& field,
                   const std::string& node) {
  if (auto g = std::get_if<GoTo>(&a)) {
    if (!flow.nodes.count(g->node))
      return flowError(field, node, "chuyển đến nút không tồn tại \"" + g->node + "\"",
                       "goto an unknown node \"" + g->node + "\"");
  } else if (auto q = std::get_if<ToQueue>(&a)) {
    if (!validQueueName(q->queue))
      return flowError(field, node, "tên hàng chờ \"" + q->queue + "\" không hợp lệ",
                       "queue name \"" + q->queue + "\" is not valid");
  } else if (auto h = std::get_if<PlayThenHangup>(&a)) {
    if (h->prompts.empty())
      return flowError(field, node, "thông báo trước khi gác máy không có lời nhắc",
                       "play_then_hangup without prompts");
    return checkPrompts(h->prompts, field, node);
  } else if (auto b = std::get_if<PlayThenBack>(&a)) {
    return checkPrompts(b->prompts, field, node);
  }
  return Status::Ok();
}

// What a caller who presses nothing reaches from `n`: the message's `after`
// or the menu's on_fail.
const Action& silentAction(const MenuNode& n) { return n.after ? *n.after : n.on_fail; }

void addAll(std::set<std::string>& out, const std::vector<std::string>& names) {
  out.insert(names.begin(), names.end());
}

void addAction(std::set<std::string>& out, const Action& a) {
  if (auto h = std::get_if<PlayThenHangup>(&a)) addAll(out, h->prompts);
  if (auto b = std::get_if<PlayThenBack>(&a)) addAll(out, b->prompts);
}

}  // namespace

Status validateFlow(const IvrFlow& flow) {
  if (flow.nodes.empty()) return flowError("nodes", "", "không có nút nào", "no nodes");
  if (!flow.nodes.count(flow.start))
    return flowError("start", "", "nút bắt đầu \"" + flow.start + "\" không tồn tại",
                     "start node \"" + flow.start + "\" does not exist");
  if (!flow.nodes.count(flow.closed))
    return flowError("closed", "", "nút ngoài giờ \"" + flow.closed + "\" không tồn tại",
                     "closed node \"" + flow.closed + "\" does not exist");
  for (const auto& [id, n] : flow.nodes) {
    const std::string f = "nodes." + id;
    if (id.empty()) return flowError("nodes", "", "nút không có tên", "a node without a name");
    if (n.id != id)
      return flowError(f, id, "id \"" + n.id + "\" khác tên nút",
                       "id \"" + n.id + "\" differs from the node's name");
    if (n.prompts.empty())
      return flowError(f + ".prompts", id, "không có lời nhắc", "no prompts");
    if (auto s = checkPrompts(n.intro, f + ".intro", id); !s) return s;
    if (auto s = checkPrompts(n.prompts, f + ".prompts", id); !s) return s;
    if (auto s = checkPrompts({n.invalid_prompt}, f + ".invalid_prompt", id); !s) return s;
    if (auto s = checkPrompts({n.timeout_prompt}, f + ".timeout_prompt", id); !s) return s;
    if (n.keys.empty() && !n.after)
      return flowError(f + ".keys", id, "không có phím nào và không có hành động tiếp theo (after)",
                       "neither keys nor an after action");
    for (const auto& [k, a] : n.keys) {
      const std::string kf = f + ".keys." + keyName(k);
      if (!validKey(k))
        return flowError(kf, id, "phím \"" + keyName(k) + "\" không hợp lệ (0-9, *, #)",
                         "key \"" + keyName(k) + "\" is not valid (0-9, *, #)");
      if (auto s = checkAction(flow, a, kf, id); !s) return s;
    }
    if (n.timeout_ms < 500 || n.timeout_ms > 120000)
      return flowError(f + ".timeout_ms", id, "thời gian chờ phím phải từ 500 đến 120000 ms",
                       "timeout_ms must be 500..120000");
    if (n.max_attempts < 1 || n.max_attempts > 10)
      return flowError(f + ".max_attempts", id, "số lần thử phải từ 1 đến 10",
                       "max_attempts must be 1..10");
    if (std::holds_alternative<PlayThenBack>(n.on_fail))
      return flowError(f + ".on_fail", id, "on_fail không thể là play_then_back (lặp vô hạn)",
                       "on_fail cannot be play_then_back (endless loop)");
    if (auto s = checkAction(flow, n.on_fail, f + ".on_fail", id); !s) return s;
    if (n.after) {
      if (std::holds_alternative<PlayThenBack>(*n.after))
        return flowError(f + ".after", id, "after không thể là play_then_back (lặp vô hạn)",
                         "after cannot be play_then_back (endless loop)");
      if (auto s = checkAction(flow, *n.after, f + ".after", id); !s) return s;
    }
  }
  // A caller who presses nothing must leave the IVR: follow on_fail/after GoTos.
  for (const auto& [id, n] : flow.nodes) {
    std::set<std::string> seen{id};
    const MenuNode* cur = &n;
    while (auto g = std::get_if<GoTo>(&silentAction(*cur))) {
      if (!seen.insert(g->node).second)
        return flowError("nodes." + id + (n.after ? ".after" : ".on_fail"), id,
                         "người gọi không bấm phím sẽ bị lặp mãi qua on_fail/after",
                         "a caller who presses nothing loops forever through on_fail/after");
      cur = &flow.nodes.at(g->node);
    }
  }
  return Status::Ok();
}

std::vector<std::string> flowPrompts(const IvrFlow& flow) {
  std::set<std::string> out;
  for (const auto& [id, n] : flow.nodes) {
    addAll(out, n.intro);
    addAll(out, n.prompts);
    out.insert(n.invalid_prompt);
    out.insert(n.timeout_prompt);
    for (const auto& [k, a] : n.keys) addAction(out, a);
    addAction(out, n.on_fail);
    if (n.after) addAction(out, *n.after);
  }
  return {out.begin(), out.end()};
}

// ---------------------------------------------------------------------------

IvrSession::IvrSession(const IvrFlow& flow, bool open)
    : flow_(flow), node_(open ? flow.start : flow.closed) {}

const MenuNode* IvrSession::node() const {
  auto it = flow_.nodes.find(node_);
  return it == flow_.nodes.end() ? nullptr : &it->second;
}

std::vector<Command> IvrSession::finish(Command last) {
  finished_ = true;
  playing_ = false;
  waiting_ = false;
  hangup_after_ = false;
  return {std::move(last)};
}

std::vector<Command> IvrSession::start(Millis now) {
  if (started_) return {};
  started_ = true;
  return enter(node_, now);
}

std::vector<Command> IvrSession::enter(const std::string& id, Millis /*now*/) {
  node_ = id;
  const MenuNode* n = node();
  if (!n) return finish(Transfer{"calls"});
  attempts_ = 0;
  Play p;
  if (visited_.insert(id).second) p.prompts = n->intro;
  p.prompts.insert(p.prompts.end(), n->prompts.begin(), n->prompts.end());
  playing_ = true;
  waiting_ = false;
  return {std::move(p)};
}

std::vector<Command> IvrSession::act(const Action& a, Millis now) {
  playing_ = false;
  waiting_ = false;
  return std::visit(
      [&](const auto& x) -> std::vector<Command> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, GoTo>) {
          return enter(x.node, now);
        } else if constexpr (std::is_same_v<T, ToQueue>) {
          return finish(Transfer{x.queue});
        } else if constexpr (std::is_same_v<T, PlayThenHangup>) {
          if (x.prompts.empty()) return finish(Hangup{});
          hangup_after_ = true;
          playing_ = true;
          return {Play{x.prompts}};
        } else if constexpr (std::is_same_v<T, PlayThenBack>) {
          const MenuNode* n = node();
          if (!n) return finish(Transfer{"calls"});
          Play p{x.prompts};
          p.prompts.insert(p.prompts.end(), n->prompts.begin(), n->prompts.end());
          playing_ = true;
          return {std::move(p)};
        } else if constexpr (std::is_same_v<T, SelfService>) {
          return finish(StartSelfService{});
        } else {
          static_assert(std::is_same_v<T, OfferCallback>);
          return finish(StartCallbackOffer{});
        }
      },
      a);
}

std::vector<Command> IvrSession::fail(Millis now, const std::string& prompt) {
  const MenuNode* n = node();
  if (!n) return finish(Transfer{"calls"});
  if (++attempts_ >= n->max_attempts) {
    // A GoTo enters a fresh node (attempts start again there).
    return act(n->on_fail, now);
  }
  Play p{{prompt}};
  p.prompts.insert(p.prompts.end(), n->prompts.begin(), n->prompts.end());
  playing_ = true;
  waiting_ = false;
  return {std::move(p)};
}

std::vector<Command> IvrSession::promptsDone(Millis now) {
  if (finished_ || !playing_) return {};
  playing_ = false;
  if (hangup_after_) return finish(Hangup{});
  const MenuNode* n = node();
  if (!n) return finish(Transfer{"calls"});
  if (n->after) return act(*n->after, now);
  waiting_ = true;
  until_ = now + n->timeout_ms;
  return {WaitForDigit{until_}};
}

std::vector<Command> IvrSession::digit(char d, Millis now) {
  if (finished_ || hangup_after_ || (!playing_ && !waiting_)) return {};
  const MenuNode* n = node();
  if (!n) return finish(Transfer{"calls"});
  auto k = n->keys.find(d);
  if (k == n->keys.end()) {
    if (n->after) return {};  // a message: only its own keys count
    return fail(now, n->invalid_prompt);
  }
  if (!path_.empty()) path_ += '>';
  path_ += d;
  attempts_ = 0;
  return act(k->second, now);
}

std::vector<Command> IvrSession::timeout(Millis now) {
  if (finished_ || !waiting_ || now < until_) return {};
  waiting_ = false;
  const MenuNode* n = node();
  if (!n) return finish(Transfer{"calls"});
  return fail(now, n->timeout_prompt);
}

}  // namespace tongdai::core::telephony
