// Decoded prompt files shared by every call of an endpoint: 500 callers in
// the IVR hear the same few prompts, so each file is read once and kept as
// 16-bit PCM plus both G.711 encodings (the 20 ms sender then only copies).
// A file replaced on disk (a studio recording with the same name) is noticed
// by its modification time and size and read again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tongdai::sip::detail {

struct Prompt {
  std::vector<std::int16_t> pcm;  // 8 kHz mono
  std::vector<std::uint8_t> alaw;
  std::vector<std::uint8_t> ulaw;
};

class PromptCache {
 public:
  // The decoded file, or nullptr with *error set (missing file, not 8 kHz
  // mono, unsupported encoding). Accepts 16-bit PCM, A-law and µ-law WAV.
  std::shared_ptr<const Prompt> get(const std::string& path, std::string* error);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const Prompt> prompt;
    std::int64_t mtime_ns = 0;
    std::int64_t size = 0;
  };
  std::unordered_map<std::string, Entry> entries_;
};

// Reads a WAV file into 8 kHz mono PCM (librem aufile underneath).
bool readWav8kMono(const std::string& path, std::vector<std::int16_t>* pcm, std::string* error);

void encodeAlaw(const std::int16_t* pcm, std::size_t n, std::uint8_t* out);
void encodeUlaw(const std::int16_t* pcm, std::size_t n, std::uint8_t* out);
void decodeG711(bool alaw, const std::uint8_t* in, std::size_t n, std::int16_t* out);

}  // namespace tongdai::sip::detail
