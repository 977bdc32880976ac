// [queues.<id>] in tongdai.toml: parsed by loadConfigFile, applied onto the
// routing engine's queues by applyQueueSettings, with clear errors.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/acd/acd_service.h"
#include "app/config.h"

namespace tongdai::app {
namespace {

std::string writeToml(const std::string& text) {
  char name[] = "/tmp/tongdai-queues-XXXXXX.toml";
  int fd = mkstemps(name, 5);
  EXPECT_GE(fd, 0);
  std::ofstream(name) << text;
  close(fd);
  return name;
}

core::routing::QueueConfig queue(const core::routing::Config& c, const std::string& id) {
  for (const auto& q : c.queues) {
    if (q.id == id) return q;
  }
  ADD_FAILURE() << "no queue " << id;
  return {};
}

TEST(QueueSettings, ParsedAndApplied) {
  auto path = writeToml(
      "[queues.hotline]\nring_timeout_s = 20\nwrap_up_s = 5\nmax_waiting = 300\noverflow_after_s = "
      "600\n"
      "overflow_to = \"officers\"\nmax_wait_s = 900\n");
  Config cfg;
  ASSERT_TRUE(loadConfigFile(path, cfg).ok());
  std::remove(path.c_str());
  ASSERT_EQ(cfg.queues.size(), 1u);
  EXPECT_EQ(cfg.queues[0].max_wait_s, 900);
  auto routing = defaultAcdConfig();
  auto before = queue(routing, "email");
  ASSERT_TRUE(applyQueueSettings(cfg.queues, routing).ok());
  auto hotline = queue(routing, "hotline");
  EXPECT_EQ(hotline.ring_timeout, 20000);
  EXPECT_EQ(hotline.wrap_up, 5000);
  EXPECT_EQ(hotline.max_length, 300);
  EXPECT_EQ(hotline.overflow_after, 600000);
  EXPECT_EQ(hotline.overflow_to, "officers");
  EXPECT_EQ(queue(routing, "email").wrap_up, before.wrap_up);  // untouched
}

TEST(QueueSettings, BadValuesAreConfigErrors) {
  for (const char* text :
       {"[queues.hotline]\nwrap_up_s = -1\n", "[queues.hotline]\nmax_wait_s = \"x\"\n",
        "queues = 3\n[x]\n", "[queues]\nhotline = 1\n"}) {
    auto path = writeToml(text);
    Config cfg;
    auto st = loadConfigFile(path, cfg);
    std::remove(path.c_str());
    ASSERT_FALSE(st.ok()) << text;
    EXPECT_EQ(st.error().code, "config") << text;
  }
}

TEST(QueueSettings, UnknownQueuesAndTargetsAreRefused) {
  auto routing = defaultAcdConfig();
  QueueSettings unknown;
  unknown.id = "hotlien";
  EXPECT_EQ(applyQueueSettings({unknown}, routing).error().code, "config");
  QueueSettings self;
  self.id = "hotline";
  self.overflow_to = "hotline";
  EXPECT_FALSE(applyQueueSettings({self}, routing).ok());
  QueueSettings nowhere;
  nowhere.id = "hotline";
  nowhere.overflow_to = "nowhere";
  EXPECT_FALSE(applyQueueSettings({nowhere}, routing).ok());
  QueueSettings zero;
  zero.id = "hotline";
  zero.ring_timeout_s = 0;
  EXPECT_FALSE(applyQueueSettings({zero}, routing).ok());
}

TEST(QueueSettings, OfficersTakeOnlyTheirQueue) {
  auto routing = defaultAcdConfig();
  auto officer = agentConfigFor("cbnv01", core::auth::Role::officer);
  auto op = agentConfigFor("tdv01", core::auth::Role::operator_);
  ASSERT_TRUE(officer && op);
  EXPECT_FALSE(agentConfigFor("giamsat", core::auth::Role::supervisor));
  for (const auto& q : routing.queues) {
    for (const auto& [skill, level] : q.skills) {
      bool officer_has = officer->skills.count(skill) && officer->skills.at(skill) >= level;
      bool op_has = op->skills.count(skill) && op->skills.at(skill) >= level;
      EXPECT_EQ(officer_has, q.id == kOfficersQueue) << q.id;
      EXPECT_EQ(op_has, q.id != kOfficersQueue) << q.id;
    }
    EXPECT_FALSE(q.skills.empty()) << q.id << ": a queue without skills would take everyone";
  }
}

}  // namespace
}  // namespace tongdai::app
