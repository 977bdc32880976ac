#include "core/identity/citizen_id.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text/fold.h"

namespace tongdai::core::identity {
namespace {

constexpr int kYear = 2026;

// Parses input that must fail and returns the error, checking what every
// citizen-ID error shares: the field and an NFC Vietnamese message.
Error parseError(std::string_view input, int year = kYear) {
  Result<CitizenIdInfo> r = parseCitizenId(input, year);
  EXPECT_FALSE(r.ok()) << input;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().field, "citizen_id");
  EXPECT_EQ(r.error().message_vi, text::toNfc(r.error().message_vi));
  EXPECT_FALSE(r.error().message_en.empty());
  return r.error();
}

TEST(ParseCitizenId, DecodesAllFields) {
  Result<CitizenIdInfo> r = parseCitizenId("001085012345", kYear);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->number, "001085012345");
  EXPECT_EQ(r->province_code, "001");
  EXPECT_EQ(r->province, "Hà Nội");
  EXPECT_TRUE(r->province_known);
  EXPECT_EQ(r->gender, Gender::male);
  EXPECT_EQ(r->birth_year, 1985);
  EXPECT_EQ(r->century_digit, 0);
}

TEST(ParseCitizenId, FemaleBornIn2005InHoChiMinhCity) {
  Result<CitizenIdInfo> r = parseCitizenId("079305123456", kYear);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->province, "TP Hồ Chí Minh");
  EXPECT_EQ(r->gender, Gender::female);
  EXPECT_EQ(r->birth_year, 2005);
  EXPECT_EQ(r->century_digit, 3);
}

struct CenturyCase {
  char digit;
  Gender gender;
  int birth_year;  // for YY = 00
};

class CenturyDigit : public testing::TestWithParam<CenturyCase> {};

// Every digit is checked in a year when its century has begun.
TEST_P(CenturyDigit, GivesCenturyAndSex) {
  const CenturyCase& c = GetParam();
  const std::string number = std::string("001") + c.digit + "00123456";
  Result<CitizenIdInfo> r = parseCitizenId(number, c.birth_year);
  ASSERT_TRUE(r.ok()) << number << " " << r.error().code;
  EXPECT_EQ(r->gender, c.gender);
  EXPECT_EQ(r->birth_year, c.birth_year);
  EXPECT_EQ(r->century_digit, c.digit - '0');
}

INSTANTIATE_TEST_SUITE_P(
    AllDigits, CenturyDigit,
    testing::Values(CenturyCase{'0', Gender::male, 1900}, CenturyCase{'1', Gender::female, 1900},
                    CenturyCase{'2', Gender::male, 2000}, CenturyCase{'3', Gender::female, 2000},
                    CenturyCase{'4', Gender::male, 2100}, CenturyCase{'5', Gender::female, 2100},
                    CenturyCase{'6', Gender::male, 2200}, CenturyCase{'7', Gender::female, 2200},
                    CenturyCase{'8', Gender::male, 2300}, CenturyCase{'9', Gender::female, 2300}));

TEST(ParseCitizenId, BothSexesOfTheCurrentCenturies) {
  EXPECT_EQ(parseCitizenId("001099000001", kYear)->birth_year, 1999);
  EXPECT_EQ(parseCitizenId("001199000001", kYear)->gender, Gender::female);
  EXPECT_EQ(parseCitizenId("001199000001", kYear)->birth_year, 1999);
  EXPECT_EQ(parseCitizenId("001226000001", kYear)->gender, Gender::male);
  EXPECT_EQ(parseCitizenId("001226000001", kYear)->birth_year, 2026);
}

TEST(ParseCitizenId, AcceptsSpacesAndDotsBetweenGroups) {
  for (std::string_view input :
       {"001 085 012345", "  001 085 012345  ", "001.085.012345", "0010 8501 2345"}) {
    Result<CitizenIdInfo> r = parseCitizenId(input, kYear);
    ASSERT_TRUE(r.ok()) << input;
    EXPECT_EQ(r->number, "001085012345");
  }
}

TEST(ParseCitizenId, Empty) {
  EXPECT_EQ(parseError("").code, "citizen_id_empty");
  EXPECT_EQ(parseError("    ").code, "citizen_id_empty");
}

TEST(ParseCitizenId, NotDigits) {
  for (std::string_view input : {"00108501234A", "001-085-012345", "001\t085012345",
                                 "001\u00A0085012345", "\uFF1001085012345", "CCCD 001085012345"}) {
    EXPECT_EQ(parseError(input).code, "citizen_id_not_digits") << input;
  }
}

TEST(ParseCitizenId, Length) {
  const Error e = parseError("00108501234");
  EXPECT_EQ(e.code, "citizen_id_length");
  EXPECT_EQ(e.message_vi, "Số định danh phải gồm đúng 12 chữ số");
  EXPECT_EQ(parseError("0010850123456").code, "citizen_id_length");
  EXPECT_EQ(parseError("123456789").code, "citizen_id_length");  // an old 9-digit CMND
  EXPECT_EQ(parseError("...").code, "citizen_id_length");
}

TEST(ParseCitizenId, UnknownProvince) {
  const Error e = parseError("000085012345");
  EXPECT_EQ(e.code, "citizen_id_unknown_province");
  EXPECT_EQ(e.message_vi, "Mã tỉnh 000 không tồn tại trong số định danh");
  EXPECT_NE(e.message_en.find("000"), std::string::npos);
  EXPECT_EQ(parseError("003085012345").code, "citizen_id_unknown_province");  // a gap
  EXPECT_EQ(parseError("097085012345").code, "citizen_id_unknown_province");  // after Cà Mau
}

TEST(ParseCitizenId, UnknownProvinceAllowedIsFlagged) {
  Result<CitizenIdInfo> r = parseCitizenId("000085012345", kYear, true);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->province_known);
  EXPECT_EQ(r->province, "");
  EXPECT_EQ(r->province_code, "000");
  EXPECT_EQ(r->birth_year, 1985);
  // The other checks still apply.
  Result<CitizenIdInfo> future = parseCitizenId("000227012345", kYear, true);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, "citizen_id_birth_year_future");
}

TEST(ParseCitizenId, CenturyNotBegun) {
  const Error e = parseError("001400012345");  // 2100s, refused in 2026
  EXPECT_EQ(e.code, "citizen_id_century");
  EXPECT_NE(e.message_vi.find("2100"), std::string::npos);
  for (char digit : {'5', '6', '7', '8', '9'}) {
    EXPECT_EQ(parseError(std::string("001") + digit + "00012345").code, "citizen_id_century");
  }
  EXPECT_TRUE(parseCitizenId("001400012345", 2100).ok());
}

TEST(ParseCitizenId, BirthYearInTheFuture) {
  const Error e = parseError("001227012345");
  EXPECT_EQ(e.code, "citizen_id_birth_year_future");
  EXPECT_NE(e.message_vi.find("2027"), std::string::npos);
  EXPECT_EQ(parseError("001399012345").code, "citizen_id_birth_year_future");
  EXPECT_TRUE(parseCitizenId("001227012345", 2027).ok());
}

TEST(ProvinceName, KnowsTheSixtyThreeCodes) {
  int known = 0;
  for (int code = 0; code < 1000; ++code) {
    std::string padded = std::to_string(code);
    padded.insert(0, 3 - padded.size(), '0');
    const std::optional<std::string_view> name = provinceName(padded);
    if (!name) continue;
    ++known;
    EXPECT_FALSE(name->empty());
    EXPECT_TRUE(text::isValidUtf8(*name));
    EXPECT_EQ(std::string(*name), text::toNfc(*name)) << padded;
  }
  EXPECT_EQ(known, 63);
}

TEST(ProvinceName, Names) {
  EXPECT_EQ(provinceName("001"), "Hà Nội");
  EXPECT_EQ(provinceName("011"), "Điện Biên");
  EXPECT_EQ(provinceName("017"), "Hòa Bình");
  EXPECT_EQ(provinceName("046"), "Thừa Thiên Huế");
  EXPECT_EQ(provinceName("048"), "Đà Nẵng");
  EXPECT_EQ(provinceName("066"), "Đắk Lắk");
  EXPECT_EQ(provinceName("079"), "TP Hồ Chí Minh");
  EXPECT_EQ(provinceName("096"), "Cà Mau");
  EXPECT_EQ(provinceName("000"), std::nullopt);
  EXPECT_EQ(provinceName("1"), std::nullopt);
  EXPECT_EQ(provinceName("0011"), std::nullopt);
  EXPECT_EQ(provinceName(""), std::nullopt);
}

TEST(CheckBirthAndGender, Matches) {
  const CitizenIdInfo info = *parseCitizenId("079305123456", kYear);
  EXPECT_TRUE(checkBirthAndGender(info, 2005, Gender::female).ok());
}

TEST(CheckBirthAndGender, BirthYearMismatch) {
  const CitizenIdInfo info = *parseCitizenId("001085012345", kYear);
  const Status s = checkBirthAndGender(info, 1986, Gender::male);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "citizen_id_birth_year_mismatch");
  EXPECT_EQ(s.error().field, "citizen_id");
  EXPECT_EQ(s.error().message_vi,
            "Năm sinh trong số định danh (1985) không khớp với năm sinh đã khai (1986)");
}

TEST(CheckBirthAndGender, GenderMismatch) {
  const CitizenIdInfo info = *parseCitizenId("001085012345", kYear);
  const Status s = checkBirthAndGender(info, 1985, Gender::female);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "citizen_id_gender_mismatch");
  EXPECT_EQ(s.error().message_vi,
            "Giới tính trong số định danh (nam) không khớp với giới tính đã khai (nữ)");
  EXPECT_EQ(s.error().message_vi, text::toNfc(s.error().message_vi));
}

TEST(GenderName, StableNames) {
  EXPECT_STREQ(genderName(Gender::male), "male");
  EXPECT_STREQ(genderName(Gender::female), "female");
}

}  // namespace
}  // namespace tongdai::core::identity
