// The IVR flow file and the prompt texts as shipped (data/ivr/hotline.toml,
// data/prompts/vi.toml), broken flow files, and the check that every prompt
// the flow and the C++ code can play has a Vietnamese text.
#include "app/telephony/ivr_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/telephony/keypad.h"
#include "core/text/fold.h"

#ifndef TONGDAI_SOURCE_DIR
// tests/app/ivr_file_test.cc -> the source tree (CMake passes absolute paths).
#define TONGDAI_SOURCE_DIR \
  std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string()
#endif

namespace tongdai::app {
namespace {

namespace fs = std::filesystem;
using namespace core::telephony;  // NOLINT

std::string sourcePath(const std::string& rel) {
  return (fs::path(TONGDAI_SOURCE_DIR) / rel).string();
}

TEST(IvrFile, HotlineFlowLoads) {
  auto r = loadIvrFlow(sourcePath("data/ivr/hotline.toml"));
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  const IvrFlow& f = r.value();
  EXPECT_EQ(f.start, "main");
  EXPECT_EQ(f.closed, "closed");
  const MenuNode& main = f.nodes.at("main");
  EXPECT_EQ(main.id, "main");
  EXPECT_EQ(main.intro, (std::vector<std::string>{"greeting"}));
  EXPECT_EQ(main.prompts, (std::vector<std::string>{"main_menu"}));
  EXPECT_EQ(std::get<GoTo>(main.keys.at('1')).node, "card");
  EXPECT_TRUE(std::holds_alternative<SelfService>(main.keys.at('2')));
  EXPECT_EQ(std::get<GoTo>(main.keys.at('3')).node, "vneid");
  EXPECT_EQ(std::get<ToQueue>(main.keys.at('0')).queue, "hotline");
  EXPECT_TRUE(std::get<PlayThenBack>(main.keys.at('9')).prompts.empty());
  EXPECT_EQ(main.timeout_ms, 6000);
  EXPECT_EQ(main.max_attempts, 3);
  EXPECT_EQ(std::get<ToQueue>(main.on_fail).queue, "hotline");
  EXPECT_EQ(std::get<ToQueue>(f.nodes.at("card").keys.at('2')).queue, "hotline");
  EXPECT_EQ(std::get<PlayThenBack>(f.nodes.at("vneid").keys.at('1')).prompts,
            (std::vector<std::string>{"vneid_info"}));
  const MenuNode& closed = f.nodes.at("closed");
  ASSERT_TRUE(closed.after.has_value());
  EXPECT_TRUE(std::holds_alternative<OfferCallback>(*closed.after));

  // A call through it: sub-menu path "1>2" to the operators' queue.
  IvrSession s(f, true);
  s.start(0);
  s.promptsDone(10000);
  s.digit('1', 11000);
  auto cmds = s.digit('2', 12000);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<Transfer>(cmds[0]).queue, "hotline");
  EXPECT_EQ(s.path(), "1>2");
  // Out of hours: the hours, then the callback offer.
  IvrSession night(f, false);
  night.start(0);
  cmds = night.promptsDone(15000);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<StartCallbackOffer>(cmds[0]));
}

// ---------------------------------------------------------------- broken files

class BrokenFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("tongdai-ivr-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` and loads it; returns the error (and checks what all share).
  core::Error load(const std::string& text) {
    std::string path = (dir_ / "flow.toml").string();
    std::ofstream(path) << text;
    auto r = loadIvrFlow(path);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return {};
    EXPECT_EQ(r.error().code, "ivr_invalid");
    EXPECT_NE(r.error().message_en.find(path), std::string::npos) << r.error().message_en;
    return r.error();
  }
  static bool saysLine(const core::Error& e, int line) {
    return e.message_en.find(":" + std::to_string(line) + ":") != std::string::npos &&
           e.message_vi.find("dòng " + std::to_string(line)) != std::string::npos;
  }

  fs::path dir_;
};

// A valid flow whose lines the tests below replace.
const char* kGood = R"(start = "main"
closed = "closed"
[nodes.main]
prompts = ["main_menu"]
keys = { "1" = { goto = "sub" }, "0" = { queue = "calls" } }
[nodes.sub]
prompts = ["card_menu"]
keys = { "1" = { queue = "calls" }, "*" = { goto = "main" } }
[nodes.closed]
prompts = ["closed_hours"]
after = { offer_callback = true }
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_F(BrokenFlowTest, TheBaseIsValid) {
  std::string path = (dir_ / "good.toml").string();
  std::ofstream(path) << kGood;
  auto r = loadIvrFlow(path);
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  // Defaults when [defaults] is absent: MenuNode's own.
  EXPECT_EQ(r.value().nodes.at("sub").timeout_ms, 6000);
  EXPECT_EQ(r.value().nodes.at("sub").invalid_prompt, "invalid_choice");
}

TEST_F(BrokenFlowTest, UnknownGotoTarget) {
  core::Error e = load(replaced(kGood, R"("*" = { goto = "main" })", R"("*" = { goto = "mian" })"));
  EXPECT_EQ(e.field, "nodes.sub.keys.*");
  EXPECT_TRUE(saysLine(e, 8)) << e.message_en;
  EXPECT_NE(e.message_en.find("mian"), std::string::npos);
}

TEST_F(BrokenFlowTest, BadKey) {
  core::Error e = load(replaced(kGood, R"("0" = { queue = "calls" })", R"("10" = { queue = "calls" })"));
  EXPECT_EQ(e.field, "nodes.main.keys.10");
  EXPECT_TRUE(saysLine(e, 5)) << e.message_en;
  e = load(replaced(kGood, R"("0" = { queue = "calls" })", R"("a" = { queue = "calls" })"));
  EXPECT_EQ(e.field, "nodes.main.keys.a");
  EXPECT_TRUE(saysLine(e, 5)) << e.message_en;
}

TEST_F(BrokenFlowTest, BadActions) {
  core::Error e = load(replaced(kGood, R"({ queue = "calls" } })", R"({ queue = "calls", goto = "sub" } })"));
  EXPECT_NE(e.message_en.find("exactly one"), std::string::npos) << e.message_en;
  e = load(replaced(kGood, "{ offer_callback = true }", "{ call_back = true }"));
  EXPECT_EQ(e.field, "nodes.closed.after");
  EXPECT_TRUE(saysLine(e, 11)) << e.message_en;
  e = load(replaced(kGood, "{ offer_callback = true }", "{ offer_callback = false }"));
  EXPECT_TRUE(saysLine(e, 11)) << e.message_en;
  e = load(replaced(kGood, "{ offer_callback = true }", "{ play_then_back = [] }"));
  EXPECT_EQ(e.field, "nodes.closed.after");
}

TEST_F(BrokenFlowTest, MissingOrBadPrompts) {
  core::Error e = load(replaced(kGood, "prompts = [\"card_menu\"]\n", ""));
  EXPECT_EQ(e.field, "nodes.sub.prompts");
  EXPECT_TRUE(saysLine(e, 6)) << e.message_en;  // the node's line when the member is missing
  e = load(replaced(kGood, "[\"card_menu\"]", "[\"Card Menu\"]"));
  EXPECT_EQ(e.field, "nodes.sub.prompts");
  EXPECT_TRUE(saysLine(e, 7)) << e.message_en;
  e = load(replaced(kGood, "[\"card_menu\"]", "\"card_menu\""));
  EXPECT_TRUE(saysLine(e, 7)) << e.message_en;
}

TEST_F(BrokenFlowTest, TyposAndSyntax) {
  core::Error e = load(replaced(kGood, "prompts = [\"card_menu\"]", "promts = [\"card_menu\"]"));
  EXPECT_EQ(e.field, "nodes.sub.promts");
  EXPECT_TRUE(saysLine(e, 7)) << e.message_en;
  e = load(replaced(kGood, "closed = \"closed\"", "closed = \"closed"));
  EXPECT_TRUE(saysLine(e, 2)) << e.message_en;
  e = load(replaced(kGood, "start = \"main\"", "start = \"welcome\""));
  EXPECT_EQ(e.field, "start");
  EXPECT_TRUE(saysLine(e, 1)) << e.message_en;
  e = load(std::string(kGood) + "[defaults]\ntimeout_ms = \"6s\"\n");
  EXPECT_EQ(e.field, "defaults.timeout_ms");
  EXPECT_TRUE(saysLine(e, 13)) << e.message_en;
  e = load(std::string(kGood) + "[defaults]\ntimeout_ms = 50\n");
  EXPECT_EQ(e.field, "nodes.closed.timeout_ms");
}

TEST_F(BrokenFlowTest, MissingFile) {
  auto r = loadIvrFlow((dir_ / "nope.toml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ivr_invalid");
}

// ---------------------------------------------------------------- prompt texts

TEST_F(BrokenFlowTest, PromptTextsNeedText) {
  std::string path = (dir_ / "p.toml").string();
  std::ofstream(path) << "greeting = \"Xin chào\"\nmain_menu = \"\"\n";
  auto r = loadPromptTexts(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "prompts_invalid");
  EXPECT_EQ(r.error().field, "main_menu");
  EXPECT_NE(r.error().message_en.find(":2:"), std::string::npos) << r.error().message_en;
  std::ofstream(path) << "Greeting = \"Xin chào\"\n";
  EXPECT_EQ(loadPromptTexts(path).error().field, "Greeting");
  std::ofstream(path) << "greeting = 3\n";
  EXPECT_FALSE(loadPromptTexts(path).ok());
}

TEST_F(BrokenFlowTest, MissingPromptFiles) {
  std::ofstream(dir_ / "greeting.wav") << "RIFF";
  EXPECT_EQ(missingPromptFiles({"greeting", "main_menu"}, dir_.string()),
            (std::vector<std::string>{"main_menu"}));
}

TEST(PromptTexts, EveryPromptUsedHasAVietnameseText) {
  auto flow = loadIvrFlow(sourcePath("data/ivr/hotline.toml"));
  ASSERT_TRUE(flow.ok()) << flow.error().message_en;
  auto texts = loadPromptTexts(sourcePath("data/prompts/vi.toml"));
  ASSERT_TRUE(texts.ok()) << texts.error().message_en;
  const auto& t = texts.value();

  std::set<std::string> used;
  for (const auto& n : flowPrompts(flow.value())) used.insert(n);
  for (const auto& n : knownPrompts()) used.insert(n);
  for (const auto& n : used) {
    auto it = t.find(n);
    if (it == t.end()) {
      ADD_FAILURE() << "no text for prompt " << n;
      continue;
    }
    EXPECT_TRUE(core::text::isValidUtf8(it->second)) << n;
    EXPECT_EQ(it->second, core::text::toNfc(it->second)) << n << " is not NFC";
  }
  // Nothing in the file that nobody plays (a typo in a name, a prompt left behind).
  for (const auto& [name, text] : t) EXPECT_TRUE(used.count(name)) << "unused prompt " << name;
  EXPECT_FALSE(t.count("moh")) << "music on hold is generated, not a prompt";
}

TEST(PromptTexts, NumbersAreSpokenByTheRules) {
  auto texts = loadPromptTexts(sourcePath("data/prompts/vi.toml"));
  ASSERT_TRUE(texts.ok()) << texts.error().message_en;
  const auto& t = texts.value();
  for (int d = 0; d <= 9; ++d) EXPECT_EQ(t.at("digit_" + std::to_string(d)), numberWords(d));
  // What numberPrompts(n) plays, put together, says numberWords(n).
  for (int n = 0; n <= 999; ++n) {
    std::string said;
    for (const auto& p : numberPrompts(n)) said += (said.empty() ? "" : " ") + t.at(p);
    EXPECT_EQ(said, numberWords(n)) << n;
  }
  EXPECT_EQ(t.at("num_21"), "hai mươi mốt");
  EXPECT_EQ(t.at("num_24"), "hai mươi tư");
  EXPECT_EQ(t.at("num_15"), "mười lăm");
}

}  // namespace
}  // namespace tongdai::app
