#include "core/search/search_index.h"

#include <gtest/gtest.h>

#include "core/search/telex.h"

namespace tongdai::core::search {
namespace {

std::vector<std::int64_t> ids(const std::vector<Hit>& hits) {
  std::vector<std::int64_t> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.upsert({1, "Đổi thẻ căn cước khi đủ 25 tuổi",
                   "Công dân đủ 25 tuổi phải làm thủ tục cấp đổi thẻ căn cước. Thẻ cấp trong vòng 2 năm "
                   "trước tuổi 25 vẫn có giá trị đến mốc tuổi tiếp theo.",
                   {"cấp đổi", "25 tuổi"}});
    index_.upsert({2, "Mất thẻ căn cước thì làm lại ở đâu?",
                   "Khi bị mất thẻ, công dân đề nghị cấp lại tại công an cấp xã bất kỳ. Lệ phí cấp lại là "
                   "70.000 đồng.",
                   {"cấp lại", "mất thẻ"}});
    index_.upsert({3, "Không nhận được mã kích hoạt VNeID",
                   "Kiểm tra số điện thoại đã đăng ký và hộp tin nhắn; nếu vẫn không nhận được, liên hệ "
                   "công an nơi đăng ký tài khoản định danh điện tử.",
                   {"VNeID", "kích hoạt"}});
    index_.upsert({4, "Bảo quản thẻ và chip",
                   "Không để thẻ gần nguồn nhiệt, không bấm lỗ, không dán đè lên chip. Báo công an khi "
                   "chip hỏng để được cấp đổi.",
                   {"chip", "hỏng"}});
    index_.upsert({5, "Số định danh cá nhân gồm những gì?",
                   "Số định danh có 12 chữ số: mã tỉnh nơi đăng ký khai sinh, mã thế kỷ và giới tính, "
                   "năm sinh và 6 số ngẫu nhiên. Nơi cư trú không làm thay đổi số.",
                   {"số định danh"}});
  }
  std::vector<std::int64_t> top(const std::string& q, int n = 3, bool prefix = false) {
    SearchOptions o;
    o.limit = n;
    o.prefix_last = prefix;
    return ids(index_.search(q, o));
  }
  SearchIndex index_;
};

TEST_F(SearchIndexTest, AccentInsensitiveIncludingStrokedD) {
  EXPECT_EQ(top("doi the can cuoc 25 tuoi").at(0), 1);
  EXPECT_EQ(top("Đổi thẻ căn cước 25 tuổi").at(0), 1);
  EXPECT_EQ(top("dinh danh ca nhan").at(0), 5);
}

TEST_F(SearchIndexTest, SameTopAnswersWithAndWithoutAccents) {
  EXPECT_EQ(top("mất thẻ làm lại"), top("mat the lam lai"));
  EXPECT_EQ(top("mất thẻ làm lại").at(0), 2);
}

TEST_F(SearchIndexTest, DecomposedInputMatches) {
  EXPECT_EQ(top("ma\xCC\x82\xCC\x81t the\xCC\x89").at(0), 2);  // "mất thẻ" in NFD
}

TEST_F(SearchIndexTest, TelexAndVniLeftoversAreRepaired) {
  EXPECT_EQ(top("caaps laij thee").at(0), 2);
  EXPECT_EQ(top("kichs hoatj vneid").at(0), 3);
  EXPECT_EQ(top("ma4t the3").at(0), 2);
}

TEST_F(SearchIndexTest, OneTypoPerWordIsTolerated) {
  EXPECT_EQ(top("kich hoaj vneid").at(0), 3);   // deletion
  EXPECT_EQ(top("dinh dnah ca nhan").at(0), 5); // transposition
}

TEST_F(SearchIndexTest, PhraseOutranksScatteredWords) {
  SearchIndex idx;
  idx.upsert({1, "Giấy tờ cần mang", "Mang theo thẻ cũ. Căn hộ chung cư không cần xác nhận. Cước phí bưu điện.", {}});
  idx.upsert({2, "Thủ tục", "Thủ tục làm thẻ căn cước cho trẻ em.", {}});
  SearchOptions o;
  auto hits = idx.search("căn cước", o);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 2);
}

TEST_F(SearchIndexTest, AccentsInTheQueryAreASignal) {
  SearchIndex idx;
  idx.upsert({1, "Báo mất thẻ", "Báo công an khi mất thẻ.", {}});
  idx.upsert({2, "Bảo quản thẻ", "Bảo quản thẻ nơi khô ráo.", {}});
  SearchOptions o;
  EXPECT_EQ(idx.search("bảo thẻ", o).at(0).id, 2);
  EXPECT_EQ(idx.search("báo thẻ", o).at(0).id, 1);
}

TEST_F(SearchIndexTest, PrefixOfTheLastWordForSuggestions) {
  EXPECT_TRUE(top("kich hoa", 3, false).empty() || top("kich hoa", 3, false).at(0) == 3);
  EXPECT_EQ(top("kich hoa", 3, true).at(0), 3);
  EXPECT_EQ(top("vne", 3, true).at(0), 3);
}

TEST_F(SearchIndexTest, SnippetsAreEscapedAndHighlighted) {
  index_.upsert({9, "Ký tự <đặc biệt>", "Dấu <script>alert(1)</script> và lệ phí đặc biệt.", {}});
  SearchOptions o;
  auto hits = index_.search("dac biet", o);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, 9);
  EXPECT_NE(hits[0].snippet.find("<mark>đặc</mark>"), std::string::npos) << hits[0].snippet;
  EXPECT_EQ(hits[0].snippet.find("<script>"), std::string::npos);
  EXPECT_NE(hits[0].title_html.find("&lt;<mark>đặc</mark> <mark>biệt</mark>&gt;"), std::string::npos)
      << hits[0].title_html;
}

TEST_F(SearchIndexTest, UpsertReplacesAndRemoveForgets) {
  index_.upsert({2, "Đổi mật khẩu", "Đặt lại mật khẩu VNeID.", {}});
  EXPECT_EQ(index_.size(), 5u);
  // The old text is gone: its words now reach doc 2 only through a typo ("bat" ~ "đặt").
  auto lost = top("cap xa bat ky");
  ASSERT_FALSE(lost.empty());
  EXPECT_NE(lost.at(0), 2);
  EXPECT_EQ(top("dat lai mat khau").at(0), 2);
  index_.remove(3);
  EXPECT_EQ(index_.size(), 4u);
  auto act = top("kich hoat");
  EXPECT_TRUE(std::find(act.begin(), act.end(), 3) == act.end());
}

TEST_F(SearchIndexTest, NoiseGivesNothingAndNeverThrows) {
  SearchOptions o;
  EXPECT_TRUE(index_.search("", o).empty());
  EXPECT_TRUE(index_.search("!!! ???", o).empty());
  EXPECT_TRUE(index_.search("zzzzqqqq", o).empty());
  EXPECT_NO_THROW(index_.search(std::string("\xff\xfe\xc3", 3), o));
}

TEST(Telex, Repairs) {
  auto has = [](const std::string& t, const std::string& want) {
    auto r = inputMethodRepairs(t);
    return std::find(r.begin(), r.end(), want) != r.end();
  };
  EXPECT_TRUE(has("caaps", "cap"));
  EXPECT_TRUE(has("laij", "lai"));
  EXPECT_TRUE(has("nguyeenx", "nguyen"));
  EXPECT_TRUE(has("ddoir", "doi"));
  EXPECT_TRUE(has("cuwowcs", "cuoc"));
  EXPECT_TRUE(has("nguye6n4", "nguyen"));
  EXPECT_TRUE(inputMethodRepairs("123").empty());
}

}  // namespace
}  // namespace tongdai::core::search
