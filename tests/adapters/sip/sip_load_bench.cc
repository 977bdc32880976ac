// Load benchmark of the SIP endpoint (not a unit test: a program of its own,
// for `make bench`). An endpoint answers every hotline call at once and
// plays a looped prompt to it; SIPp (tests/sip/uac_hotline_load.xml) places
// calls at --rate per second up to --calls at once, each sending 7 s of A-law
// speech and holding --hold-ms. Prints the endpoint's CPU use (from
// /proc/self/stat, i.e. the SIP thread and nothing of SIPp's), concurrent
// calls, RTP rates, and SIPp's INVITE->200 times (its -trace_rtt file).
//
//   sip_load_bench [--calls 500] [--rate 50] [--total 2000] [--hold-ms 12000]
//                  [--port 5099] [--source DIR]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sip/endpoint.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tongdai::sip::CallId;

namespace {

struct Args {
  int calls = 500, rate = 50, total = 2000, hold_ms = 12000, port = 5099;
  std::string source;
};

Args parse(int argc, char** argv) {
  Args a;
  a.source = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--calls")
      a.calls = std::stoi(v);
    else if (k == "--rate")
      a.rate = std::stoi(v);
    else if (k == "--total")
      a.total = std::stoi(v);
    else if (k == "--hold-ms")
      a.hold_ms = std::stoi(v);
    else if (k == "--port")
      a.port = std::stoi(v);
    else if (k == "--source")
      a.source = v;
  }
  return a;
}

double cpuSeconds() {  // user + system time of this process
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::istringstream s(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15 && s >> field; ++i) {
    if (i == 14) ut = std::stoull(field);
    if (i == 15) st = std::stoull(field);
  }
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

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
  for (int i = 0; i < n; ++i) {
    u16(static_cast<std::uint16_t>(
        static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * 425 * i / 8000.0))));
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  char tmpl[] = "/tmp/tongdai-sipbench-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const std::string prompt = (dir / "moh.wav").string();
  writeSineWav(prompt, 3.0);

  std::atomic<tongdai::sip::Endpoint*> ep{nullptr};
  std::atomic<std::uint64_t> ended{0}, ended_bye_remote{0};
  tongdai::sip::Handler handler;
  handler.on_incoming = [&](const tongdai::sip::IncomingCall& c) {
    ep.load()->answer(c.id);
    ep.load()->play(c.id, {prompt}, /*loop=*/true);
  };
  handler.on_ended = [&](CallId, const std::string& why) {
    ++ended;
    if (why == "bye_remote") ++ended_bye_remote;
  };
  tongdai::sip::EndpointOptions options;
  options.listen = "127.0.0.1:" + std::to_string(args.port);
  options.max_calls = std::max(2000, args.calls * 2);
  options.invites_per_second_per_source = 0;  // one SIPp is one source: no flood limit here
  auto started = tongdai::sip::Endpoint::start(options, handler);
  if (!started.ok()) {
    std::fprintf(stderr, "start: %s\n", started.error().message_en.c_str());
    return 1;
  }
  auto endpoint = std::move(started).value();
  ep = endpoint.get();

  const pid_t pid = fork();
  if (pid == 0) {
    (void)!chdir(dir.c_str());
    const int out = open((dir / "sipp.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    const std::string target = "127.0.0.1:" + std::to_string(args.port);
    const std::string scenario = args.source + "/tests/sip/uac_hotline_load.xml";
    execlp("sipp", "sipp", target.c_str(), "-sf", scenario.c_str(), "-s", "19000368", "-r",
           std::to_string(args.rate).c_str(), "-l", std::to_string(args.calls).c_str(), "-m",
           std::to_string(args.total).c_str(), "-d", std::to_string(args.hold_ms).c_str(), "-i",
           "127.0.0.1", "-p", "5090", "-mi", "127.0.0.1", "-mp", "16000", "-nostdin", "-trace_rtt",
           "-rtt_freq", "1", "-trace_screen", "-timeout", "600", static_cast<char*>(nullptr));
    _exit(127);
  }

  std::printf("  t  active  cpu%%  rtp_in/s rtp_out/s\n");
  double last_cpu = cpuSeconds();
  auto last = endpoint->stats();
  std::vector<double> plateau_cpu;
  std::uint64_t peak = 0;
  int status = 0;
  for (int t = 1;; ++t) {
    std::this_thread::sleep_for(1s);
    const double cpu = cpuSeconds();
    const auto s = endpoint->stats();
    const double pct = 100.0 * (cpu - last_cpu);
    peak = std::max(peak, s.calls_active);
    if (s.calls_active >= static_cast<std::uint64_t>(args.calls) * 95 / 100)
      plateau_cpu.push_back(pct);
    std::printf("%3d %7llu %5.1f %9llu %9llu\n", t, static_cast<unsigned long long>(s.calls_active),
                pct, static_cast<unsigned long long>(s.rtp_packets_in - last.rtp_packets_in),
                static_cast<unsigned long long>(s.rtp_packets_out - last.rtp_packets_out));
    std::fflush(stdout);
    last_cpu = cpu;
    last = s;
    if (waitpid(pid, &status, WNOHANG) == pid) break;
  }

  std::vector<double> rtt;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().string().find("_rtt.csv") == std::string::npos) continue;
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      // Date_ms;response_time_ms;rtd_no
      const auto a = line.find(';'), b = line.find(';', a + 1);
      if (a != std::string::npos && b != std::string::npos)
        rtt.push_back(std::stod(line.substr(a + 1, b - a - 1)));
    }
  }
  double avg = 0;
  for (double c : plateau_cpu) avg += c;
  if (!plateau_cpu.empty()) avg /= static_cast<double>(plateau_cpu.size());
  const auto s = endpoint->stats();
  std::printf("\nsipp exit %d (0: every call succeeded); log and screen in %s\n",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1, dir.c_str());
  std::printf("calls: total %llu, ended %llu (bye_remote %llu), peak concurrent %llu\n",
              static_cast<unsigned long long>(s.calls_total),
              static_cast<unsigned long long>(ended.load()),
              static_cast<unsigned long long>(ended_bye_remote.load()),
              static_cast<unsigned long long>(peak));
  std::printf("endpoint CPU at >=95%% of %d calls: %.1f%% of one core (%zu samples)\n", args.calls,
              avg, plateau_cpu.size());
  std::printf("INVITE->200 (SIPp rtd, %zu calls): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              rtt.size(), percentile(rtt, 0.5), percentile(rtt, 0.99), percentile(rtt, 1.0));
  endpoint->stop();
  return 0;
}
