#include "core/registry/names.h"

#include <algorithm>
#include <vector>

namespace tongdai::core::registry {
namespace {

using identity::Gender;

// Weights per 10,000 people, after published surveys of family-name frequency
// (Nguyễn about 38%, Trần 11%, Lê 9.5% ...); rounded, approximate.
constexpr WeightedName kFamily[] = {
    {"Nguyễn", 3800}, {"Trần", 1100}, {"Lê", 950},    {"Phạm", 700}, {"Hoàng", 320}, {"Huỳnh", 180},
    {"Phan", 450},    {"Vũ", 240},    {"Võ", 150},    {"Đặng", 210}, {"Bùi", 200},   {"Đỗ", 140},
    {"Hồ", 130},      {"Ngô", 130},   {"Dương", 100}, {"Lý", 50},    {"Đào", 60},    {"Đoàn", 55},
    {"Vương", 20},    {"Trịnh", 55},  {"Trương", 60}, {"Lâm", 40},   {"Phùng", 25},  {"Mai", 45},
    {"Tô", 25},       {"Hà", 50},     {"Tạ", 25},     {"Quách", 15}, {"Lương", 45},  {"Cao", 45},
    {"Đinh", 70},     {"Châu", 25},   {"Kiều", 15},   {"Lục", 8},    {"Thái", 20},   {"Lưu", 35},
    {"La", 10},       {"Triệu", 15},  {"Đàm", 15},    {"Văn", 10},   {"Tăng", 10},   {"Hứa", 10},
    {"Nghiêm", 10},   {"Chu", 20},    {"Lại", 15},    {"Mạc", 10},   {"Giang", 10},  {"Thân", 10},
    {"Khúc", 5},      {"Ông", 5},     {"Từ", 10},     {"Diệp", 5},   {"Âu", 5},      {"Bạch", 5},
    {"Doãn", 5},
};

// Middle names besides Văn / Thị, whose share depends on the birth year.
constexpr WeightedName kMaleMiddle[] = {
    {"Hữu", 8},   {"Đức", 9},   {"Minh", 12}, {"Quang", 8}, {"Thành", 7}, {"Công", 6},
    {"Xuân", 5},  {"Ngọc", 5},  {"Anh", 6},   {"Hoàng", 6}, {"Tuấn", 4},  {"Gia", 6},
    {"Bảo", 5},   {"Đình", 6},  {"Trọng", 4}, {"Quốc", 6},  {"Mạnh", 3},  {"Duy", 4},
    {"Thanh", 5}, {"Trung", 3}, {"Việt", 3},  {"Nhật", 3},  {"Hải", 3},   {"Đăng", 3},
    {"Khánh", 2}, {"Tiến", 2},  {"Phúc", 2},  {"Hồng", 2},  {"Chí", 3},   {"Tấn", 3},
};
constexpr WeightedName kFemaleMiddle[] = {
    {"Ngọc", 12},  {"Thu", 7},  {"Thanh", 8},        {"Minh", 5},  {"Kim", 6},
    {"Phương", 5}, {"Bảo", 5},  {"Hồng", 5},         {"Mai", 4},   {"Thùy", 5, "Thuỳ"},
    {"Khánh", 5},  {"Hải", 3},  {"Thúy", 4, "Thuý"}, {"Diệu", 3},  {"Lan", 2},
    {"Bích", 3},   {"Mỹ", 4},   {"Hoài", 2},         {"Quỳnh", 3}, {"Yến", 2},
    {"Tường", 2},  {"Gia", 3},  {"Hà", 2},           {"Thảo", 2},  {"Huyền", 2},
    {"Tuyết", 2},  {"Xuân", 2}, {"Như", 3},
};

constexpr WeightedName kMaleGiven[] = {
    {"An", 4},         {"Anh", 8},   {"Bảo", 3},   {"Bình", 4},  {"Cường", 4},  {"Chiến", 2},
    {"Công", 2},       {"Dũng", 6},  {"Duy", 4},   {"Dương", 2}, {"Đạt", 4},    {"Đức", 5},
    {"Định", 2},       {"Giang", 2}, {"Hải", 6},   {"Hậu", 2},   {"Hiếu", 4},   {"Hiệp", 2},
    {"Hòa", 3, "Hoà"}, {"Hoàng", 4}, {"Hùng", 6},  {"Huy", 6},   {"Hưng", 4},   {"Khang", 3},
    {"Khánh", 3},      {"Khoa", 3},  {"Kiên", 2},  {"Lâm", 2},   {"Lộc", 3},    {"Long", 6},
    {"Luân", 1},       {"Mạnh", 3},  {"Minh", 8},  {"Nam", 6},   {"Nghĩa", 3},  {"Nhân", 2},
    {"Phát", 3},       {"Phong", 4}, {"Phúc", 4},  {"Phước", 2}, {"Quang", 4},  {"Quân", 4},
    {"Quốc", 2},       {"Quý", 2},   {"Sang", 2},  {"Sơn", 6},   {"Tài", 3},    {"Tâm", 3},
    {"Tân", 2},        {"Thắng", 4}, {"Thành", 6}, {"Thịnh", 3}, {"Thuận", 2},  {"Thụy", 1, "Thuỵ"},
    {"Tiến", 3},       {"Toàn", 3},  {"Trí", 3},   {"Trung", 5}, {"Trường", 3}, {"Tú", 3},
    {"Tuấn", 8},       {"Tùng", 4},  {"Việt", 4},  {"Vinh", 4},  {"Vũ", 3},     {"Thọ", 1},
};
constexpr WeightedName kFemaleGiven[] = {
    {"An", 3},    {"Anh", 8},    {"Ánh", 3},          {"Bích", 2},         {"Châu", 2},
    {"Chi", 4},   {"Diễm", 2},   {"Diệp", 1},         {"Dung", 4},         {"Duyên", 3},
    {"Giang", 3}, {"Hà", 5},     {"Hạnh", 4},         {"Hằng", 5},         {"Hân", 2},
    {"Hiền", 4},  {"Hoa", 5},    {"Hòa", 2, "Hoà"},   {"Hồng", 4},         {"Huệ", 2},
    {"Hương", 7}, {"Huyền", 5},  {"Lan", 5},          {"Liên", 3},         {"Linh", 7},
    {"Loan", 3},  {"Ly", 3},     {"Mai", 5},          {"My", 4},           {"Nga", 4},
    {"Ngân", 4},  {"Ngọc", 4},   {"Nguyệt", 2},       {"Nhi", 5},          {"Nhung", 4},
    {"Oanh", 3},  {"Phượng", 3}, {"Phương", 6},       {"Quyên", 2},        {"Quỳnh", 4},
    {"Tâm", 2},   {"Thảo", 6},   {"Thanh", 3},        {"Thắm", 2},         {"Thơ", 2},
    {"Thu", 4},   {"Thư", 4},    {"Thúy", 4, "Thuý"}, {"Thủy", 5, "Thuỷ"}, {"Tiên", 3},
    {"Trâm", 3},  {"Trang", 7},  {"Trinh", 3},        {"Tuyết", 3},        {"Uyên", 3},
    {"Vân", 4},   {"Vy", 5},     {"Xuân", 3},         {"Yến", 4},          {"Hậu", 1},
    {"Lệ", 2},
};

// Family names of some minorities (rough weights).
constexpr WeightedName kTayNungFamily[] = {{"Nông", 30}, {"Hoàng", 25}, {"Lương", 10},
                                           {"Bế", 8},    {"Hà", 8},     {"Lục", 6},
                                           {"Triệu", 5}, {"Ma", 5},     {"Đàm", 3}};
constexpr WeightedName kThaiFamily[] = {{"Lò", 25},    {"Cầm", 15}, {"Lường", 15},
                                        {"Quàng", 10}, {"Vi", 10},  {"Hà", 10},
                                        {"Điêu", 5},   {"Tòng", 5}, {"Mè", 3}};
constexpr WeightedName kMuongFamily[] = {{"Bùi", 35}, {"Đinh", 25}, {"Quách", 15},
                                         {"Hà", 10},  {"Bạch", 5},  {"Xa", 5}};
constexpr WeightedName kHoaFamily[] = {{"Lâm", 15},   {"Trương", 12}, {"Lý", 12},  {"Quách", 8},
                                       {"Huỳnh", 10}, {"Châu", 8},    {"Lưu", 8},  {"Tăng", 6},
                                       {"Mã", 5},     {"Diệp", 5},    {"Trần", 10}};
constexpr WeightedName kDaoFamily[] = {{"Triệu", 30}, {"Bàn", 25}, {"Đặng", 20},
                                       {"Lý", 10},    {"Chảo", 8}, {"Tẩn", 7}};
constexpr WeightedName kHmongFamily[] = {{"Giàng", 20}, {"Vàng", 20}, {"Sùng", 12}, {"Thào", 12},
                                         {"Hầu", 8},    {"Lý", 8},    {"Mùa", 6},   {"Vừ", 6},
                                         {"Ly", 4},     {"Cứ", 4}};
constexpr WeightedName kEdeFamily[] = {{"Niê", 30}, {"Êban", 15},  {"Mlô", 10},  {"Byă", 10},
                                       {"Ktla", 8}, {"Adrơng", 8}, {"Hwing", 5}, {"Ayun", 3}};
constexpr WeightedName kJaraiFamily[] = {{"Ksor", 25},   {"Siu", 25}, {"Rơ Châm", 15},
                                         {"Rơ Mah", 15}, {"Kpă", 10}, {"Nay", 10}};
constexpr WeightedName kKhmerFamily[] = {{"Thạch", 30}, {"Danh", 20}, {"Sơn", 15}, {"Kim", 10},
                                         {"Lâm", 8},    {"Châu", 5},  {"Kiên", 5}, {"Trần", 7}};
constexpr WeightedName kChamFamily[] = {{"Thành", 15}, {"Đạo", 10},  {"Quảng", 10}, {"Lộ", 8},
                                        {"Đàng", 10},  {"Thuận", 8}, {"Trượng", 5}, {"Bá", 5}};
constexpr WeightedName kMnongFamily[] = {{"Điểu", 1}};

// Given names of the naming customs that do not use the Kinh lists.
constexpr WeightedName kHmongMale[] = {{"Páo", 3},  {"Chứ", 3}, {"Dình", 2}, {"Sử", 2},
                                       {"Sình", 2}, {"Lử", 2},  {"Chư", 2},  {"Pó", 2},
                                       {"Dế", 2},   {"Tủa", 2}, {"Lồng", 1}, {"Tráng", 2}};
constexpr WeightedName kHmongFemale[] = {{"Mỷ", 3},  {"Dợ", 2},   {"Mai", 2},  {"Xúa", 2},
                                         {"Sua", 2}, {"Chía", 2}, {"Pàng", 2}, {"Mẩy", 2},
                                         {"Dua", 2}, {"Sú", 1},   {"Chu", 1},  {"Dính", 1}};
constexpr WeightedName kEdeMale[] = {{"Bih", 2},   {"Ngông", 2},  {"Moan", 2}, {"Kông", 2},
                                     {"Jũ", 1},    {"Wem", 1},    {"Blô", 2},  {"Phi", 2},
                                     {"Thuột", 1}, {"Dhiêng", 1}, {"Sinh", 2}, {"Khu", 1}};
constexpr WeightedName kEdeFemale[] = {{"Hen", 2},  {"Hiu", 2}, {"Nga", 2},   {"Ni", 2},
                                       {"Dung", 2}, {"Bia", 1}, {"Bluih", 1}, {"Yăo", 1},
                                       {"Rin", 2},  {"Ăt", 1},  {"Juê", 1},   {"Mai", 2}};
constexpr WeightedName kKhmerMale[] = {{"Sa Rương", 2}, {"Sóc", 2},  {"Phol", 2},  {"Chanh", 2},
                                       {"Sươl", 1},     {"Thol", 1}, {"Sa Ry", 1}, {"Phách", 1},
                                       {"Sam", 2},      {"Sang", 2}, {"Vươl", 1},  {"Út", 2}};
constexpr WeightedName kKhmerFemale[] = {
    {"Sa Rươne", 2}, {"Sô Phia", 2}, {"Sô Phanh", 1}, {"Thi", 2},       {"Ry", 1},    {"Sa Vy", 1},
    {"Chanh Đa", 1}, {"Sóc Kha", 1}, {"Mây", 2},      {"Srey Ních", 1}, {"Thoại", 1}, {"Đa Ra", 1}};

constexpr std::span<const WeightedName> kNoFamily{};

// Members per 10,000 in [northern mountains, central highlands, Mekong delta,
// elsewhere]: rough readings of the 2019 census, so that the country comes out
// near 85% Kinh with minorities where they live.
const EthnicGroup kGroups[] = {
    {"Kinh", {0, 0, 0, 0}, NameStyle::kinh, kNoFamily},
    {"Tày", {1500, 170, 0, 45}, NameStyle::kinh, kTayNungFamily},
    {"Thái", {1350, 60, 0, 85}, NameStyle::kinh, kThaiFamily},
    {"Mường", {600, 60, 0, 130}, NameStyle::kinh, kMuongFamily},
    {"Khmer", {0, 0, 740, 8}, NameStyle::khmer, kKhmerFamily},
    {"Hoa", {30, 20, 100, 95}, NameStyle::kinh, kHoaFamily},
    {"Nùng", {750, 250, 0, 15}, NameStyle::kinh, kTayNungFamily},
    {"H'Mông", {1350, 100, 0, 12}, NameStyle::hmong, kHmongFamily},
    {"Dao", {750, 60, 0, 23}, NameStyle::kinh, kDaoFamily},
    {"Gia Rai", {0, 870, 0, 0}, NameStyle::kinh, kJaraiFamily},
    {"Ê Đê", {0, 680, 0, 0}, NameStyle::ede, kEdeFamily},
    {"Ba Na", {0, 430, 0, 6}, NameStyle::kinh, kNoFamily},
    {"Xơ Đăng", {0, 220, 0, 12}, NameStyle::kinh, kNoFamily},
    {"Sán Chay", {160, 10, 0, 8}, NameStyle::kinh, kNoFamily},
    {"Cơ Ho", {0, 340, 0, 0}, NameStyle::kinh, kNoFamily},
    {"Chăm", {0, 0, 8, 25}, NameStyle::kinh, kChamFamily},
    {"Sán Dìu", {60, 0, 0, 18}, NameStyle::kinh, kNoFamily},
    {"Hrê", {0, 0, 0, 23}, NameStyle::kinh, kNoFamily},
    {"Mnông", {0, 210, 0, 0}, NameStyle::kinh, kMnongFamily},
    {"Ra Glai", {0, 0, 0, 23}, NameStyle::kinh, kNoFamily},
    {"Xtiêng", {0, 10, 0, 15}, NameStyle::kinh, kNoFamily},
    {"Bru-Vân Kiều", {0, 20, 0, 14}, NameStyle::kinh, kNoFamily},
    {"Thổ", {0, 0, 0, 14}, NameStyle::kinh, kNoFamily},
    {"Khơ Mú", {80, 0, 0, 5}, NameStyle::kinh, kNoFamily},
    {"Giáy", {70, 0, 0, 0}, NameStyle::kinh, kNoFamily},
    {"Cơ Tu", {0, 0, 0, 11}, NameStyle::kinh, kNoFamily},
    {"Tà Ôi", {0, 0, 0, 8}, NameStyle::kinh, kNoFamily},
    {"Mạ", {0, 80, 0, 0}, NameStyle::kinh, kNoFamily},
};

// A cumulative weight table: draw an index by weight with one bounded draw and
// a binary search.
class Cumulative {
 public:
  Cumulative() = default;
  explicit Cumulative(std::span<const WeightedName> names) {
    for (const WeightedName& n : names) add(n.weight);
  }
  void add(int weight) {
    total_ += static_cast<std::uint32_t>(weight);
    upper_.push_back(total_);
  }
  std::size_t pick(Dice& dice) const {
    const std::uint32_t r = dice.below(total_);
    return std::upper_bound(upper_.begin(), upper_.end(), r) - upper_.begin();
  }

 private:
  std::vector<std::uint32_t> upper_;
  std::uint32_t total_ = 0;
};

// Share (percent) of Văn / Thị among the middle names by birth year: nearly
// universal for old records, much rarer for children born after 2005.
std::uint32_t commonMiddlePercent(Gender g, int birth_year) {
  const bool male = g == Gender::male;
  if (birth_year < 1960) return male ? 65 : 80;
  if (birth_year < 1980) return male ? 50 : 65;
  if (birth_year < 1995) return male ? 35 : 45;
  if (birth_year < 2005) return male ? 22 : 30;
  return male ? 12 : 18;
}

// Names with two tone placements use the old one this often: real records
// hold both spellings, and search must cope with either.
constexpr std::uint32_t kOldStylePercent = 20;

void appendName(const WeightedName& n, Dice& dice, std::string& out) {
  if (!n.old_style.empty() && dice.percent(kOldStylePercent)) {
    out += n.old_style;
  } else {
    out += n.text;
  }
}

}  // namespace

std::span<const WeightedName> familyNames() { return kFamily; }
std::span<const WeightedName> middleNames(Gender g) {
  return g == Gender::male ? std::span<const WeightedName>(kMaleMiddle) : kFemaleMiddle;
}
std::span<const WeightedName> givenNames(Gender g) {
  return g == Gender::male ? std::span<const WeightedName>(kMaleGiven) : kFemaleGiven;
}
std::span<const EthnicGroup> ethnicGroups() { return kGroups; }

struct NameBuilder::Tables {
  Cumulative family{kFamily};
  Cumulative middle[2]{Cumulative(kMaleMiddle), Cumulative(kFemaleMiddle)};
  Cumulative given[2]{Cumulative(kMaleGiven), Cumulative(kFemaleGiven)};
  Cumulative hmong[2]{Cumulative(kHmongMale), Cumulative(kHmongFemale)};
  Cumulative ede[2]{Cumulative(kEdeMale), Cumulative(kEdeFemale)};
  Cumulative khmer[2]{Cumulative(kKhmerMale), Cumulative(kKhmerFemale)};
  std::vector<Cumulative> group_family;  // per ethnic group; empty table = common names
  Cumulative region[kRegionCount];

  Tables() {
    for (const EthnicGroup& g : kGroups) group_family.emplace_back(g.family_names);
    for (int r = 0; r < kRegionCount; ++r) {
      int minorities = 0;
      for (const EthnicGroup& g : kGroups) minorities += g.per_10k[r];
      region[r].add(10000 - minorities);  // Kinh first
      for (std::size_t i = 1; i < std::size(kGroups); ++i) region[r].add(kGroups[i].per_10k[r]);
    }
  }
};

NameBuilder::NameBuilder() : t_(std::make_unique<Tables>()) {}
NameBuilder::~NameBuilder() = default;

std::size_t NameBuilder::ethnicGroup(Region region, std::uint64_t random) const {
  Dice dice(random);
  return t_->region[static_cast<int>(region)].pick(dice);
}

namespace {

int genderIndex(Gender g) { return g == Gender::male ? 0 : 1; }

}  // namespace

void NameBuilder::fullName(std::size_t ethnic_group, Gender gender, int birth_year,
                           std::uint64_t r1, std::uint64_t r2, std::string& out) const {
  const EthnicGroup& group = kGroups[ethnic_group];
  const int gi = genderIndex(gender);
  const bool male = gender == Gender::male;
  Dice d1(r1);
  Dice d2(r2);
  const WeightedName& family = group.family_names.empty()
                                   ? kFamily[t_->family.pick(d1)]
                                   : group.family_names[t_->group_family[ethnic_group].pick(d1)];
  switch (group.style) {
    case NameStyle::ede: {
      const WeightedName* given = male ? kEdeMale : kEdeFemale;
      out += male ? "Y " : "H'";
      out += given[t_->ede[gi].pick(d2)].text;
      out += ' ';
      out += family.text;
      return;
    }
    case NameStyle::hmong: {
      const WeightedName* given = male ? kHmongMale : kHmongFemale;
      out += family.text;
      out += male ? (d2.percent(75) ? " A " : " Seo ") : " Thị ";
      out += given[t_->hmong[gi].pick(d2)].text;
      return;
    }
    case NameStyle::khmer: {
      const WeightedName* given = male ? kKhmerMale : kKhmerFemale;
      out += family.text;
      out += ' ';
      if (!male && d2.percent(50)) out += "Thị ";
      out += given[t_->khmer[gi].pick(d2)].text;
      return;
    }
    case NameStyle::kinh:
      break;
  }
  out += family.text;
  out += ' ';
  // A few old records carry no middle name ("Lê Duẩn"); some younger people carry two
  // ("Nguyễn Thị Ngọc Anh").
  const WeightedName* middles = male ? kMaleMiddle : kFemaleMiddle;
  std::string_view last_middle;
  if (!(birth_year < 1960 && d2.percent(3))) {
    if (d2.percent(commonMiddlePercent(gender, birth_year))) {
      last_middle = male ? "Văn" : "Thị";
      out += last_middle;
    } else {
      const WeightedName& m = middles[t_->middle[gi].pick(d2)];
      appendName(m, d2, out);
      last_middle = m.text;
    }
    out += ' ';
    if (birth_year >= 1975 && d2.percent(8)) {
      const WeightedName& m = middles[t_->middle[gi].pick(d2)];
      if (m.text != last_middle) {
        appendName(m, d2, out);
        out += ' ';
        last_middle = m.text;
      }
    }
  }
  const WeightedName* given = male ? kMaleGiven : kFemaleGiven;
  const Cumulative& table = t_->given[gi];
  std::size_t g = table.pick(d1);
  if (given[g].text == last_middle) g = table.pick(d1);  // "Minh Minh" is rare
  appendName(given[g], d1, out);
}

}  // namespace tongdai::core::registry
