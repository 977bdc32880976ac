#include "core/registry/json.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/identity/citizen_id.h"
#include "core/text/fold.h"

namespace tongdai::core::registry {

using nlohmann::json;

namespace {

// ------------------------------------------------------------------ errors

struct Problem {
  const char* vi;
  const char* en;
};
constexpr Problem kMissing{"thiếu trường bắt buộc", "required field missing"};
constexpr Problem kWrongType{"sai kiểu dữ liệu", "wrong type"};
constexpr Problem kBadValue{"giá trị không hợp lệ", "invalid value"};

Error badResponse(const std::string& path, Problem p) {
  const std::string where = path.empty() ? "(gốc)" : path;
  const std::string where_en = path.empty() ? "(root)" : path;
  return makeError("registry_bad_response",
                   "Cơ sở dữ liệu quốc gia về dân cư trả về dữ liệu không hợp lệ: " + where + " " + p.vi +
                       ".",
                   "The national population database returned invalid data: " + where_en + " " + p.en + ".",
                   path);
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// ------------------------------------------------------------------ reader

// Reads the members of one JSON object, keeping the first problem met so a
// decoder can read every field and check once at the end (short functions,
// no exception anywhere: only is_*() tests and get_ref on checked types).
class ObjectReader {
 public:
  enum Need { optional, required };

  ObjectReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) fail("", kWrongType);
  }

  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }
  const std::string& path() const { return path_; }

  // The member, or nullptr when absent or null (null means "not given").
  const json* member(const char* key, Need need) {
    if (error_) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (need == required) fail(key, kMissing);
      return nullptr;
    }
    return &*it;
  }

  // Free text: normalised to NFC, the form we store and compare in.
  void text(const char* key, std::string& out, Need need = optional) {
    const json* m = member(key, need);
    if (!m) return;
    if (!m->is_string()) return fail(key, kWrongType);
    out = text::toNfc(m->get_ref<const std::string&>());
  }

  void integer(const char* key, std::int64_t& out, std::int64_t lo, std::int64_t hi,
               Need need = optional) {
    const json* m = member(key, need);
    if (!m) return;
    if (!m->is_number_integer()) return fail(key, kWrongType);
    // Unsigned values above INT64_MAX would wrap in get<int64_t>().
    if (m->is_number_unsigned() &&
        m->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
      return fail(key, kBadValue);
    }
    auto v = m->get<std::int64_t>();
    if (v < lo || v > hi) return fail(key, kBadValue);
    out = v;
  }

  void integer(const char* key, int& out, int lo, int hi, Need need = optional) {
    std::int64_t v = out;
    integer(key, v, lo, hi, need);
    if (ok()) out = static_cast<int>(v);
  }

  void fail(std::string_view key, Problem p) {
    if (!error_) error_ = badResponse(key.empty() ? path_ : join(path_, key), p);
  }

  // Adopts the error of a nested decoder.
  void adopt(const Error& e) {
    if (!error_) error_ = e;
  }

 private:
  const json& j_;
  std::string path_;
  std::optional<Error> error_;
};

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// "YYYY-MM-DD" by shape; "" (no date) passes too.
bool isIsoDayOrEmpty(std::string_view s) {
  if (s.empty()) return true;
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && allDigits(s.substr(0, 4)) &&
         allDigits(s.substr(5, 2)) && allDigits(s.substr(8));
}

// Only the canonical ISO forms ("1950", "1950-03", "1950-03-12"), not the
// operators' dd/mm/yyyy that PartialDate::parse also takes: the wire has one form.
std::optional<PartialDate> parseWireDate(const std::string& s) {
  if (s.empty()) return PartialDate{};
  auto d = PartialDate::parse(s);
  if (!d || d->toString() != s) return std::nullopt;
  return d;
}

void readDate(ObjectReader& r, const char* key, PartialDate& out, ObjectReader::Need need) {
  std::string s;
  r.text(key, s, need);
  if (!r.ok()) return;
  auto d = parseWireDate(s);
  if (!d) return r.fail(key, kBadValue);
  out = *d;
}

void readIsoDay(ObjectReader& r, const char* key, std::string& out) {
  r.text(key, out);
  if (r.ok() && !isIsoDayOrEmpty(out)) r.fail(key, kBadValue);
}

void readGender(ObjectReader& r, Person& p) {
  std::string g;
  r.text("gender", g, ObjectReader::required);
  if (!r.ok()) return;
  if (g == "male") {
    p.gender = identity::Gender::male;
  } else if (g == "female") {
    p.gender = identity::Gender::female;
  } else {
    r.fail("gender", kBadValue);
  }
}

// A nested object decoded by `decode`, reported under this reader's path.
template <typename T, typename Decode>
void readObject(ObjectReader& r, const char* key, T& out, Decode decode) {
  const json* m = r.member(key, ObjectReader::optional);
  if (!m) return;
  auto v = decode(*m, join(r.path(), key));
  if (!v.ok()) return r.adopt(v.error());
  out = std::move(v).value();
}

template <typename T, typename Decode>
void readArray(ObjectReader& r, const char* key, std::vector<T>& out, Decode decode,
               ObjectReader::Need need = ObjectReader::optional) {
  const json* m = r.member(key, need);
  if (!m) return;
  if (!m->is_array()) return r.fail(key, kWrongType);
  const std::string base = join(r.path(), key);
  out.clear();
  out.reserve(m->size());
  for (std::size_t i = 0; i < m->size(); ++i) {
    auto v = decode((*m)[i], indexed(base, i));
    if (!v.ok()) return r.adopt(v.error());
    out.push_back(std::move(v).value());
  }
}

// ------------------------------------------------------------------ decoders at a path

Result<Address> addressAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Address a;
  r.text("commune", a.commune);
  r.text("province", a.province);
  if (!r.ok()) return r.error();
  return a;
}

Result<Person> personAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Person p;
  r.text("id", p.id, ObjectReader::required);
  // The ID is the key every look-up and URL is built on: 12 digits or nothing.
  if (r.ok() && (p.id.size() != 12 || !allDigits(p.id))) r.fail("id", kBadValue);
  r.text("full_name", p.full_name, ObjectReader::required);
  readDate(r, "birth_date", p.birth_date, ObjectReader::optional);
  readGender(r, p);
  r.text("ethnicity", p.ethnicity);
  r.text("hometown", p.hometown);
  readObject(r, "permanent", p.permanent, addressAt);
  readObject(r, "current", p.current, addressAt);
  r.text("former_province_code", p.former_province_code);
  r.integer("vneid_level", p.vneid_level, 0, 2);
  if (!r.ok()) return r.error();
  return p;
}

void readStageTimes(ObjectReader& r, Application& a) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  r.integer("received_at", a.received_at, 0, kMax);
  r.integer("approved_at", a.approved_at, 0, kMax);
  r.integer("printing_at", a.printing_at, 0, kMax);
  r.integer("printed_at", a.printed_at, 0, kMax);
  r.integer("dispatched_at", a.dispatched_at, 0, kMax);
  r.integer("handed_over_at", a.handed_over_at, 0, kMax);
  r.integer("returned_at", a.returned_at, 0, kMax);
}

void readEnums(ObjectReader& r, Application& a) {
  std::string type, stage;
  r.text("type", type, ObjectReader::required);
  r.text("stage", stage, ObjectReader::required);
  if (!r.ok()) return;
  auto t = parseApplicationType(type);
  if (!t) return r.fail("type", kBadValue);
  auto s = parseStage(stage);
  if (!s) return r.fail("stage", kBadValue);
  a.type = *t;
  a.stage = *s;
}

Result<Application> applicationAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Application a;
  r.text("code", a.code, ObjectReader::required);
  r.text("person_id", a.person_id);
  readEnums(r, a);
  r.text("type_reason", a.type_reason);
  r.text("office", a.office);
  r.text("office_province", a.office_province);
  readStageTimes(r, a);
  r.text("returned_reason", a.returned_reason);
  readIsoDay(r, "due_date", a.due_date);
  r.text("delivery", a.delivery);
  if (!r.ok()) return r.error();
  return a;
}

Result<Card> cardAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Card c;
  r.text("number", c.number, ObjectReader::required);
  r.text("person_id", c.person_id);
  r.text("application_code", c.application_code);
  readIsoDay(r, "issue_date", c.issue_date);
  readIsoDay(r, "expiry_date", c.expiry_date);
  if (!r.ok()) return r.error();
  return c;
}

Result<PersonRecord> personRecordAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  PersonRecord rec;
  const json* person = r.member("person", ObjectReader::required);
  if (person) {
    auto p = personAt(*person, join(path, "person"));
    if (p.ok()) rec.person = std::move(p).value();
    else r.adopt(p.error());
  }
  readArray(r, "applications", rec.applications, applicationAt);
  readArray(r, "cards", rec.cards, cardAt);
  if (!r.ok()) return r.error();
  return rec;
}

Result<Candidate> candidateAt(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Candidate c;
  const json* person = r.member("person", ObjectReader::required);
  if (person) {
    auto p = personAt(*person, join(path, "person"));
    if (p.ok()) c.person = std::move(p).value();
    else r.adopt(p.error());
  }
  r.integer("score", c.score, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (!r.ok()) return r.error();
  return c;
}

json stageTimes(const Application& a) {
  return {{"received_at", a.received_at},     {"approved_at", a.approved_at},
          {"printing_at", a.printing_at},     {"printed_at", a.printed_at},
          {"dispatched_at", a.dispatched_at}, {"handed_over_at", a.handed_over_at},
          {"returned_at", a.returned_at}};
}

}  // namespace

// ------------------------------------------------------------------ encoders

json toJson(const Address& a) { return {{"commune", a.commune}, {"province", a.province}}; }

json toJson(const Person& p) {
  return {{"id", p.id},
          {"full_name", p.full_name},
          {"birth_date", p.birth_date.toString()},
          {"gender", identity::genderName(p.gender)},
          {"ethnicity", p.ethnicity},
          {"hometown", p.hometown},
          {"permanent", toJson(p.permanent)},
          {"current", toJson(p.current)},
          {"former_province_code", p.former_province_code},
          {"vneid_level", p.vneid_level}};
}

json toJson(const Application& a) {
  json j = {{"code", a.code},
            {"person_id", a.person_id},
            {"type", applicationTypeName(a.type)},
            {"type_reason", a.type_reason},
            {"office", a.office},
            {"office_province", a.office_province},
            {"stage", stageName(a.stage)},
            {"returned_reason", a.returned_reason},
            {"due_date", a.due_date},
            {"delivery", a.delivery}};
  j.update(stageTimes(a));
  return j;
}

json toJson(const Card& c) {
  return {{"number", c.number},
          {"person_id", c.person_id},
          {"application_code", c.application_code},
          {"issue_date", c.issue_date},
          {"expiry_date", c.expiry_date}};
}

json toJson(const PersonRecord& r) {
  json apps = json::array(), cards = json::array();
  for (const auto& a : r.applications) apps.push_back(toJson(a));
  for (const auto& c : r.cards) cards.push_back(toJson(c));
  return {{"person", toJson(r.person)}, {"applications", std::move(apps)}, {"cards", std::move(cards)}};
}

json toJson(const Candidate& c) { return {{"person", toJson(c.person)}, {"score", c.score}}; }

json toJson(const RegistryStats& s) {
  return {{"people", s.people}, {"applications", s.applications}, {"cards", s.cards}};
}

json toJson(const NameQuery& q) {
  return {{"full_name", q.full_name},
          {"birth_date", q.birth_date.toString()},
          {"province_code", q.province_code},
          {"limit", q.limit}};
}

json candidateListToJson(const std::vector<Candidate>& items) {
  json arr = json::array();
  for (const auto& c : items) arr.push_back(toJson(c));
  return {{"items", std::move(arr)}};
}

// ------------------------------------------------------------------ decoders

Result<Address> addressFromJson(const json& j) { return addressAt(j, ""); }
Result<Person> personFromJson(const json& j) { return personAt(j, ""); }
Result<Application> applicationFromJson(const json& j) { return applicationAt(j, ""); }
Result<Card> cardFromJson(const json& j) { return cardAt(j, ""); }
Result<PersonRecord> personRecordFromJson(const json& j) { return personRecordAt(j, ""); }
Result<Candidate> candidateFromJson(const json& j) { return candidateAt(j, ""); }

Result<RegistryStats> registryStatsFromJson(const json& j) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  ObjectReader r(j, "");
  RegistryStats s;
  r.integer("people", s.people, 0, kMax, ObjectReader::required);
  r.integer("applications", s.applications, 0, kMax, ObjectReader::required);
  r.integer("cards", s.cards, 0, kMax, ObjectReader::required);
  if (!r.ok()) return r.error();
  return s;
}

Result<NameQuery> nameQueryFromJson(const json& j) {
  ObjectReader r(j, "");
  NameQuery q;
  r.text("full_name", q.full_name, ObjectReader::required);
  readDate(r, "birth_date", q.birth_date, ObjectReader::required);
  r.text("province_code", q.province_code);
  r.integer("limit", q.limit, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (!r.ok()) return r.error();
  return q;
}

Result<std::vector<Candidate>> candidateListFromJson(const json& j) {
  ObjectReader r(j, "");
  std::vector<Candidate> items;
  readArray(r, "items", items, candidateAt, ObjectReader::required);
  if (!r.ok()) return r.error();
  return items;
}

}  // namespace tongdai::core::registry
