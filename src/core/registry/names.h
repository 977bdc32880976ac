// Names and ethnic groups for the synthetic population: family names by their
// real frequency, middle and given names by gender (Văn and Thị more common
// for older births), a few naming customs of ethnic minorities, and ethnic
// groups by region. All text NFC. Some names also exist in the old tone
// placement ("Thuỷ" for "Thủy", "Hoà" for "Hòa") because real records hold
// both spellings.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/identity/citizen_id.h"
#include "core/registry/geography.h"

namespace tongdai::core::registry {

struct WeightedName {
  std::string_view text;
  int weight;
  std::string_view old_style = {};  // the same name in the old tone placement, if any
};

// How a group's names are put together.
enum class NameStyle {
  kinh,   // family + middle + given: "Nguyễn Văn An" (also most other groups)
  hmong,  // family + A/Thị + given: "Giàng A Páo", "Vàng Thị Mỷ"
  ede,    // Y/H' + given + family: "Y Bih Niê", "H'Hen Niê"
  khmer,  // family + given, women often with Thị: "Thạch Sa Rương", "Sơn Thị Sô Phia"
};

struct EthnicGroup {
  std::string_view name;  // "Tày", "H'Mông" ...
  // Members per 10,000 inhabitants of each Region (Region order). Kinh's
  // figures are whatever the other groups leave.
  std::array<int, kRegionCount> per_10k;
  NameStyle style;
  std::span<const WeightedName> family_names;  // empty: the common family names
};

// The common (mostly Kinh) family names, by frequency.
std::span<const WeightedName> familyNames();
// Middle names other than the very common "Văn" (male) and "Thị" (female).
std::span<const WeightedName> middleNames(identity::Gender gender);
std::span<const WeightedName> givenNames(identity::Gender gender);
// [0] is Kinh.
std::span<const EthnicGroup> ethnicGroups();

// Draws several small numbers from one uniform 64-bit value: each draw keeps
// the unused low part for the next (slightly biased, fine for synthetic data).
class Dice {
 public:
  explicit Dice(std::uint64_t bits) : bits_(bits) {}
  // Uniform-ish in [0, n), n > 0.
  std::uint32_t below(std::uint32_t n) {
    const unsigned __int128 m = static_cast<unsigned __int128>(bits_) * n;
    bits_ = static_cast<std::uint64_t>(m);
    return static_cast<std::uint32_t>(m >> 64);
  }
  bool percent(std::uint32_t p) { return below(100) < p; }

 private:
  std::uint64_t bits_;
};

// Precomputed cumulative tables for drawing names and ethnic groups. Build
// once, use for millions of people.
class NameBuilder {
 public:
  NameBuilder();
  ~NameBuilder();
  NameBuilder(const NameBuilder&) = delete;
  NameBuilder& operator=(const NameBuilder&) = delete;

  // Index into ethnicGroups() for someone whose birth was registered in `region`.
  std::size_t ethnicGroup(Region region, std::uint64_t random) const;
  // Appends a full name to `out` (which is not cleared). r1, r2: uniform bits.
  void fullName(std::size_t ethnic_group, identity::Gender gender, int birth_year, std::uint64_t r1,
                std::uint64_t r2, std::string& out) const;

 private:
  struct Tables;
  std::unique_ptr<Tables> t_;
};

}  // namespace tongdai::core::registry
