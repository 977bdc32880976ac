#include "adapters/sip/prompts.h"

#include <sys/stat.h>

#include "adapters/sip/libre.h"

namespace tongdai::sip::detail {

void encodeAlaw(const std::int16_t* pcm, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = g711_pcm2alaw(pcm[i]);
}

void encodeUlaw(const std::int16_t* pcm, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = g711_pcm2ulaw(pcm[i]);
}

void decodeG711(bool alaw, const std::uint8_t* in, std::size_t n, std::int16_t* out) {
  if (alaw) {
    for (std::size_t i = 0; i < n; ++i) out[i] = g711_alaw2pcm(in[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = g711_ulaw2pcm(in[i]);
  }
}

bool readWav8kMono(const std::string& path, std::vector<std::int16_t>* pcm, std::string* error) {
  aufile* af = nullptr;
  aufile_prm prm{};
  int err = aufile_open(&af, &prm, path.c_str(), AUFILE_READ);
  if (err) {
    *error = "cannot open " + path + ": " + std::strerror(err);
    return false;
  }
  // Resampling and down-mixing are the set-up script's job (sox), not ours.
  if (prm.srate != 8000 || prm.channels != 1 ||
      (prm.fmt != AUFMT_S16LE && prm.fmt != AUFMT_PCMA && prm.fmt != AUFMT_PCMU)) {
    *error = path + ": not an 8 kHz mono PCM/A-law/µ-law WAV";
    mem_deref(af);
    return false;
  }
  pcm->clear();
  std::uint8_t buf[4096];
  for (;;) {
    size_t sz = sizeof buf;
    err = aufile_read(af, buf, &sz);
    if (err || sz == 0) break;
    if (prm.fmt == AUFMT_S16LE) {
      for (size_t i = 0; i + 1 < sz; i += 2) {
        pcm->push_back(static_cast<std::int16_t>(buf[i] | (buf[i + 1] << 8)));
      }
    } else {
      const size_t base = pcm->size();
      pcm->resize(base + sz);
      decodeG711(prm.fmt == AUFMT_PCMA, buf, sz, pcm->data() + base);
    }
  }
  mem_deref(af);
  if (err) {
    *error = "cannot read " + path + ": " + std::strerror(err);
    return false;
  }
  return true;
}

std::shared_ptr<const Prompt> PromptCache::get(const std::string& path, std::string* error) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  const std::int64_t mtime = std::int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  auto it = entries_.find(path);
  if (it != entries_.end() && it->second.mtime_ns == mtime && it->second.size == st.st_size) {
    return it->second.prompt;
  }
  auto prompt = std::make_shared<Prompt>();
  if (!readWav8kMono(path, &prompt->pcm, error)) return nullptr;
  prompt->alaw.resize(prompt->pcm.size());
  prompt->ulaw.resize(prompt->pcm.size());
  encodeAlaw(prompt->pcm.data(), prompt->pcm.size(), prompt->alaw.data());
  encodeUlaw(prompt->pcm.data(), prompt->pcm.size(), prompt->ulaw.data());
  entries_[path] = Entry{prompt, mtime, st.st_size};
  return prompt;
}

}  // namespace tongdai::sip::detail
