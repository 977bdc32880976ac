// The SIP endpoint against real SIPp processes on loopback (Debian's
// sip-tester). The scenarios are tests/sip/*.xml. Without sipp these tests
// fail: telephony that is not exercised is not known to work.
#include "adapters/sip/endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace tongdai::sip {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char kRealm[] = "tongdai";
constexpr char kHotline[] = "19000368";

// ---- environment ---------------------------------------------------------------

fs::path sourceRoot() {
  if (const char* env = std::getenv("TONGDAI_SOURCE")) return env;
  // __FILE__ is <root>/tests/adapters/sip/endpoint_test.cc in CMake builds.
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

std::string scenario(const std::string& name) {
  return (sourceRoot() / "tests" / "sip" / name).string();
}

bool haveSipp() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/sipp").c_str(), X_OK) == 0) return true;
  }
  return false;
}

bool portFree(int port, int type) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// `count` consecutive ports free for UDP and TCP, above the endpoint's RTP range.
int freePorts(int count = 1) {
  static std::mt19937 rng(static_cast<unsigned>(getpid()) * 7919u +
                          static_cast<unsigned>(time(nullptr)));
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = 40000 + static_cast<int>(rng() % 20000) / 4 * 4;
    bool ok = true;
    for (int p = base; p < base + count && ok; ++p) {
      ok = portFree(p, SOCK_DGRAM) && portFree(p, SOCK_STREAM);
    }
    if (ok) return base;
  }
  return 0;
}

// ---- SIPp ------------------------------------------------------------------------

class Sipp {
 public:
  // Starts sipp with `args`, in `dir` (its logs land there).
  Sipp(const fs::path& dir, const std::string& label, std::vector<std::string> args)
      : log_((dir / (label + ".log")).string()) {
    args.insert(args.begin(), "sipp");
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir(dir.c_str()) != 0) _exit(126);
      const int in = open("/dev/null", O_RDONLY);
      const int out = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(in, 0);
      dup2(out, 1);
      dup2(out, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("sipp", argv.data());
      _exit(127);
    }
  }
  Sipp(const Sipp&) = delete;
  Sipp& operator=(const Sipp&) = delete;
  ~Sipp() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Exit status, or -1 if it had to be killed after `timeout`.
  int wait(std::chrono::milliseconds timeout = 40s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  std::string log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

// ---- events ---------------------------------------------------------------------

struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<IncomingCall> incoming;
  std::vector<std::pair<CallId, char>> digits;
  std::vector<std::pair<CallId, std::uint64_t>> plays_done;
  std::vector<CallId> ringing, answered;
  std::multimap<CallId, std::string> ended;
  std::vector<Registration> registrations;
  std::map<std::string, std::string> ha1;  // user -> HA1

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = 15s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return pred(); });
  }

  Handler handler() {
    Handler h;
    h.ha1_for = [this](const std::string& user) -> std::optional<std::string> {
      std::lock_guard lock(mu);
      auto it = ha1.find(user);
      if (it == ha1.end()) return std::nullopt;
      return it->second;
    };
    h.on_registration = [this](const Registration& r) { add([&] { registrations.push_back(r); }); };
    h.on_incoming = [this](const IncomingCall& c) { add([&] { incoming.push_back(c); }); };
    h.on_digit = [this](CallId id, char d) { add([&] { digits.emplace_back(id, d); }); };
    h.on_play_done = [this](CallId id, std::uint64_t p) {
      add([&] { plays_done.emplace_back(id, p); });
    };
    h.on_ringing = [this](CallId id) { add([&] { ringing.push_back(id); }); };
    h.on_answered = [this](CallId id) { add([&] { answered.push_back(id); }); };
    h.on_ended = [this](CallId id, const std::string& why) {
      add([&] { ended.emplace(id, why); });
    };
    h.on_warning = [](const std::string& text) {
      std::fprintf(stderr, "[sip warning] %s\n", text.c_str());
    };
    return h;
  }

 private:
  template <typename F>
  void add(F f) {
    {
      std::lock_guard lock(mu);
      f();
    }
    cv.notify_all();
  }
};

// ---- WAV helpers ------------------------------------------------------------------

void writeSineWav(const std::string& path, double seconds) {
  const int n = static_cast<int>(8000 * seconds);
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + 2 * n);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(8000);
  u32(16000);
  u16(2);
  u16(16);
  out.write("data", 4);
  u32(2 * n);
  for (int i = 0; i < n; ++i)
    u16(static_cast<std::uint16_t>(
        static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0))));
}

struct WavInfo {
  int channels = 0;
  int rate = 0;
  int bits = 0;
  double seconds = 0;
};

WavInfo readWavInfo(const std::string& path) {
  WavInfo info;
  std::ifstream in(path, std::ios::binary);
  char riff[12];
  if (!in.read(riff, 12) || std::memcmp(riff, "RIFF", 4) != 0) return info;
  char id[4];
  std::uint32_t size = 0;
  int block = 0;
  while (in.read(id, 4) && in.read(reinterpret_cast<char*>(&size), 4)) {
    if (std::memcmp(id, "fmt ", 4) == 0) {
      std::vector<char> fmt(size);
      in.read(fmt.data(), size);
      info.channels = *reinterpret_cast<std::uint16_t*>(&fmt[2]);
      info.rate = static_cast<int>(*reinterpret_cast<std::uint32_t*>(&fmt[4]));
      block = *reinterpret_cast<std::uint16_t*>(&fmt[12]);
      info.bits = *reinterpret_cast<std::uint16_t*>(&fmt[14]);
    } else if (std::memcmp(id, "data", 4) == 0) {
      if (block && info.rate) info.seconds = static_cast<double>(size) / block / info.rate;
      break;
    } else {
      in.seekg(size, std::ios::cur);
    }
  }
  return info;
}

// ---- fixture -------------------------------------------------------------------------

class SipEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(haveSipp()) << "sipp is required (apt-get install sip-tester)";
    char tmpl[] = "/tmp/tongdai-sipunit-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    sip_port_ = freePorts();
    ASSERT_GT(sip_port_, 0);
    events_.ha1["1001"] = digestHa1("1001", kRealm, "secret");
  }

  void TearDown() override {
    if (endpoint_) endpoint_->stop();
    endpoint_.reset();
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::fprintf(stderr, "SIPp logs kept in %s\n", dir_.c_str());
  }

  void startEndpoint(EndpointOptions options = {}) {
    options.listen = "127.0.0.1:" + std::to_string(sip_port_);
    options.rtp_address = "127.0.0.1";
    auto result = Endpoint::start(std::move(options), events_.handler());
    ASSERT_TRUE(result.ok()) << result.error().message_en;
    endpoint_ = std::move(result).value();
  }

  // Arguments for a sipp talking to the endpoint; `extra` appended.
  std::vector<std::string> sippArgs(const std::string& scenario_file,
                                    std::vector<std::string> extra, bool client = true) {
    const int ports = freePorts(4);  // SIP, then media on +2 (SIPp also takes +3/+4 for video)
    const int control = freePorts();
    std::vector<std::string> args;
    if (client) args.push_back("127.0.0.1:" + std::to_string(sip_port_));
    std::vector<std::string> common = {"-sf",        scenario(scenario_file),
                                       "-m",         "1",
                                       "-i",         "127.0.0.1",
                                       "-p",         std::to_string(ports),
                                       "-mi",        "127.0.0.1",
                                       "-mp",        std::to_string(ports + 2),
                                       "-cp",        std::to_string(control),
                                       "-nostdin",   "-timeout",
                                       "30",         "-timeout_error",
                                       "-trace_err", "-trace_msg"};
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), extra.begin(), extra.end());
    last_sipp_port_ = ports;
    return args;
  }

  std::unique_ptr<Sipp> sipp(const std::string& label, const std::string& file,
                             std::vector<std::string> extra, bool client = true) {
    return std::make_unique<Sipp>(dir_, label, sippArgs(file, std::move(extra), client));
  }

  // Registers extension `user` with `password`; Contact port `contact_port`
  // (0: SIPp's own). Returns SIPp's exit status.
  int registerExtension(const std::string& user, const std::string& password, int contact_port,
                        const std::string& file = "register.xml",
                        const std::string& transport = "u1") {
    auto args = sippArgs(file, {});
    const int own = last_sipp_port_;
    std::vector<std::string> extra = {"-s",
                                      user,
                                      "-au",
                                      user,
                                      "-ap",
                                      password,
                                      "-t",
                                      transport,
                                      "-key",
                                      "contact_port",
                                      std::to_string(contact_port ? contact_port : own)};
    args.insert(args.end(), extra.begin(), extra.end());
    Sipp reg(dir_, "register-" + user + "-" + std::to_string(own), args);
    const int rc = reg.wait();
    if (rc != 0) ADD_FAILURE() << reg.log();
    return rc;
  }

  std::size_t endedCount(CallId id) {
    std::lock_guard lock(events_.mu);
    return events_.ended.count(id);
  }

  std::string endedWhy(CallId id) {
    std::lock_guard lock(events_.mu);
    auto it = events_.ended.find(id);
    return it == events_.ended.end() ? "" : it->second;
  }

  // Waits for the next incoming call and returns it.
  IncomingCall nextIncoming(std::size_t index = 0) {
    EXPECT_TRUE(events_.waitFor([&] { return events_.incoming.size() > index; }))
        << "no INVITE reached the handler";
    std::lock_guard lock(events_.mu);
    return events_.incoming.size() > index ? events_.incoming[index] : IncomingCall{};
  }

  fs::path dir_;
  int sip_port_ = 0;
  int last_sipp_port_ = 0;
  Events events_;
  std::unique_ptr<Endpoint> endpoint_;
};

// ---- 1. registrar ------------------------------------------------------------------

TEST_F(SipEndpointTest, RegisterWithDigestAndRefuseWrongPassword) {
  startEndpoint();
  ASSERT_EQ(registerExtension("1001", "secret", 0), 0);
  const int contact_port = last_sipp_port_;

  auto regs = endpoint_->registrations();
  ASSERT_EQ(regs.size(), 1u);
  EXPECT_EQ(regs[0].user, "1001");
  EXPECT_EQ(regs[0].contact, "sip:1001@127.0.0.1:" + std::to_string(contact_port));
  EXPECT_TRUE(regs[0].active);
  EXPECT_TRUE(events_.waitFor([&] { return !events_.registrations.empty(); }));
  EXPECT_EQ(endpoint_->stats().registrations_active, 1u);

  // Over TCP as well (the endpoint listens on both).
  ASSERT_EQ(registerExtension("1001", "secret", 0, "register.xml", "t1"), 0);
  EXPECT_EQ(endpoint_->registrations().size(), 2u);

  ASSERT_EQ(registerExtension("1001", "wrong", 0, "register_forbidden.xml"), 0);
  EXPECT_EQ(endpoint_->stats().sip_auth_failed, 1u);
  EXPECT_EQ(endpoint_->registrations().size(), 2u);  // the refused one added nothing

  // Unknown user: also 403 after the challenge.
  ASSERT_EQ(registerExtension("2002", "secret", 0, "register_forbidden.xml"), 0);
  EXPECT_EQ(endpoint_->stats().sip_auth_failed, 2u);
}

// ---- 2. trunk call: prompt, RFC 4733 digit, hang-up ------------------------------

TEST_F(SipEndpointTest, TrunkCallPlaysPromptReceivesDigitAndHangsUp) {
  startEndpoint();
  const std::string prompt = (dir_ / "prompt.wav").string();
  writeSineWav(prompt, 1.0);

  auto caller = sipp("uac-dtmf", "uac_hotline_dtmf.xml", {"-s", kHotline});
  const IncomingCall call = nextIncoming();
  ASSERT_NE(call.id, 0u) << caller->log();
  EXPECT_TRUE(call.from_trunk);
  EXPECT_EQ(call.to_user, kHotline);
  EXPECT_EQ(call.from_user, "0901234567");
  EXPECT_EQ(call.from_display, "Nguyen Van A");

  endpoint_->ring(call.id);
  endpoint_->answer(call.id);
  const std::uint64_t play = endpoint_->play(call.id, {prompt}, false);

  ASSERT_TRUE(events_.waitFor([&] { return !events_.digits.empty(); })) << caller->log();
  ASSERT_TRUE(events_.waitFor([&] { return !events_.plays_done.empty(); }));
  {
    std::lock_guard lock(events_.mu);
    ASSERT_EQ(events_.digits.size(), 1u);  // one key press, reported once
    EXPECT_EQ(events_.digits[0], std::make_pair(call.id, '1'));
    EXPECT_EQ(events_.plays_done[0], std::make_pair(call.id, play));
  }
  const auto stats = endpoint_->stats();
  EXPECT_GE(stats.rtp_packets_out, 49u);  // 1 s of prompt in 20 ms frames
  EXPECT_GE(stats.rtp_packets_in, 3u);

  endpoint_->hangup(call.id);
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(call.id) > 0; }));
  EXPECT_EQ(caller->wait(), 0) << caller->log();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(endedCount(call.id), 1u);
  EXPECT_EQ(endedWhy(call.id), "bye_local");
  EXPECT_EQ(endpoint_->stats().calls_active, 0u);
}

TEST_F(SipEndpointTest, SipInfoDigitIsReported) {
  startEndpoint();
  auto caller = sipp("uac-info", "uac_hotline_info.xml", {"-s", kHotline});
  const IncomingCall call = nextIncoming();
  ASSERT_NE(call.id, 0u) << caller->log();
  endpoint_->answer(call.id);
  ASSERT_TRUE(events_.waitFor([&] { return !events_.digits.empty(); })) << caller->log();
  {
    std::lock_guard lock(events_.mu);
    EXPECT_EQ(events_.digits[0], std::make_pair(call.id, '5'));
  }
  endpoint_->hangup(call.id);
  EXPECT_EQ(caller->wait(), 0) << caller->log();
}

TEST_F(SipEndpointTest, CallerCancelsBeforeAnswer) {
  startEndpoint();
  // Once while tongdai holds the INVITE undecided, once after ring() (180).
  for (const bool ring : {false, true}) {
    SCOPED_TRACE(ring ? "after ring()" : "before any answer");
    const std::size_t index = ring ? 1 : 0;
    auto caller = sipp(ring ? "uac-cancel-ringing" : "uac-cancel", "uac_hotline_cancel.xml",
                       {"-s", kHotline});
    const IncomingCall call = nextIncoming(index);
    ASSERT_NE(call.id, 0u) << caller->log();
    if (ring) endpoint_->ring(call.id);
    ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(call.id) > 0; }));
    EXPECT_EQ(endedWhy(call.id), "cancel");
    EXPECT_EQ(caller->wait(), 0) << caller->log();
    endpoint_->answer(call.id);  // too late: ignored
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(endedCount(call.id), 1u);
  }
  EXPECT_EQ(endpoint_->stats().calls_active, 0u);
}

TEST_F(SipEndpointTest, SilentCallEndsOnRtpTimeout) {
  EndpointOptions options;
  options.rtp_timeout_s = 1;
  startEndpoint(options);
  auto caller = sipp("uac-silent", "uac_hotline_silent.xml", {"-s", kHotline});
  const IncomingCall call = nextIncoming();
  ASSERT_NE(call.id, 0u) << caller->log();
  endpoint_->answer(call.id);
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(call.id) > 0; }, 5s));
  EXPECT_EQ(endedWhy(call.id), "rtp_timeout");
  EXPECT_EQ(caller->wait(), 0) << caller->log();  // it got a BYE
}

TEST_F(SipEndpointTest, StopEndsEveryCallOnce) {
  startEndpoint();
  auto caller = sipp("uac-silent", "uac_hotline_silent.xml", {"-s", kHotline});
  const IncomingCall call = nextIncoming();
  ASSERT_NE(call.id, 0u) << caller->log();
  endpoint_->answer(call.id);
  std::this_thread::sleep_for(300ms);
  endpoint_->stop();
  EXPECT_EQ(endedCount(call.id), 1u);
  EXPECT_EQ(endedWhy(call.id), "shutdown");
  EXPECT_EQ(caller->wait(), 0) << caller->log();  // the BYE went out before the thread ended
  endpoint_->hangup(call.id);                     // harmless after stop
  EXPECT_TRUE(endpoint_->registrations().empty());
}

// ---- 3. refusals --------------------------------------------------------------------

TEST_F(SipEndpointTest, UntrustedSourceWithoutValidDigestIsRefused) {
  EndpointOptions options;
  options.trunk_allow = {"192.0.2.0/24"};  // not loopback: SIPp is a stranger
  startEndpoint(options);
  auto caller = sipp("uac-untrusted", "uac_unauthorized.xml",
                     {"-s", kHotline, "-au", "1001", "-ap", "wrong"});
  EXPECT_EQ(caller->wait(), 0) << caller->log();  // 401, then 403
  EXPECT_EQ(endpoint_->stats().sip_rejected_untrusted, 1u);
  std::lock_guard lock(events_.mu);
  EXPECT_TRUE(events_.incoming.empty());
}

TEST_F(SipEndpointTest, UnknownNumberIsNotFound) {
  startEndpoint();
  auto caller = sipp("uac-404", "uac_not_found.xml", {"-s", "19009999"});
  EXPECT_EQ(caller->wait(), 0) << caller->log();
  std::lock_guard lock(events_.mu);
  EXPECT_TRUE(events_.incoming.empty());
}

TEST_F(SipEndpointTest, InviteFloodFromOneSourceIsRateLimited) {
  EndpointOptions options;
  options.invites_per_second_per_source = 2;
  options.trunk_allow = {"10.0.0.0/8"};  // loopback is a stranger here, not the trunk
  startEndpoint(options);
  // 20 INVITEs in well under a second to a number that does not exist: the
  // first couple get their 404, the rest 503 (which SIPp counts as failures).
  auto flood = sipp("uac-flood", "uac_not_found.xml",
                    {"-s", "19009999", "-m", "20", "-r", "100", "-l", "20"});
  EXPECT_NE(flood->wait(), 0) << flood->log();
  EXPECT_GE(endpoint_->stats().sip_rate_limited, 15u);
  std::lock_guard lock(events_.mu);
  EXPECT_TRUE(events_.incoming.empty());
}

// ---- 4. dial an agent, bridge, record --------------------------------------------

TEST_F(SipEndpointTest, DialRegisteredAgentBridgeAndRecord) {
  startEndpoint();
  auto agent = sipp("uas-agent", "uas_agent.xml", {}, /*client=*/false);
  const int agent_port = last_sipp_port_;
  ASSERT_EQ(registerExtension("1001", "secret", agent_port), 0);

  auto caller = sipp("uac-audio", "uac_hotline_audio.xml", {"-s", kHotline});
  const IncomingCall in = nextIncoming();
  ASSERT_NE(in.id, 0u) << caller->log();
  endpoint_->answer(in.id);

  const CallId out = endpoint_->dial("1001", in.from_user, in.from_display);
  ASSERT_TRUE(events_.waitFor([&] {
    return std::find(events_.answered.begin(), events_.answered.end(), out) !=
           events_.answered.end();
  })) << agent->log();
  {
    std::lock_guard lock(events_.mu);
    EXPECT_EQ(std::count(events_.ringing.begin(), events_.ringing.end(), out), 1);
  }

  const std::string wav = (dir_ / "rec").string() + ".wav";
  const auto t0 = std::chrono::steady_clock::now();
  endpoint_->bridge(in.id, out, wav);
  std::this_thread::sleep_for(2s);
  endpoint_->hangup(in.id);
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(in.id) > 0; }));
  const double bridged =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(out) > 0; }));
  EXPECT_EQ(endedWhy(in.id), "bye_local");
  EXPECT_EQ(endedWhy(out), "peer_ended");

  EXPECT_EQ(caller->wait(), 0) << caller->log();
  EXPECT_EQ(agent->wait(), 0) << agent->log();

  const WavInfo info = readWavInfo(wav);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.rate, 8000);
  EXPECT_EQ(info.bits, 16);
  EXPECT_NEAR(info.seconds, bridged, 0.2) << "bridged " << bridged << " s";
  // g711a.pcap has 30 ms packets: ~33 a second each way, relayed for 2 s.
  EXPECT_GT(endpoint_->stats().rtp_packets_out, 100u);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(endedCount(in.id), 1u);
  EXPECT_EQ(endedCount(out), 1u);
}

TEST_F(SipEndpointTest, DialUnregisteredExtensionFails) {
  startEndpoint();
  const CallId out = endpoint_->dial("1001", "0901234567", "");
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(out) > 0; }));
  EXPECT_EQ(endedWhy(out), "failed:404");
}

// ---- 5. garbage ----------------------------------------------------------------------

void sendUdp(int port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  close(fd);
}

std::string randomBytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

TEST_F(SipEndpointTest, GarbageNeverCrashesIt) {
  EndpointOptions options;
  options.rtp_port_min = 31000;  // a small range: every port gets garbage
  options.rtp_port_max = 31031;
  startEndpoint(options);
  std::mt19937 rng(42);

  // A live call whose RTP port will be sprayed (the caller itself sends no RTP).
  auto caller = sipp("uac-silent", "uac_hotline_silent.xml", {"-s", kHotline});
  const IncomingCall call = nextIncoming();
  ASSERT_NE(call.id, 0u) << caller->log();
  endpoint_->answer(call.id);
  std::this_thread::sleep_for(300ms);

  const std::vector<std::string> sip_garbage = {
      "",
      "\r\n\r\n",
      "INVITE",
      "INVITE sip:x SIP/2.0\r\n\r\n",
      "INVITE sip:19000368@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP\r\nContent-Length: "
      "99999\r\n\r\nv=0",
      "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx\r\nFrom: "
      "<sip:a@b>;tag=1\r\n"
      "To: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\nAuthorization: Digest username=\"1001\", "
      "realm=\"tongdai\", nonce=\"zz\", uri=\"sip:x\", response=\"00\"\r\nContent-Length: "
      "0\r\n\r\n",
      "SIP/2.0 200 OK\r\n\r\n",
      std::string(70000, 'A')};
  for (const auto& g : sip_garbage) sendUdp(sip_port_, g);
  for (int i = 0; i < 300; ++i) sendUdp(sip_port_, randomBytes(rng, 1 + rng() % 1400));
  {  // and over TCP
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(sip_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      const std::string g = randomBytes(rng, 5000);
      (void)!write(fd, g.data(), g.size());
    }
    close(fd);
  }
  // RTP ports: random bytes, and RTP-shaped packets with odd payloads.
  for (int port = options.rtp_port_min; port <= options.rtp_port_max; ++port) {
    for (int i = 0; i < 20; ++i) sendUdp(port, randomBytes(rng, rng() % 300));
    for (int pt : {0, 8, 101, 13, 127}) {
      for (std::size_t len : {12u, 13u, 15u, 16u, 172u, 1500u}) {
        std::string pkt = randomBytes(rng, len);
        pkt[0] = static_cast<char>(0x80);
        pkt[1] = static_cast<char>(pt | (rng() & 0x80));
        sendUdp(port, pkt);
      }
    }
  }
  std::this_thread::sleep_for(300ms);

  EXPECT_EQ(endedCount(call.id), 0u) << "the call survived: " << endedWhy(call.id);
  endpoint_->hangup(call.id);
  ASSERT_TRUE(events_.waitFor([&] { return events_.ended.count(call.id) > 0; }));
  EXPECT_EQ(caller->wait(), 0) << caller->log();
  // Still serving.
  EXPECT_EQ(registerExtension("1001", "secret", 0), 0);
}

// ---- misc -------------------------------------------------------------------------------

TEST(SipDigest, Ha1IsMd5OfUserRealmPassword) {
  // RFC 2617's example: MD5("Mufasa:testrealm@host.com:Circle Of Life").
  EXPECT_EQ(digestHa1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

TEST(SipEndpointStart, BadListenAddressIsAnError) {
  EndpointOptions options;
  options.listen = "not an address";
  auto result = Endpoint::start(options, Handler{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "sip_listen");
  options.listen = "127.0.0.1:0";
  options.trunk_allow = {"10.0.0.0/33"};
  result = Endpoint::start(options, Handler{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "sip_trunk_allow");
}

}  // namespace
}  // namespace tongdai::sip
