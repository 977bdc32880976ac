#include "core/registry/geography.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/identity/citizen_id.h"
#include "core/text/fold.h"

namespace tongdai::core::registry {
namespace {

TEST(Geography, SixtyThreeFormerProvincesKnownToTheIdParser) {
  const auto formers = formerProvinces();
  ASSERT_EQ(formers.size(), 63u);
  std::set<std::string_view> codes;
  for (const FormerProvince& f : formers) {
    codes.insert(f.code);
    const auto name = identity::provinceName(f.code);
    ASSERT_TRUE(name.has_value()) << f.code;
    EXPECT_EQ(*name, f.name) << f.code;
    EXPECT_EQ(formerProvince(f.code), &f);
  }
  EXPECT_EQ(codes.size(), 63u);
  EXPECT_EQ(formerProvince("999"), nullptr);
  EXPECT_EQ(formerProvince(""), nullptr);
}

TEST(Geography, EveryFormerProvinceMapsToOneOfExactlyThirtyFour) {
  const auto news = newProvinces();
  ASSERT_EQ(news.size(), 34u);
  const std::set<std::string_view> listed(news.begin(), news.end());
  EXPECT_EQ(listed.size(), 34u);
  std::set<std::string_view> used;
  for (const FormerProvince& f : formerProvinces()) {
    EXPECT_TRUE(listed.count(f.new_province)) << f.code << " -> " << f.new_province;
    used.insert(f.new_province);
  }
  EXPECT_EQ(used, listed);
  for (std::string_view n : news) EXPECT_EQ(std::string(n), text::toNfc(n));
}

TEST(Geography, ElevenUnchangedProvincesMapToThemselvesAlone) {
  const std::map<std::string_view, std::string_view> unchanged{
      {"Hà Nội", "Hà Nội"},         {"Thừa Thiên Huế", "Huế"},  {"Lai Châu", "Lai Châu"},
      {"Điện Biên", "Điện Biên"},   {"Sơn La", "Sơn La"},       {"Lạng Sơn", "Lạng Sơn"},
      {"Quảng Ninh", "Quảng Ninh"}, {"Thanh Hóa", "Thanh Hóa"}, {"Nghệ An", "Nghệ An"},
      {"Hà Tĩnh", "Hà Tĩnh"},       {"Cao Bằng", "Cao Bằng"}};
  std::map<std::string_view, int> members;
  for (const FormerProvince& f : formerProvinces()) ++members[f.new_province];
  int found = 0;
  for (const FormerProvince& f : formerProvinces()) {
    const auto it = unchanged.find(f.name);
    if (it == unchanged.end()) continue;
    ++found;
    EXPECT_EQ(f.new_province, it->second);
    EXPECT_EQ(members[f.new_province], 1) << f.new_province;
  }
  EXPECT_EQ(found, 11);
}

// The 23 merged provinces of Resolution 202/2025/QH15 with the former codes merged into each.
TEST(Geography, MergersFollowTheResolution) {
  const std::map<std::string_view, std::set<std::string_view>> merged{
      {"Tuyên Quang", {"008", "002"}},    {"Lào Cai", {"010", "015"}},
      {"Thái Nguyên", {"019", "006"}},    {"Phú Thọ", {"025", "026", "017"}},
      {"Bắc Ninh", {"027", "024"}},       {"Hưng Yên", {"033", "034"}},
      {"Hải Phòng", {"031", "030"}},      {"Ninh Bình", {"037", "035", "036"}},
      {"Quảng Trị", {"045", "044"}},      {"Đà Nẵng", {"048", "049"}},
      {"Quảng Ngãi", {"051", "062"}},     {"Gia Lai", {"064", "052"}},
      {"Khánh Hòa", {"056", "058"}},      {"Lâm Đồng", {"068", "067", "060"}},
      {"Đắk Lắk", {"066", "054"}},        {"TP Hồ Chí Minh", {"079", "074", "077"}},
      {"Đồng Nai", {"075", "070"}},       {"Tây Ninh", {"072", "080"}},
      {"Cần Thơ", {"092", "094", "093"}}, {"Vĩnh Long", {"086", "083", "084"}},
      {"Đồng Tháp", {"087", "082"}},      {"Cà Mau", {"096", "095"}},
      {"An Giang", {"089", "091"}}};
  ASSERT_EQ(merged.size(), 23u);
  std::map<std::string_view, std::set<std::string_view>> actual;
  for (const FormerProvince& f : formerProvinces()) actual[f.new_province].insert(f.code);
  for (const auto& [name, codes] : merged) EXPECT_EQ(actual[name], codes) << name;
}

TEST(Geography, PopulationsSumToAboutNinetySixMillion) {
  int total = 0;
  for (const FormerProvince& f : formerProvinces()) {
    EXPECT_GT(f.population_thousands, 200) << f.code;
    total += f.population_thousands;
  }
  EXPECT_NEAR(total, 96000, 9600);
  EXPECT_GT(formerProvince("079")->population_thousands,
            formerProvince("012")->population_thousands);
}

TEST(Geography, NewProvinceTableIsConsistent) {
  const auto table = newProvinceTable();
  ASSERT_EQ(table.size(), 34u);
  int communes = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const NewProvince& p = table[i];
    EXPECT_EQ(p.name, newProvinces()[i]);
    EXPECT_EQ(newProvince(p.name), &p);
    const FormerProvince* core = formerProvince(p.code);
    ASSERT_NE(core, nullptr) << p.name;
    EXPECT_EQ(core->new_province, p.name);
    EXPECT_GT(p.communes, 30);
    EXPECT_GT(p.wards, 0);
    EXPECT_LT(p.wards, p.communes);
    EXPECT_GE(p.urban_percent, 0);
    EXPECT_LE(p.urban_percent, 100);
    EXPECT_EQ(communeCount(p.name), p.communes);
    communes += p.communes;
  }
  EXPECT_NEAR(communes, 3321, 200);
  EXPECT_EQ(newProvince("Thừa Thiên Huế"), nullptr);  // merged away
  EXPECT_EQ(communeCount("Atlantis"), 0);
}

TEST(Geography, CommuneNamesAreDistinctPlausibleAndStable) {
  for (const NewProvince& p : newProvinceTable()) {
    std::set<std::string> seen;
    int wards = 0;
    for (int i = 0; i < p.communes; ++i) {
      const std::string name = communeName(p.name, i);
      EXPECT_TRUE(seen.insert(name).second) << p.name << ": " << name;
      EXPECT_EQ(name, text::toNfc(name));
      const bool ward = name.rfind("Phường ", 0) == 0;
      EXPECT_TRUE(ward || name.rfind("Xã ", 0) == 0) << name;
      EXPECT_EQ(ward, i < p.wards) << name;
      wards += ward;
    }
    EXPECT_EQ(wards, p.wards);
    EXPECT_EQ(communeName(p.name, p.communes), communeName(p.name, 0));  // wraps
  }
  // Deterministic: the same name for the same (province, index), every run.
  EXPECT_EQ(communeName("TP Hồ Chí Minh", 7), communeName("TP Hồ Chí Minh", 7));
  EXPECT_NE(communeName("TP Hồ Chí Minh", 0), communeName("Hà Nội", 0));
  EXPECT_EQ(communeName("Atlantis", 1), "");
}

TEST(Geography, EveryRegionHasProvinces) {
  std::map<Region, int> count;
  for (const FormerProvince& f : formerProvinces()) ++count[f.region];
  EXPECT_EQ(count.size(), static_cast<std::size_t>(kRegionCount));
  EXPECT_EQ(formerProvince("094")->region, Region::mekong_delta);
  EXPECT_EQ(formerProvince("066")->region, Region::central_highlands);
  EXPECT_EQ(formerProvince("002")->region, Region::northern_mountains);
}

}  // namespace
}  // namespace tongdai::core::registry
