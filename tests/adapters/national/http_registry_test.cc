// The HTTP adapter of the national registry against the local stand-in
// (app/registry_stub) on 127.0.0.1, whose backend is an in-memory Registry:
// what is under test is the client and the stub speaking the contract
// (docs/registry-http-contract.md). The shared registry contract test runs the
// adapter over the real SQLite registry.
#include "adapters/national/http_registry.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/registry_stub.h"
#include "core/registry/match.h"
#include "core/text/fold.h"

namespace tongdai::national {
namespace {

using namespace core::registry;  // NOLINT: the model's names read better bare here
using app::RegistryStubOptions;
using core::Result;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kToken = "test-token-7f3a";

// ------------------------------------------------------------------ the backend

// A map of records. Its search deliberately answers unranked, with zero scores
// and with candidates whose birth month disagrees: the client must re-rank and
// drop them itself ("the service may rank; we re-rank").
class MemoryRegistry : public Registry {
 public:
  void add(PersonRecord r) {
    std::lock_guard lock(m_);
    records_[r.person.id] = std::move(r);
  }
  std::atomic<bool> failing{false};

  Result<std::optional<PersonRecord>> personById(const std::string& id) override {
    if (failing) return down();
    std::lock_guard lock(m_);
    auto it = records_.find(id);
    if (it == records_.end()) return std::optional<PersonRecord>{};
    return std::optional<PersonRecord>(it->second);
  }

  Result<std::optional<PersonRecord>> personByApplication(const std::string& code) override {
    if (failing) return down();
    std::lock_guard lock(m_);
    for (auto& [id, r] : records_) {
      for (auto& a : r.applications) {
        if (a.code == code) return std::optional<PersonRecord>(r);
      }
    }
    return std::optional<PersonRecord>{};
  }

  Result<std::vector<Candidate>> findByName(const NameQuery& q) override {
    if (failing) return down();
    std::lock_guard lock(m_);
    std::vector<Candidate> out;
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      const Person& p = it->second.person;
      if (nameKey(p.full_name) == nameKey(q.full_name) && p.birth_date.year == q.birth_date.year) {
        out.push_back(Candidate{p, 0});
      }
    }
    return out;
  }

  Result<RegistryStats> stats() override {
    if (failing) return down();
    std::lock_guard lock(m_);
    RegistryStats s;
    for (auto& [id, r] : records_) {
      s.people++;
      s.applications += std::int64_t(r.applications.size());
      s.cards += std::int64_t(r.cards.size());
    }
    return s;
  }

  std::string describe() const override { return "memory:"; }

 private:
  static core::Error down() {
    return core::makeError("registry_unavailable", "Cơ sở dữ liệu tạm dừng.", "Backend down.");
  }
  std::mutex m_;
  std::map<std::string, PersonRecord> records_;
};

Person person(std::string id, std::string name, PartialDate birth, std::string province_code) {
  Person p;
  p.id = std::move(id);
  p.full_name = std::move(name);
  p.birth_date = birth;
  p.ethnicity = "Kinh";
  p.hometown = "Nghệ An";
  p.permanent = Address{"Phường Bến Thành", "TP Hồ Chí Minh"};
  p.current = Address{"Phường Sài Gòn", "TP Hồ Chí Minh"};
  p.former_province_code = std::move(province_code);
  p.vneid_level = 2;
  return p;
}

// Everything a record can hold: two applications (one returned), two cards.
PersonRecord fullRecord() {
  PersonRecord r;
  r.person = person("079090001234", "Nguyễn Văn An", PartialDate{1990, 5, 17}, "079");
  Application first;
  first.code = "079-210301-00000001";
  first.person_id = r.person.id;
  first.type = ApplicationType::new_card;
  first.type_reason = "first_issue";
  first.office = "Công an phường Bến Thành";
  first.office_province = "TP Hồ Chí Minh";
  first.received_at = 1614556800;
  first.approved_at = 1614643200;
  first.printing_at = 1614729600;
  first.printed_at = 1614816000;
  first.dispatched_at = 1614902400;
  first.handed_over_at = 1614988800;
  first.stage = Stage::handed_over;
  first.due_date = "2021-03-10";
  first.delivery = "office";
  Application second = first;
  second.code = "079-261105-00004213";
  second.type = ApplicationType::reissue;
  second.type_reason = "lost";
  second.received_at = 1793836800;
  second.approved_at = second.printing_at = second.printed_at = 0;
  second.dispatched_at = second.handed_over_at = 0;
  second.returned_at = 1793923200;
  second.returned_reason = "Bổ sung đơn trình báo mất thẻ có xác nhận của công an xã.";
  second.stage = Stage::returned;
  second.due_date = "2026-11-14";
  second.delivery = "post";
  r.applications = {first, second};
  r.cards = {Card{r.person.id, r.person.id, "079-140601-00000077", "2014-06-10", "2015-05-17"},
             Card{r.person.id, r.person.id, first.code, "2021-03-06", "2030-05-17"}};
  return r;
}

PersonRecord plainRecord(Person p) {
  PersonRecord r;
  r.person = std::move(p);
  return r;
}

// ------------------------------------------------------------------ raw HTTP

// A listening socket on 127.0.0.1:0 that never accepts: connects succeed (the
// kernel completes them) and requests are never answered.
struct Blackhole {
  int fd = -1;
  std::uint16_t port = 0;
  Blackhole() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 16);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Blackhole() { ::close(fd); }
};

// A port nothing listens on (bound, then released).
std::uint16_t closedPort() {
  Blackhole b;
  return b.port;
}

struct RawResponse {
  int status = 0;
  std::string head, body;
};

// One request over a fresh connection, "Connection: close", read to EOF.
RawResponse rawRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& extra_headers, const std::string& body = "") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  RawResponse out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return out;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(fd, req.data(), req.size(), 0);
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, std::size_t(n));
  ::close(fd);
  auto split = all.find("\r\n\r\n");
  if (all.size() < 12 || split == std::string::npos) return out;
  out.status = std::stoi(all.substr(9, 3));
  out.head = all.substr(0, split);
  out.body = all.substr(split + 4);
  return out;
}

std::string errorCode(const RawResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

const std::string kAuth = std::string("Authorization: Bearer ") + kToken + "\r\n";
const std::string kRequestId = "X-Request-Id: 0b7e5c1e-8a0f-4c8e-9d2a-3f1e2d4c5b6a\r\n";

// ------------------------------------------------------------------ fixture

thread_local std::string t_purpose;

class HttpRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_.add(fullRecord());
    // Same name key and birth year as the full record, ranked differently.
    backend_.add(plainRecord(person("001090004321", "Nguyễn Văn An", PartialDate{1990, 0, 0}, "001")));
    backend_.add(plainRecord(person("048090000777", "Nguyen Van An", PartialDate{1990, 5, 17}, "048")));
    backend_.add(plainRecord(person("079090009999", "Nguyễn Văn Ân", PartialDate{1990, 6, 2}, "079")));
    startStub();
  }

  void startStub(std::uint16_t port = 0, RegistryStubOptions options = {}) {
    stub_ = std::make_unique<app::RegistryStub>(backend_, kToken, "127.0.0.1", port, options);
    ASSERT_EQ(stub_->start(), "");
  }

  HttpRegistryOptions options() {
    HttpRegistryOptions o;
    o.base_url = stub_->baseUrl();
    o.bearer_token = kToken;
    o.purpose = [] { return t_purpose; };
    return o;
  }

  std::unique_ptr<Registry> client(HttpRegistryOptions o) {
    auto r = makeHttpRegistry(std::move(o));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message_en);
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::unique_ptr<Registry> client() { return client(options()); }

  MemoryRegistry backend_;
  std::unique_ptr<app::RegistryStub> stub_;
};

void expectError(const core::Error& e, const std::string& code) {
  EXPECT_EQ(e.code, code) << e.message_en;
  EXPECT_FALSE(e.message_vi.empty());
  EXPECT_EQ(e.message_vi, core::text::toNfc(e.message_vi));
  EXPECT_FALSE(e.message_en.empty());
}

// ------------------------------------------------------------------ look-ups

TEST_F(HttpRegistryTest, FullRecordRoundTrip) {
  auto reg = client();
  auto r = reg->personById("079090001234");
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(r->value(), fullRecord());
}

TEST_F(HttpRegistryTest, ByApplicationCodeInAnyTypedForm) {
  auto reg = client();
  auto r = reg->personByApplication("079 261105 00004213");
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(r->value(), fullRecord());
  EXPECT_EQ(stub_->recentRequests().back().path,
            std::string(app::RegistryStub::kBasePath) + "/applications/079-261105-00004213");
}

TEST_F(HttpRegistryTest, NotFoundIsAValue) {
  auto reg = client();
  auto r = reg->personById("001099999999");
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  EXPECT_FALSE(r->has_value());
  auto a = reg->personByApplication("001-260101-00000001");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
}

TEST_F(HttpRegistryTest, MalformedKeysFindNoOneAndAreNotSent) {
  auto reg = client();
  const auto before = stub_->recentRequests().size();
  for (const char* id : {"12345", "07909000123x", "", "0790900012345"}) {
    auto r = reg->personById(id);
    ASSERT_TRUE(r.ok()) << id;
    EXPECT_FALSE(r->has_value()) << id;
  }
  auto a = reg->personByApplication("079-2611");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
  EXPECT_EQ(stub_->recentRequests().size(), before);
}

TEST_F(HttpRegistryTest, SearchIsReRankedByTheClient) {
  auto reg = client();
  NameQuery q{"Nguyễn Văn An", PartialDate{1990, 5, 17}, "079", 10};
  auto r = reg->findByName(q);
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  // Exact spelling + full date + province 90; same spelling, year only 40;
  // unaccented spelling with the full date 30; "Ân" born in June dropped.
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].person.id, "079090001234");
  EXPECT_EQ((*r)[0].score, 90);
  EXPECT_EQ((*r)[1].person.id, "001090004321");
  EXPECT_EQ((*r)[1].score, 40);
  EXPECT_EQ((*r)[2].person.id, "048090000777");
  EXPECT_EQ((*r)[2].score, 30);
  EXPECT_EQ((*r)[0].person, fullRecord().person);

  q.limit = 2;
  auto two = reg->findByName(q);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
}

TEST_F(HttpRegistryTest, SearchThatCanMatchNoOneIsEmptyAndNotSent) {
  auto reg = client();
  const auto before = stub_->recentRequests().size();
  for (NameQuery q : {NameQuery{"", PartialDate{1990, 0, 0}, "", 10}, NameQuery{"Nguyễn Văn An", {}, "", 10},
                      NameQuery{"Nguyễn Văn An", PartialDate{1990, 0, 0}, "", 0}}) {
    auto r = reg->findByName(q);
    ASSERT_TRUE(r.ok()) << r.error().message_en;
    EXPECT_TRUE(r->empty());
  }
  EXPECT_EQ(stub_->recentRequests().size(), before);
  // An ill-formed province code only ever failed to score: dropped, the search still runs.
  auto r = reg->findByName(NameQuery{"Nguyễn Văn An", PartialDate{1990, 0, 0}, "79", -1});
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  EXPECT_EQ(r->size(), 4u);
}

TEST_F(HttpRegistryTest, Stats) {
  auto reg = client();
  auto s = reg->stats();
  ASSERT_TRUE(s.ok()) << s.error().message_en;
  EXPECT_EQ(s->people, 4);
  EXPECT_EQ(s->applications, 2);
  EXPECT_EQ(s->cards, 2);
  EXPECT_EQ(reg->describe(), stub_->baseUrl());
}

// ------------------------------------------------------------------ headers

TEST_F(HttpRegistryTest, EveryRequestCarriesAFreshRequestIdAndThePurpose) {
  auto reg = client();
  t_purpose = "case=PYC-42; reason=xác minh\r\nX-Evil: 1";
  ASSERT_TRUE(reg->personById("079090001234").ok());
  t_purpose = "";
  ASSERT_TRUE(reg->stats().ok());
  auto log = stub_->recentRequests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_TRUE(isUuid(log[0].request_id));
  EXPECT_TRUE(isUuid(log[1].request_id));
  EXPECT_NE(log[0].request_id, log[1].request_id);
  EXPECT_EQ(log[0].request_id[14], '4');  // version 4
  EXPECT_EQ(log[0].purpose, "case=PYC-42; reason=x%C3%A1c minh%0D%0AX-Evil: 1");
  EXPECT_EQ(log[1].purpose, "");
  EXPECT_EQ(log[0].status, 200);
}

TEST(RequestId, FreshUuidsV4) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = newRequestId();
    ASSERT_TRUE(isUuid(id)) << id;
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(isUuid("0b7e5c1e-8a0f-4c8e-9d2a-3f1e2d4c5b6"));
  EXPECT_FALSE(isUuid("0b7e5c1e08a0f-4c8e-9d2a-3f1e2d4c5b6a"));
  EXPECT_FALSE(isUuid("0b7e5c1e-8a0f-4c8e-9d2a-3f1e2d4c5b6g"));
}

// ------------------------------------------------------------------ failures

TEST_F(HttpRegistryTest, BadTokenIsUnauthorized) {
  auto o = options();
  o.bearer_token = "wrong";
  auto reg = client(o);
  auto r = reg->personById("079090001234");
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_unauthorized");
  EXPECT_EQ(stub_->recentRequests().back().status, 401);
}

TEST_F(HttpRegistryTest, ServerDownIsUnavailableAtOnce) {
  auto o = options();
  o.base_url = "http://127.0.0.1:" + std::to_string(closedPort()) + "/api/national-registry/v1";
  auto reg = client(o);
  const auto start = Clock::now();
  auto r = reg->personById("079090001234");
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_unavailable");
  EXPECT_EQ(r.error().message_vi,
            "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư, vui lòng thử lại sau.");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
}

TEST_F(HttpRegistryTest, SilentServerIsUnavailableWithinTheRequestTimeout) {
  Blackhole hole;
  auto o = options();
  o.base_url = "http://127.0.0.1:" + std::to_string(hole.port) + "/api/national-registry/v1";
  o.request_timeout = std::chrono::milliseconds(300);
  auto reg = client(o);
  const auto start = Clock::now();
  auto r = reg->findByName(NameQuery{"Nguyễn Văn An", PartialDate{1990, 0, 0}, "", 10});
  const auto took = Clock::now() - start;
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_unavailable");
  EXPECT_NE(r.error().message_en.find("timed out"), std::string::npos) << r.error().message_en;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(HttpRegistryTest, BackendFailureIsUnavailable) {
  auto reg = client();
  backend_.failing = true;
  auto r = reg->stats();
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_unavailable");
  EXPECT_EQ(stub_->recentRequests().back().status, 503);
}

TEST_F(HttpRegistryTest, RateLimitedSaysWhenToRetry) {
  stub_.reset();
  RegistryStubOptions limited;
  limited.requests_per_second = 0.5;
  limited.burst = 2;
  startStub(0, limited);
  auto reg = client();
  ASSERT_TRUE(reg->stats().ok());
  ASSERT_TRUE(reg->stats().ok());
  auto r = reg->stats();
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_rate_limited");
  EXPECT_NE(r.error().message_vi.find("2 giây"), std::string::npos) << r.error().message_vi;
}

TEST_F(HttpRegistryTest, WrongBasePathIsNotMistakenForNotFound) {
  auto o = options();
  o.base_url = "http://127.0.0.1:" + std::to_string(stub_->port()) + "/api/national-registry/v2";
  auto reg = client(o);
  auto r = reg->personById("001099999999");
  ASSERT_FALSE(r.ok());
  expectError(r.error(), "registry_bad_response");
}

TEST_F(HttpRegistryTest, StaleKeepAliveConnectionIsRetriedOnce) {
  const std::uint16_t port = stub_->port();
  auto reg = client();
  ASSERT_TRUE(reg->stats().ok());  // leaves a keep-alive connection in the pool
  stub_.reset();                   // the server goes away: that connection is now dead
  startStub(port);                 // and comes back on the same port
  auto r = reg->personById("079090001234");
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  EXPECT_TRUE(r->has_value());
  EXPECT_EQ(stub_->recentRequests().size(), 1u);
}

TEST_F(HttpRegistryTest, IdleConnectionsBeyondMaxIdleAreReopened) {
  auto o = options();
  o.max_idle = std::chrono::seconds(0);
  auto reg = client(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reg->stats().ok());
}

TEST_F(HttpRegistryTest, ConcurrentCallsFromEightThreads) {
  auto o = options();
  o.pool_size = 4;  // fewer connections than threads: borrowers wait their turn
  auto reg = client(o);
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      t_purpose = "case=" + std::to_string(t);
      for (int i = 0; i < 40; ++i) {
        bool ok = false;
        if (i % 2 == 0) {
          auto r = reg->personById("079090001234");
          ok = r.ok() && r->has_value() && r->value() == fullRecord();
        } else {
          auto r = reg->findByName(NameQuery{"Nguyễn Văn An", PartialDate{1990, 5, 17}, "079", 10});
          ok = r.ok() && r->size() == 3 && (*r)[0].score == 90;
        }
        (ok ? good : bad)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good, 320);
  EXPECT_EQ(bad, 0);
  // Each thread's purpose went with its own requests.
  for (const auto& a : stub_->recentRequests()) EXPECT_EQ(a.purpose.rfind("case=", 0), 0u);
}

// ------------------------------------------------------------------ the stub's answers

TEST_F(HttpRegistryTest, StubRejectsMalformedIdWith422) {
  const std::string base = app::RegistryStub::kBasePath;
  auto r = rawRequest(stub_->port(), "GET", base + "/persons/07909000123X", kAuth + kRequestId);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(errorCode(r), "invalid_id");
  r = rawRequest(stub_->port(), "GET", base + "/applications/079-2611", kAuth + kRequestId);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(errorCode(r), "invalid_application_code");
}

TEST_F(HttpRegistryTest, StubEnforcesTokenRequestIdAndQueryRules) {
  const std::string base = app::RegistryStub::kBasePath;
  const auto port = stub_->port();
  auto r = rawRequest(port, "GET", base + "/stats", kRequestId);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.head.find("WWW-Authenticate: Bearer"), std::string::npos);
  EXPECT_EQ(rawRequest(port, "GET", base + "/stats", "Authorization: bearer " + std::string(kToken) + "\r\n" +
                                                         kRequestId).status,
            200);  // the scheme is case-insensitive
  r = rawRequest(port, "GET", base + "/stats", kAuth);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "invalid_request_id");
  r = rawRequest(port, "POST", base + "/persons/search", kAuth + kRequestId, "{not json");
  EXPECT_EQ(r.status, 400);
  r = rawRequest(port, "POST", base + "/persons/search", kAuth + kRequestId,
                 R"({"full_name":"An","birth_date":"1990","limit":500})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(errorCode(r), "invalid_query");
  r = rawRequest(port, "POST", base + "/persons/search", kAuth + kRequestId, R"({"full_name":"An"})");
  EXPECT_EQ(r.status, 422);
  r = rawRequest(port, "GET", base + "/persons/search", kAuth + kRequestId);
  EXPECT_EQ(r.status, 405);
  r = rawRequest(port, "GET", base + "/people", kAuth + kRequestId);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "no_such_endpoint");
  r = rawRequest(port, "GET", base + "/persons/001099999999", kAuth + kRequestId);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "not_found");
}

// ------------------------------------------------------------------ configuration

TEST(HttpRegistryConfig, RefusesBadOptions) {
  auto make = [](std::string url, std::string token = kToken) {
    HttpRegistryOptions o;
    o.base_url = std::move(url);
    o.bearer_token = std::move(token);
    return makeHttpRegistry(std::move(o));
  };
  for (const char* url : {"ftp://x/y", "127.0.0.1:8090/api", "http://:80/x", "http://h:99999/x",
                          "http://user@h/x", "http://h/x?y=1", "http://[::1/x", "http://h:8o/x"}) {
    auto r = make(url);
    ASSERT_FALSE(r.ok()) << url;
    expectError(r.error(), "registry_config");
    EXPECT_EQ(r.error().field, "base_url");
  }
  auto r = make("http://127.0.0.1:1/x", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "bearer_token");
  r = make("http://127.0.0.1:1/x", "a\r\nb");
  ASSERT_FALSE(r.ok());
  HttpRegistryOptions o;
  o.base_url = "https://127.0.0.1/x";
  o.bearer_token = kToken;
  o.ca_file = "/nonexistent/ca.pem";
  r = makeHttpRegistry(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "ca_file");
}

TEST(HttpRegistryConfig, DescribesTheNormalisedUrl) {
  HttpRegistryOptions o;
  o.bearer_token = kToken;
  o.base_url = "HTTP://127.0.0.1:80/api/national-registry/v1/";
  auto r = makeHttpRegistry(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->describe(), "http://127.0.0.1/api/national-registry/v1");
  o.base_url = "http://[::1]:8090/v1";
  r = makeHttpRegistry(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->describe(), "http://[::1]:8090/v1");
}

// ------------------------------------------------------------------ TLS

// A self-signed certificate for localhost/127.0.0.1 made now (nothing to expire
// in the repository), and a one-request-per-connection TLS server answering
// /stats with plain OpenSSL: enough to prove the client verifies and talks TLS.
class TlsServer {
 public:
  TlsServer() {
    key_ = EVP_EC_gen("P-256");
    cert_ = selfSigned(key_);
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert_);
    SSL_CTX_use_PrivateKey(ctx_, key_);
    cert_path_ = fs::temp_directory_path() / ("tongdai-tls-" + std::to_string(::getpid()) + ".pem");
    FILE* f = std::fopen(cert_path_.c_str(), "w");
    PEM_write_X509(f, cert_);
    std::fclose(f);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stopping_ = true;
    ::shutdown(listener_.fd, SHUT_RDWR);  // wakes accept()
    thread_.join();
    SSL_CTX_free(ctx_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
    fs::remove(cert_path_);
  }
  std::uint16_t port() const { return listener_.port; }
  std::string caFile() const { return cert_path_.string(); }
  int handshakes() const { return handshakes_; }

 private:
  static X509* selfSigned(EVP_PKEY* key) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    return x;
  }

  void serve() {
    while (!stopping_) {
      int fd = ::accept(listener_.fd, nullptr, nullptr);
      if (fd < 0) return;
      answer(fd);
      ::close(fd);
    }
  }

  void answer(int fd) {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      handshakes_++;
      std::string req;
      char buf[2048];
      while (req.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, std::size_t(n));
      }
      const std::string body = R"({"people":7,"applications":8,"cards":9})";
      const std::string res = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      SSL_write(ssl, res.data(), int(res.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ERR_clear_error();
  }

  Blackhole listener_;  // a listening socket; here it does accept
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  fs::path cert_path_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

TEST(HttpRegistryTls, TalksToATrustedServerByAddressAndName) {
  TlsServer server;
  for (const char* host : {"127.0.0.1", "localhost"}) {
    HttpRegistryOptions o;
    o.base_url = "https://" + std::string(host) + ":" + std::to_string(server.port()) + "/v1";
    o.bearer_token = kToken;
    o.ca_file = server.caFile();
    auto reg = makeHttpRegistry(o);
    ASSERT_TRUE(reg.ok()) << reg.error().message_en;
    for (int i = 0; i < 2; ++i) {  // the server closes after each: the second call reconnects
      auto s = reg.value()->stats();
      ASSERT_TRUE(s.ok()) << host << ": " << s.error().message_en;
      EXPECT_EQ(s->people, 7);
      EXPECT_EQ(s->cards, 9);
    }
  }
  EXPECT_EQ(server.handshakes(), 4);
}

TEST(HttpRegistryTls, RefusesAnUntrustedCertificate) {
  TlsServer server;
  HttpRegistryOptions o;
  o.base_url = "https://127.0.0.1:" + std::to_string(server.port()) + "/v1";
  o.bearer_token = kToken;  // ca_file empty: the system store, which does not know this certificate
  auto reg = makeHttpRegistry(o);
  ASSERT_TRUE(reg.ok()) << reg.error().message_en;
  auto s = reg.value()->stats();
  ASSERT_FALSE(s.ok());
  expectError(s.error(), "registry_unavailable");
  EXPECT_NE(s.error().message_en.find("certificate"), std::string::npos) << s.error().message_en;
}

}  // namespace
}  // namespace tongdai::national
