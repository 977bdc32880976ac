// Shared by the C++ benchmarks: the machine they ran on, and replacing one
// "## Title ..." section of BENCHMARKS.md while keeping the others.
#pragma once

#include <sys/utsname.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace tongdai::bench {

inline std::string machine() {
  std::string cpu = "unknown CPU";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  uname(&u);
  return std::string(u.nodename) + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores (" + cpu +
         ")";
}

// Replaces the section whose heading starts with `title` (up to the next
// "## ") or appends it. Written to a temporary file and renamed, so an
// interrupted run never leaves half a file.
inline void writeSection(const std::string& path, const std::string& title, const std::string& section) {
  std::string text;
  {
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    } else {
      text = "# Benchmarks\n\n";
    }
  }
  const auto start = text.find(title);
  if (start != std::string::npos) {
    const auto end = text.find("\n## ", start + 1);
    text = text.substr(0, start) + section + (end == std::string::npos ? "" : "\n" + text.substr(end + 1));
  } else {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    text += "\n\n" + section;
  }
  std::ofstream(path + ".tmp") << text;
  std::rename((path + ".tmp").c_str(), path.c_str());
}

}  // namespace tongdai::bench
