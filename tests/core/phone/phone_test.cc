#include "core/phone/phone.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/text/fold.h"

namespace tongdai::core::phone {
namespace {

std::string normalized(std::string_view input) {
  Result<std::string> r = normalizePhone(input);
  EXPECT_TRUE(r.ok()) << input << ": " << (r.ok() ? "" : r.error().code);
  return r.ok() ? r.value() : "";
}

// The error code, after checking what all phone errors share.
std::string errorCode(std::string_view input) {
  Result<std::string> r = normalizePhone(input);
  EXPECT_FALSE(r.ok()) << input << " -> " << (r.ok() ? r.value() : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.error().field, "phone");
  EXPECT_EQ(r.error().message_vi, text::toNfc(r.error().message_vi));
  EXPECT_FALSE(r.error().message_en.empty());
  return r.error().code;
}

TEST(NormalizePhone, MobileWrittenAnyWay) {
  for (std::string_view input :
       {"0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "(+84) 912 345 678",
        "+84912345678", "+84 912 345 678", "84912345678", "0084912345678", "0084 912 345 678",
        "+84 0912 345 678", "  0912 345 678  ", "(0912) 345-678"}) {
    EXPECT_EQ(normalized(input), "+84912345678") << input;
  }
}

TEST(NormalizePhone, Landlines) {
  EXPECT_EQ(normalized("024 3826 4242"), "+842438264242");
  EXPECT_EQ(normalized("(028) 3829 1234"), "+842838291234");
  EXPECT_EQ(normalized("+84 24 3826 4242"), "+842438264242");
  EXPECT_EQ(normalized("0236 3821 234"), "+842363821234");  // 4-digit area code, Đà Nẵng
}

// The whole 2018 table, in the order of domain.md.
TEST(NormalizePhone, OldElevenDigitMobiles) {
  const std::pair<std::string_view, std::string_view> table[] = {
      {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0123", "083"}, {"0124", "084"},
      {"0125", "085"}, {"0126", "076"}, {"0127", "081"}, {"0128", "078"}, {"0129", "082"},
      {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},
      {"0167", "037"}, {"0168", "038"}, {"0169", "039"}, {"0186", "056"}, {"0188", "058"},
      {"0199", "059"},
  };
  for (const auto& [old_prefix, new_prefix] : table) {
    const std::string expected = "+84" + std::string(new_prefix.substr(1)) + "6123456";
    EXPECT_EQ(normalized(std::string(old_prefix) + "6123456"), expected) << old_prefix;
    EXPECT_EQ(normalized("+84" + std::string(old_prefix.substr(1)) + "6123456"), expected);
  }
  EXPECT_EQ(normalized("01686123456"), "+84386123456");
  EXPECT_EQ(normalized("+84 168 612 3456"), "+84386123456");
  EXPECT_EQ(normalized("0168.612.3456"), "+84386123456");
}

TEST(NormalizePhone, OldNumbersKeepTheirCarrier) {
  EXPECT_EQ(carrierOf(normalized("01206123456")), "MobiFone");
  EXPECT_EQ(carrierOf(normalized("01236123456")), "VinaPhone");
  EXPECT_EQ(carrierOf(normalized("01686123456")), "Viettel");
  EXPECT_EQ(carrierOf(normalized("01886123456")), "Vietnamobile");
  EXPECT_EQ(carrierOf(normalized("01996123456")), "Gmobile");
}

TEST(NormalizePhone, Empty) {
  EXPECT_EQ(errorCode(""), "phone_empty");
  EXPECT_EQ(errorCode("   "), "phone_empty");
  EXPECT_EQ(errorCode("-"), "phone_empty");  // what forms get for "no phone"
  EXPECT_EQ(errorCode("..."), "phone_empty");
}

TEST(NormalizePhone, InvalidChars) {
  for (std::string_view input :
       {"0912abc678", "0912/345/678", "0912 345 678 ext 12", "0912+345678", "++84912345678",
        "0912\t345678", "\uFF10912345678", "0912_345_678"}) {
    EXPECT_EQ(errorCode(input), "phone_invalid_chars") << input;
  }
}

TEST(NormalizePhone, Length) {
  EXPECT_EQ(errorCode("091234567"), "phone_length");
  EXPECT_EQ(errorCode("09123456789"), "phone_length");
  EXPECT_EQ(errorCode("+8491234567"), "phone_length");
  EXPECT_EQ(errorCode("024 3826 424"), "phone_length");
  EXPECT_EQ(errorCode("024 3826 42421"), "phone_length");
  EXPECT_EQ(errorCode("0168612345"), "phone_length");    // old prefix, a digit short
  EXPECT_EQ(errorCode("016861234567"), "phone_length");  // old prefix, a digit too many
  EXPECT_EQ(errorCode("0"), "phone_length");
  EXPECT_EQ(errorCode("+84"), "phone_length");
}

TEST(NormalizePhone, UnknownPrefix) {
  EXPECT_EQ(errorCode("0412345678"), "phone_unknown_prefix");
  EXPECT_EQ(errorCode("0552345678"), "phone_unknown_prefix");
  EXPECT_EQ(errorCode("0952345678"), "phone_unknown_prefix");
  EXPECT_EQ(errorCode("+84 412 345 678"), "phone_unknown_prefix");
  EXPECT_EQ(errorCode("01616123456"), "phone_unknown_prefix");      // not in the 2018 table
  EXPECT_EQ(errorCode("+1 202 555 0100"), "phone_unknown_prefix");  // foreign
  EXPECT_EQ(errorCode("0044 20 7946 0000"), "phone_unknown_prefix");
  EXPECT_EQ(errorCode("912345678"), "phone_unknown_prefix");  // neither 0 nor 84 in front
  const Result<std::string> r = normalizePhone("0412345678");
  EXPECT_EQ(r.error().message_vi, "Đầu số 041 không thuộc nhà mạng di động nào tại Việt Nam");
}

TEST(NormalizePhone, EveryKnownMobilePrefix) {
  for (std::string_view prefix :
       {"032", "033", "034", "035", "036", "037", "038", "039", "052", "056", "058", "059",
        "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "087",
        "088", "089", "090", "091", "092", "093", "094", "096", "097", "098", "099"}) {
    EXPECT_EQ(normalized(std::string(prefix) + "1234567"),
              "+84" + std::string(prefix.substr(1)) + "1234567");
  }
}

TEST(CarrierOf, ByPrefix) {
  EXPECT_EQ(carrierOf("+84321234567"), "Viettel");
  EXPECT_EQ(carrierOf("+84391234567"), "Viettel");
  EXPECT_EQ(carrierOf("+84861234567"), "Viettel");
  EXPECT_EQ(carrierOf("+84961234567"), "Viettel");
  EXPECT_EQ(carrierOf("+84981234567"), "Viettel");
  EXPECT_EQ(carrierOf("+84811234567"), "VinaPhone");
  EXPECT_EQ(carrierOf("+84851234567"), "VinaPhone");
  EXPECT_EQ(carrierOf("+84881234567"), "VinaPhone");
  EXPECT_EQ(carrierOf("+84912345678"), "VinaPhone");
  EXPECT_EQ(carrierOf("+84941234567"), "VinaPhone");
  EXPECT_EQ(carrierOf("+84701234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84761234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84791234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84891234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84901234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84931234567"), "MobiFone");
  EXPECT_EQ(carrierOf("+84521234567"), "Vietnamobile");
  EXPECT_EQ(carrierOf("+84561234567"), "Vietnamobile");
  EXPECT_EQ(carrierOf("+84581234567"), "Vietnamobile");
  EXPECT_EQ(carrierOf("+84921234567"), "Vietnamobile");
  EXPECT_EQ(carrierOf("+84591234567"), "Gmobile");
  EXPECT_EQ(carrierOf("+84991234567"), "Gmobile");
  EXPECT_EQ(carrierOf("+84871234567"), "iTel");
}

TEST(CarrierOf, LandlineAndUnknown) {
  EXPECT_EQ(carrierOf("+842438264242"), "landline");
  EXPECT_EQ(carrierOf("+842838291234"), "landline");
  EXPECT_EQ(carrierOf("+84412345678"), "");
  EXPECT_EQ(carrierOf("0912345678"), "");     // not normalised
  EXPECT_EQ(carrierOf("+8491234567"), "");    // too short
  EXPECT_EQ(carrierOf("+84 912345678"), "");  // not normalised
  EXPECT_EQ(carrierOf("+12025550100"), "");
  EXPECT_EQ(carrierOf(""), "");
}

}  // namespace
}  // namespace tongdai::core::phone
