#include "core/registry/geography.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace tongdai::core::registry {
namespace {

constexpr Region kMountains = Region::northern_mountains;
constexpr Region kHighlands = Region::central_highlands;
constexpr Region kMekong = Region::mekong_delta;
constexpr Region kOther = Region::other;

// Populations: 2019 census in thousands, rounded from memory of the published
// table; approximate (they sum to about 96.2 million). Good enough to weight
// a synthetic population, not for statistics.
constexpr std::array<FormerProvince, 63> kFormer{{
    {"001", "Hà Nội", "Hà Nội", 8054, kOther},
    {"002", "Hà Giang", "Tuyên Quang", 855, kMountains},
    {"004", "Cao Bằng", "Cao Bằng", 531, kMountains},
    {"006", "Bắc Kạn", "Thái Nguyên", 314, kMountains},
    {"008", "Tuyên Quang", "Tuyên Quang", 785, kMountains},
    {"010", "Lào Cai", "Lào Cai", 731, kMountains},
    {"011", "Điện Biên", "Điện Biên", 599, kMountains},
    {"012", "Lai Châu", "Lai Châu", 461, kMountains},
    {"014", "Sơn La", "Sơn La", 1249, kMountains},
    {"015", "Yên Bái", "Lào Cai", 822, kMountains},
    {"017", "Hòa Bình", "Phú Thọ", 855, kMountains},
    {"019", "Thái Nguyên", "Thái Nguyên", 1287, kMountains},
    {"020", "Lạng Sơn", "Lạng Sơn", 782, kMountains},
    {"022", "Quảng Ninh", "Quảng Ninh", 1321, kOther},
    {"024", "Bắc Giang", "Bắc Ninh", 1804, kOther},
    {"025", "Phú Thọ", "Phú Thọ", 1464, kOther},
    {"026", "Vĩnh Phúc", "Phú Thọ", 1152, kOther},
    {"027", "Bắc Ninh", "Bắc Ninh", 1369, kOther},
    {"030", "Hải Dương", "Hải Phòng", 1893, kOther},
    {"031", "Hải Phòng", "Hải Phòng", 2029, kOther},
    {"033", "Hưng Yên", "Hưng Yên", 1253, kOther},
    {"034", "Thái Bình", "Hưng Yên", 1861, kOther},
    {"035", "Hà Nam", "Ninh Bình", 853, kOther},
    {"036", "Nam Định", "Ninh Bình", 1781, kOther},
    {"037", "Ninh Bình", "Ninh Bình", 983, kOther},
    {"038", "Thanh Hóa", "Thanh Hóa", 3641, kOther},
    {"040", "Nghệ An", "Nghệ An", 3328, kOther},
    {"042", "Hà Tĩnh", "Hà Tĩnh", 1289, kOther},
    {"044", "Quảng Bình", "Quảng Trị", 896, kOther},
    {"045", "Quảng Trị", "Quảng Trị", 633, kOther},
    {"046", "Thừa Thiên Huế", "Huế", 1129, kOther},
    {"048", "Đà Nẵng", "Đà Nẵng", 1135, kOther},
    {"049", "Quảng Nam", "Đà Nẵng", 1496, kOther},
    {"051", "Quảng Ngãi", "Quảng Ngãi", 1232, kOther},
    {"052", "Bình Định", "Gia Lai", 1487, kOther},
    {"054", "Phú Yên", "Đắk Lắk", 873, kOther},
    {"056", "Khánh Hòa", "Khánh Hòa", 1232, kOther},
    {"058", "Ninh Thuận", "Khánh Hòa", 591, kOther},
    {"060", "Bình Thuận", "Lâm Đồng", 1231, kOther},
    {"062", "Kon Tum", "Quảng Ngãi", 541, kHighlands},
    {"064", "Gia Lai", "Gia Lai", 1514, kHighlands},
    {"066", "Đắk Lắk", "Đắk Lắk", 1870, kHighlands},
    {"067", "Đắk Nông", "Lâm Đồng", 623, kHighlands},
    {"068", "Lâm Đồng", "Lâm Đồng", 1297, kHighlands},
    {"070", "Bình Phước", "Đồng Nai", 995, kOther},
    {"072", "Tây Ninh", "Tây Ninh", 1170, kOther},
    {"074", "Bình Dương", "TP Hồ Chí Minh", 2427, kOther},
    {"075", "Đồng Nai", "Đồng Nai", 3097, kOther},
    {"077", "Bà Rịa–Vũng Tàu", "TP Hồ Chí Minh", 1149, kOther},
    {"079", "TP Hồ Chí Minh", "TP Hồ Chí Minh", 8993, kOther},
    {"080", "Long An", "Tây Ninh", 1689, kMekong},
    {"082", "Tiền Giang", "Đồng Tháp", 1765, kMekong},
    {"083", "Bến Tre", "Vĩnh Long", 1289, kMekong},
    {"084", "Trà Vinh", "Vĩnh Long", 1009, kMekong},
    {"086", "Vĩnh Long", "Vĩnh Long", 1023, kMekong},
    {"087", "Đồng Tháp", "Đồng Tháp", 1600, kMekong},
    {"089", "An Giang", "An Giang", 1908, kMekong},
    {"091", "Kiên Giang", "An Giang", 1723, kMekong},
    {"092", "Cần Thơ", "Cần Thơ", 1236, kMekong},
    {"093", "Hậu Giang", "Cần Thơ", 734, kMekong},
    {"094", "Sóc Trăng", "Cần Thơ", 1200, kMekong},
    {"095", "Bạc Liêu", "Cà Mau", 907, kMekong},
    {"096", "Cà Mau", "Cà Mau", 1194, kMekong},
}};

constexpr bool codesSorted() {
  for (std::size_t i = 1; i < kFormer.size(); ++i) {
    if (!(kFormer[i - 1].code < kFormer[i].code)) return false;
  }
  return true;
}
static_assert(codesSorted(), "formerProvince() binary-searches by code");

// Commune and ward counts after the 2025 reorganisation as reported at the
// time, from memory: approximate (they sum to 3,321). Urban shares are rough
// 2019 urbanisation rates of the merged provinces.
constexpr std::array<NewProvince, 34> kNew{{
    {"Hà Nội", "001", 126, 51, 49},     {"Cao Bằng", "004", 56, 3, 24},
    {"Tuyên Quang", "008", 124, 7, 15}, {"Lào Cai", "010", 99, 10, 22},
    {"Điện Biên", "011", 45, 3, 19},    {"Lai Châu", "012", 38, 5, 18},
    {"Sơn La", "014", 75, 8, 14},       {"Thái Nguyên", "019", 92, 15, 33},
    {"Lạng Sơn", "020", 65, 4, 22},     {"Quảng Ninh", "022", 54, 30, 64},
    {"Phú Thọ", "025", 148, 15, 22},    {"Bắc Ninh", "027", 99, 33, 30},
    {"Hải Phòng", "031", 114, 45, 38},  {"Hưng Yên", "033", 104, 11, 15},
    {"Ninh Bình", "037", 129, 32, 22},  {"Thanh Hóa", "038", 166, 19, 18},
    {"Nghệ An", "040", 130, 11, 15},    {"Hà Tĩnh", "042", 69, 9, 20},
    {"Quảng Trị", "045", 78, 8, 25},    {"Huế", "046", 40, 21, 49},
    {"Đà Nẵng", "048", 94, 23, 52},     {"Quảng Ngãi", "051", 96, 9, 18},
    {"Gia Lai", "064", 135, 25, 28},    {"Đắk Lắk", "066", 102, 14, 25},
    {"Khánh Hòa", "056", 65, 16, 40},   {"Lâm Đồng", "068", 124, 20, 33},
    {"Đồng Nai", "075", 95, 23, 38},    {"TP Hồ Chí Minh", "079", 168, 113, 76},
    {"Tây Ninh", "072", 96, 14, 18},    {"Đồng Tháp", "087", 102, 20, 18},
    {"Vĩnh Long", "086", 124, 19, 15},  {"Cần Thơ", "092", 103, 31, 48},
    {"An Giang", "089", 102, 14, 30},   {"Cà Mau", "096", 64, 9, 24},
}};

constexpr std::array<std::string_view, 34> namesOf(const std::array<NewProvince, 34>& table) {
  std::array<std::string_view, 34> names{};
  for (std::size_t i = 0; i < table.size(); ++i) names[i] = table[i].name;
  return names;
}
constexpr std::array<std::string_view, 34> kNewNames = namesOf(kNew);

// Syllables common in Vietnamese place names. Directions only combine with a
// non-direction ("Tân Đông", never "Đông Tây").
constexpr std::array<std::string_view, 28> kFirstSyllable{
    "Tân",   "Phú",  "An",    "Hòa", "Bình",  "Long", "Mỹ",   "Vĩnh",  "Phước", "Thuận",
    "Quang", "Xuân", "Hồng",  "Kim", "Ngọc",  "Thái", "Hưng", "Thạnh", "Đức",   "Trung",
    "Hải",   "Minh", "Thành", "Lộc", "Nghĩa", "Hiệp", "Đông", "Tây"};
constexpr std::array<std::string_view, 32> kSecondSyllable{
    "Phú",  "An",   "Hòa",   "Bình",  "Long",  "Thạnh", "Hưng",  "Mỹ",  "Lộc",  "Thuận", "Hiệp",
    "Minh", "Đông", "Tây",   "Nam",   "Bắc",   "Thành", "Trung", "Hải", "Sơn",  "Lâm",   "Xuân",
    "Hội",  "Lợi",  "Phong", "Thịnh", "Khánh", "Hậu",   "Điền",  "Hà",  "Tiến", "Quý"};

bool isDirection(std::string_view s) {
  return s == "Đông" || s == "Tây" || s == "Nam" || s == "Bắc";
}

struct SyllablePair {
  std::uint8_t first;
  std::uint8_t second;
};

// Every usable (first, second) pair, built once.
const std::vector<SyllablePair>& syllablePairs() {
  static const std::vector<SyllablePair> pairs = [] {
    std::vector<SyllablePair> v;
    for (std::size_t a = 0; a < kFirstSyllable.size(); ++a) {
      for (std::size_t b = 0; b < kSecondSyllable.size(); ++b) {
        if (kFirstSyllable[a] == kSecondSyllable[b]) continue;
        if (isDirection(kFirstSyllable[a]) && isDirection(kSecondSyllable[b])) continue;
        v.push_back({static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)});
      }
    }
    return v;
  }();
  return pairs;
}

// FNV-1a: a stable hash of the province name (std::hash may differ between
// library versions, and the names must not).
std::uint64_t stableHash(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Index `i` of province `name` -> a distinct syllable pair, through an affine
// permutation of the pair list so that provinces do not all share the same
// first names.
SyllablePair pairFor(std::string_view name, int i) {
  const std::vector<SyllablePair>& pairs = syllablePairs();
  const std::uint64_t m = pairs.size();
  const std::uint64_t h = stableHash(name);
  std::uint64_t a = (h >> 20) % m + 1;
  while (std::gcd(a, m) != 1) ++a;
  const std::uint64_t b = h % m;
  return pairs[(a * static_cast<std::uint64_t>(i) + b) % m];
}

}  // namespace

std::span<const FormerProvince> formerProvinces() { return kFormer; }

const FormerProvince* formerProvince(std::string_view code) {
  const auto it =
      std::lower_bound(kFormer.begin(), kFormer.end(), code,
                       [](const FormerProvince& p, std::string_view c) { return p.code < c; });
  if (it == kFormer.end() || it->code != code) return nullptr;
  return &*it;
}

std::span<const std::string_view> newProvinces() { return kNewNames; }

std::span<const NewProvince> newProvinceTable() { return kNew; }

const NewProvince* newProvince(std::string_view name) {
  for (const NewProvince& p : kNew) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

int communeCount(std::string_view new_province) {
  const NewProvince* p = newProvince(new_province);
  return p ? p->communes : 0;
}

std::string communeName(std::string_view new_province, int index) {
  const NewProvince* p = newProvince(new_province);
  if (!p) return {};
  const int i = ((index % p->communes) + p->communes) % p->communes;
  const SyllablePair pair = pairFor(p->name, i);
  std::string out = i < p->wards ? "Phường " : "Xã ";
  out += kFirstSyllable[pair.first];
  out += ' ';
  out += kSecondSyllable[pair.second];
  return out;
}

}  // namespace tongdai::core::registry
