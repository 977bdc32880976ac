#include "core/audit/chain.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tongdai::core::audit {
namespace {

Entry sampleEntry(std::int64_t seq) {
  Entry e;
  e.seq = seq;
  e.at = 1795500000 + seq * 60;
  e.actor_id = 7;
  e.actor_login = "nguyenvana";
  e.action = seq % 2 ? "case.update" : "registry.read";
  e.object_type = "case";
  e.object_id = std::to_string(100 + seq);
  e.case_id = 100 + seq;
  e.reason = seq % 2 ? "" : "xác minh theo yêu cầu của công dân";
  e.details = R"({"field":"status","to":"answered"})";
  return e;
}

// Links and hashes entries in the order given, renumbering nothing.
void link(std::vector<Entry>& entries) {
  std::string prev = genesisHash();
  for (Entry& e : entries) {
    e.prev_hash = prev;
    e.hash = computeHash(e);
    prev = e.hash;
  }
}

std::vector<Entry> makeChain(int n) {
  std::vector<Entry> entries;
  for (int i = 1; i <= n; ++i) entries.push_back(sampleEntry(i));
  link(entries);
  return entries;
}

struct Outcome {
  bool ok;
  std::optional<std::int64_t> broken;
  std::int64_t checked;
  std::string reason;
};

Outcome verify(const std::vector<Entry>& entries) {
  ChainVerifier v;
  for (const Entry& e : entries) v.feed(e);
  return {v.ok(), v.brokenSeq(), v.checked(), v.reason()};
}

// ---------------------------------------------------------------------------
// sha256Hex

TEST(Sha256Hex, KnownVectors) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Hex, BinarySafeAndLowercaseHex) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(sha256Hex(with_nul), sha256Hex("a"));
  const std::string h = sha256Hex(with_nul);
  ASSERT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
}

// ---------------------------------------------------------------------------
// canonical / computeHash

TEST(Canonical, DeterministicAndIgnoresOwnHash) {
  Entry a = sampleEntry(3);
  a.prev_hash = std::string(64, 'a');
  Entry b = a;
  b.hash = "anything";
  EXPECT_EQ(canonical(a), canonical(b));
  EXPECT_EQ(computeHash(a), computeHash(b));
  EXPECT_EQ(computeHash(a), sha256Hex(canonical(a)));
}

TEST(Canonical, EveryFieldButHashChangesIt) {
  const Entry base = [] {
    Entry e = sampleEntry(2);
    e.prev_hash = std::string(64, '1');
    return e;
  }();
  const std::vector<std::pair<const char*, std::function<void(Entry&)>>> mutations = {
      {"seq", [](Entry& e) { e.seq++; }},
      {"at", [](Entry& e) { e.at++; }},
      {"actor_id", [](Entry& e) { e.actor_id++; }},
      {"actor_login", [](Entry& e) { e.actor_login += "x"; }},
      {"action", [](Entry& e) { e.action = "case.delete"; }},
      {"object_type", [](Entry& e) { e.object_type = "user"; }},
      {"object_id", [](Entry& e) { e.object_id += "0"; }},
      {"case_id", [](Entry& e) { e.case_id = *e.case_id + 1; }},
      {"case_id reset", [](Entry& e) { e.case_id.reset(); }},
      {"reason", [](Entry& e) { e.reason = "khác"; }},
      {"details", [](Entry& e) { e.details = "{}"; }},
      {"prev_hash", [](Entry& e) { e.prev_hash[0] = '2'; }},
  };
  for (const auto& [name, mutate] : mutations) {
    Entry changed = base;
    mutate(changed);
    EXPECT_NE(canonical(changed), canonical(base)) << name;
    EXPECT_NE(computeHash(changed), computeHash(base)) << name;
  }
}

// Shifting separator-like characters between neighbouring fields must never
// produce the same canonical string.
TEST(Canonical, InjectiveForSeparatorsInContent) {
  std::vector<Entry> entries;
  auto add = [&](std::function<void(Entry&)> set) {
    Entry e;
    e.seq = 1;
    set(e);
    entries.push_back(e);
  };
  add([](Entry& e) { e.actor_login = "a;"; e.action = "b"; });
  add([](Entry& e) { e.actor_login = "a"; e.action = ";b"; });
  add([](Entry& e) { e.actor_login = "a;b"; });
  add([](Entry& e) { e.action = "a;b"; });
  add([](Entry& e) { e.actor_login = "a:"; e.action = "b"; });
  add([](Entry& e) { e.actor_login = "a"; e.action = ":b"; });
  // Content that imitates a whole length-prefixed field.
  add([](Entry& e) { e.reason = "x;1:y"; e.details = ""; });
  add([](Entry& e) { e.reason = "x"; e.details = "y"; });
  add([](Entry& e) { e.reason = "x;1:y;"; });
  add([](Entry& e) { e.reason = "x;"; e.details = "1:y;"; });
  add([](Entry& e) { e.object_type = "case;2:42"; e.object_id = ""; });
  add([](Entry& e) { e.object_type = "case"; e.object_id = "42"; });
  add([](Entry& e) { e.object_type = "case;"; e.object_id = "2:42"; });
  // Empty fields next to each other.
  add([](Entry& e) { e.reason = "r"; });
  add([](Entry& e) { e.details = "r"; });
  add([](Entry& e) { e.object_id = "r"; });
  // A missing case id versus case id 0 and versus digits elsewhere.
  add([](Entry& e) { e.case_id = 0; });
  add([](Entry& e) { e.case_id = std::nullopt; });
  add([](Entry& e) { e.case_id = std::nullopt; e.reason = "0"; });
  add([](Entry& e) { e.case_id = 12; });
  add([](Entry& e) { e.case_id = 1; e.reason = "2"; });
  // Numbers whose decimal forms could run together.
  add([](Entry& e) { e.at = 12; e.actor_id = 3; });
  add([](Entry& e) { e.at = 1; e.actor_id = 23; });
  add([](Entry& e) { e.at = -1; e.actor_id = 0; });
  add([](Entry& e) { e.at = 0; e.actor_id = -1; });
  // The header text inside content.
  add([](Entry& e) { e.details = "tongdai-audit-v1;"; });
  add([](Entry& e) { e.prev_hash = "tongdai-audit-v1;"; });

  std::set<std::string> seen;
  std::set<std::string> hashes;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_TRUE(seen.insert(canonical(entries[i])).second)
        << "entry " << i << " shares its canonical form: " << canonical(entries[i]);
    hashes.insert(computeHash(entries[i]));
  }
  EXPECT_EQ(hashes.size(), entries.size());
}

TEST(Canonical, EmbeddedNulAndNonAsciiAreDistinguished) {
  Entry a;
  a.details = std::string("a\0b", 3);
  Entry b;
  b.details = "a";
  Entry c;
  c.details = "ab";
  EXPECT_NE(canonical(a), canonical(b));
  EXPECT_NE(canonical(a), canonical(c));
  Entry nfc;
  nfc.reason = "H\u00F2a";
  Entry nfd;
  nfd.reason = "Ho\u0300a";
  EXPECT_NE(canonical(nfc), canonical(nfd));  // bytes are hashed as stored
}

// ---------------------------------------------------------------------------
// ChainVerifier

TEST(ChainVerifier, EmptyVerifierIsOk) {
  ChainVerifier v;
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.checked(), 0);
  EXPECT_FALSE(v.brokenSeq().has_value());
}

TEST(ChainVerifier, AcceptsAnIntactChain) {
  const std::vector<Entry> chain = makeChain(6);
  ChainVerifier v;
  for (const Entry& e : chain) EXPECT_TRUE(v.feed(e)) << e.seq;
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.checked(), 6);
  EXPECT_FALSE(v.brokenSeq().has_value());
  EXPECT_TRUE(v.reason().empty());
  EXPECT_EQ(chain.front().prev_hash, genesisHash());
  EXPECT_EQ(genesisHash(), std::string(64, '0'));
}

TEST(ChainVerifier, DetectsModifiedContent) {
  std::vector<Entry> chain = makeChain(5);
  chain[2].details = R"({"field":"status","to":"closed"})";
  const Outcome o = verify(chain);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.broken, 3);
  EXPECT_EQ(o.checked, 2);
  EXPECT_NE(o.reason.find("content"), std::string::npos) << o.reason;
}

TEST(ChainVerifier, DetectsModifiedContentInTheFirstAndLastEntries) {
  std::vector<Entry> first = makeChain(4);
  first[0].actor_login = "admin";
  EXPECT_EQ(verify(first).broken, 1);
  EXPECT_EQ(verify(first).checked, 0);

  std::vector<Entry> last = makeChain(4);
  last[3].at += 1;
  EXPECT_EQ(verify(last).broken, 4);
  EXPECT_EQ(verify(last).checked, 3);
}

TEST(ChainVerifier, DetectsModifiedHashField) {
  std::vector<Entry> chain = makeChain(4);
  chain[1].hash[10] = chain[1].hash[10] == 'a' ? 'b' : 'a';
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 2);
  EXPECT_EQ(o.checked, 1);
}

// Rewriting an entry and its own hash still breaks the link from the next one.
TEST(ChainVerifier, RehashedModificationBreaksTheNextEntry) {
  std::vector<Entry> chain = makeChain(5);
  chain[1].reason = "đã sửa";
  chain[1].hash = computeHash(chain[1]);
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 3);
  EXPECT_EQ(o.checked, 2);
  EXPECT_NE(o.reason.find("prev_hash"), std::string::npos) << o.reason;
}

TEST(ChainVerifier, DetectsChangedPrevHash) {
  std::vector<Entry> chain = makeChain(5);
  chain[3].prev_hash = chain[1].hash;
  chain[3].hash = computeHash(chain[3]);  // consistent with itself
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 4);
  EXPECT_EQ(o.checked, 3);
  EXPECT_NE(o.reason.find("prev_hash"), std::string::npos) << o.reason;
}

TEST(ChainVerifier, FirstEntryMustLinkToGenesis) {
  std::vector<Entry> chain = makeChain(3);
  chain[0].prev_hash = std::string(64, 'f');
  chain[0].hash = computeHash(chain[0]);
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 1);
  EXPECT_EQ(o.checked, 0);
}

TEST(ChainVerifier, DetectsRemovedEntryAsSequenceGap) {
  std::vector<Entry> chain = makeChain(5);
  chain.erase(chain.begin() + 2);  // seq 3
  const Outcome o = verify(chain);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.broken, 4);
  EXPECT_EQ(o.checked, 2);
  EXPECT_EQ(o.reason, "sequence gap: expected 3, found 4");
}

TEST(ChainVerifier, DetectsRemovedFirstEntry) {
  std::vector<Entry> chain = makeChain(3);
  chain.erase(chain.begin());
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 2);
  EXPECT_EQ(o.checked, 0);
}

// Removing an entry and renumbering the rest without the key to rehash.
TEST(ChainVerifier, DetectsRemovedEntryWithRenumbering) {
  std::vector<Entry> chain = makeChain(5);
  chain.erase(chain.begin() + 2);
  for (std::size_t i = 0; i < chain.size(); ++i) chain[i].seq = static_cast<std::int64_t>(i) + 1;
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 3);
  EXPECT_EQ(o.checked, 2);
}

TEST(ChainVerifier, DetectsReorderedEntries) {
  std::vector<Entry> chain = makeChain(5);
  std::swap(chain[1], chain[2]);  // 1, 3, 2, 4, 5
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 3);
  EXPECT_EQ(o.checked, 1);
}

// Swapping the contents of two entries while keeping seq in order.
TEST(ChainVerifier, DetectsReorderedContentWithSeqKept) {
  std::vector<Entry> chain = makeChain(5);
  std::swap(chain[1], chain[2]);
  chain[1].seq = 2;
  chain[2].seq = 3;
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 2);
  EXPECT_EQ(o.checked, 1);
}

TEST(ChainVerifier, DetectsDuplicatedEntry) {
  std::vector<Entry> chain = makeChain(4);
  chain.insert(chain.begin() + 2, chain[1]);  // 1, 2, 2, 3, 4
  const Outcome o = verify(chain);
  EXPECT_EQ(o.broken, 2);
  EXPECT_EQ(o.checked, 2);
  EXPECT_EQ(o.reason, "sequence gap: expected 3, found 2");
}

TEST(ChainVerifier, KeepsTheFirstFailure) {
  std::vector<Entry> chain = makeChain(6);
  chain[1].details = "{}";   // seq 2: content
  chain[4].prev_hash = "x";  // seq 5: link
  ChainVerifier v;
  EXPECT_TRUE(v.feed(chain[0]));
  EXPECT_FALSE(v.feed(chain[1]));
  const std::string first_reason = v.reason();
  // Valid-looking entries after a break are refused and change nothing.
  for (std::size_t i = 2; i < chain.size(); ++i) EXPECT_FALSE(v.feed(chain[i])) << i;
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.brokenSeq(), 2);
  EXPECT_EQ(v.checked(), 1);
  EXPECT_EQ(v.reason(), first_reason);
}

}  // namespace
}  // namespace tongdai::core::audit
