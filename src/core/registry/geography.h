// The country's map as the synthetic population needs it: the 63 former
// provinces whose place codes open every ID number, the 34 provinces they were
// merged into on 1 July 2025 (Resolution 202/2025/QH15), and commune-level
// units.
//
// The commune names are SYNTHETIC: the real list of about 3,321 units is not
// shipped, so names are built deterministically from common place-name
// syllables ("Phường Tân Phú", "Xã Hòa Bình"). Counts of communes and wards per
// province are approximate.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tongdai::core::registry {

// Coarse regions, used only to bias the ethnic mix of the synthetic population.
enum class Region { northern_mountains, central_highlands, mekong_delta, other };
inline constexpr int kRegionCount = 4;

struct FormerProvince {
  std::string_view code;          // "074", as in the ID numbers
  std::string_view name;          // "Bình Dương", spelled as identity::provinceName
  std::string_view new_province;  // "TP Hồ Chí Minh": one of newProvinces()
  int population_thousands;       // 2019 census, rounded: approximate
  Region region;
};

struct NewProvince {
  std::string_view name;  // "TP Hồ Chí Minh"
  // Place code of the former province whose name (or seat) it kept: "079";
  // "046" for Huế. Used as the prefix of synthetic application codes.
  std::string_view code;
  int communes;       // commune-level units since 1 July 2025 (approximate)
  int wards;          // of which phường (approximate); the rest are xã
  int urban_percent;  // share of residents living in wards (approximate)
};

// The 63 former provinces, sorted by code.
std::span<const FormerProvince> formerProvinces();
// nullptr for an unknown code.
const FormerProvince* formerProvince(std::string_view code);

// The 34 provinces since 1 July 2025, north to south.
std::span<const std::string_view> newProvinces();
// The same 34, in the same order, with their commune counts.
std::span<const NewProvince> newProvinceTable();
// nullptr for a name that is not one of the 34 (NFC, exact spelling).
const NewProvince* newProvince(std::string_view name);

// Number of commune-level units of a new province (0 for an unknown name).
int communeCount(std::string_view new_province);
// A synthetic, deterministic commune name: "Phường Tân Phú" for index <
// wards, "Xã Hòa Bình" otherwise. Names are distinct within a province for
// index in [0, communeCount); other indexes wrap around. "" for an unknown
// province.
std::string communeName(std::string_view new_province, int index);

}  // namespace tongdai::core::registry
