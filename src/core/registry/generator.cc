#include "core/registry/generator.h"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/registry/geography.h"
#include "core/registry/names.h"

namespace tongdai::core::registry {
namespace {

using identity::Gender;

// ---------------------------------------------------------------- randomness
// Our own generators: std:: distributions give different numbers on different
// standard libraries, and a seed must give the same population everywhere.

std::uint64_t mix64(std::uint64_t z) {  // splitmix64 finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {  // xoshiro256**
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& w : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      w = mix64(seed);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift, bias below 2^-32).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  // Uniform in [lo, hi] (inclusive).
  int between(int lo, int hi) { return lo + static_cast<int>(below(hi - lo + 1)); }
  // True with probability p (0..1).
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Integer weights -> index, by one bounded draw and a binary search.
class Weighted {
 public:
  void add(std::uint32_t weight) {
    total_ += weight;
    upper_.push_back(total_);
  }
  std::size_t pick(Rng& rng) const {
    const std::uint32_t r = rng.below(total_);
    return std::upper_bound(upper_.begin(), upper_.end(), r) - upper_.begin();
  }

 private:
  std::vector<std::uint32_t> upper_;
  std::uint32_t total_ = 0;
};

// ---------------------------------------------------------------- calendar
// Days are counted from 1970-01-01 (date::sys_days); moments are a day plus
// seconds since local (UTC+7, no DST) midnight.

constexpr std::int64_t kUtcOffset = 7 * 3600;
constexpr int kOpen = 7 * 3600 + 30 * 60;  // offices open 07:30
constexpr int kClose = 17 * 3600;          // nothing is recorded after 17:00
constexpr int kNever = 1 << 30;

int dayNumber(date::year_month_day ymd) {
  return static_cast<int>(date::sys_days(ymd).time_since_epoch().count());
}
date::year_month_day ymdOf(int day) {
  return date::year_month_day{date::sys_days{date::days{day}}};
}

// The same date `years` later; 29 February becomes 28 February.
int anniversary(date::year_month_day birth, int years) {
  date::year_month_day d = (birth.year() + date::years{years}) / birth.month() / birth.day();
  if (!d.ok()) d = d.year() / d.month() / date::last;
  return dayNumber(d);
}

int dayOf(std::int64_t unix_seconds) {
  return static_cast<int>((unix_seconds + kUtcOffset) / 86400);
}

struct Moment {
  int day;
  int sec;  // since local midnight
  std::int64_t unix() const { return std::int64_t{day} * 86400 - kUtcOffset + sec; }
};

// "2026-07-01" into `out` (cleared): same text as isoDay(), without an allocation.
void appendDigits(std::string& out, unsigned v, int width) {
  char buf[12];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}
void formatDay(date::year_month_day d, std::string& out) {
  out.clear();
  appendDigits(out, static_cast<unsigned>(static_cast<int>(d.year())), 4);
  out += '-';
  appendDigits(out, static_cast<unsigned>(d.month()), 2);
  out += '-';
  appendDigits(out, static_cast<unsigned>(d.day()), 2);
}

// ---------------------------------------------------------------- population
// Share of each 5-year age band (0-4 ... 100-104) per 10,000: a rough reading
// of Vietnam's age pyramid around 2025 (approximate).
constexpr std::array<std::uint32_t, 21> kAgeBands{720, 800, 820, 730, 680, 720, 800,
                                                  810, 740, 680, 600, 540, 460, 360,
                                                  240, 140, 90,  60,  30,  10,  2};
constexpr int kDaysPerBand = 1826;  // five years

// Chip cards from 2021, where our application history starts; the 2021
// campaign by month (relative weights: the peak was March to June).
constexpr std::array<std::uint32_t, 12> kCampaignMonths{4, 3, 14, 20, 18, 16, 6, 3, 3, 5, 4, 4};

// Applications received in the last 45 days before as_of count as current.
constexpr int kRecentWindowDays = 45;
// Extra chance of a current application for someone without one in the
// window: together with renewals and first cards falling there by themselves,
// about 5% of people have an application received in the last 45 days.
constexpr double kForcedRecent = 0.042;
constexpr double kReturned = 0.035;  // of current applications
constexpr double kPost = 0.30;

constexpr std::string_view kReturnReasons[] = {
    "Ảnh chân dung không đạt yêu cầu",
    "Thông tin nơi thường trú chưa khớp với Cơ sở dữ liệu quốc gia về dân cư",
    "Thiếu giấy tờ chứng minh thay đổi họ tên",
    "Thông tin ngày tháng năm sinh chưa khớp với Cơ sở dữ liệu quốc gia về dân cư",
    "Vân tay thu nhận không đạt chất lượng, đề nghị thu nhận lại",
    "Thiếu giấy khai sinh bản sao để đối chiếu thông tin",
    "Thông tin quê quán chưa được cập nhật theo đơn vị hành chính mới",
    "Chữ ký trên tờ khai CC01 chưa hợp lệ",
};

struct Commune {
  std::string name;    // "Phường Tân Phú"
  std::string office;  // "Công an phường Tân Phú"
};

struct Place {
  int province = 0;  // index into newProvinceTable()
  int commune = 0;
  friend bool operator==(const Place&, const Place&) = default;
};

// What an application plan says before it is played out against the calendar.
struct Plan {
  ApplicationType type = ApplicationType::new_card;
  std::string_view reason;
  int day = kNever;  // received (snapped to a working day)
  bool may_return = true;
};

struct Outcome {
  bool created = false;
  bool handed_over = false;
  bool returned = false;
  bool pending = false;  // still in progress at as_of
  int last_day = 0;      // day of the last stage reached
  int printed_day = 0;
};

// Everything drawn for the person being built.
struct Draft {
  int birth_day = 0;
  date::year_month_day birth;
  int age_years = 0;
  Place permanent;
  Place current;
};

}  // namespace

struct PopulationGenerator::State {
  GeneratorOptions opt;
  Rng rng;
  std::int64_t produced = 0;
  std::uint64_t id_key;

  NameBuilder names;
  Weighted former_by_population;
  Weighted age_band;
  Weighted campaign_month;
  std::vector<int> new_of_former;  // former index -> new province index
  std::vector<std::vector<Commune>> communes;
  // Per (former province, century/sex digit, two-digit year): people numbered so far.
  std::vector<std::uint32_t> id_counters;
  // Per (new province, day since chip_start): applications received so far, for
  // the last part of the application code.
  std::vector<std::uint32_t> daily_seq;

  int now = 0;  // as_of, a day number
  std::int64_t now_unix = 0;
  int chip_start = 0, child_cards = 0, merger = 0;

  // Working days cached as bytes: the caller's calendar is a std::function and
  // is asked millions of times otherwise.
  int cache_first = 0;
  std::vector<std::uint8_t> working;
  WorkingDayFn cached_working_day;

  std::vector<Application> app_pool;  // spare objects whose strings keep their buffers
  std::vector<Card> card_pool;

  explicit State(GeneratorOptions o);

  bool isWorking(int day) const;
  int nextWorking(int day) const;  // first working day >= day
  int prevWorking(int day) const;  // last working day <= day
  Moment advance(Moment m, int working_days);

  int pickFormer() { return static_cast<int>(former_by_population.pick(rng)); }
  Place pickPlace(int province);
  void fillPerson(Person& p, Draft& d);
  void assignId(Person& p, int former, int year, Gender g);
  void fillResidence(Person& p, Draft& d, int former);

  void fillApplications(const Draft& d, PersonRecord& out);
  int firstApplicationDay(const Draft& d);
  int uniformDay(int lo, int hi) {
    return hi <= lo ? kNever : lo + static_cast<int>(rng.below(hi - lo));
  }
  Plan nextPlan(const Draft& d, const PersonRecord& out, const Outcome& last, int& reissue,
                int& correction);
  Plan recentPlan(const PersonRecord& out, int day);
  Outcome emit(const Plan& plan, const Draft& d, PersonRecord& out);
  void schedule(Application& a, int received_day, bool may_return, bool slow);
  void addCard(const Application& a, const Person& p, int printed_day, PersonRecord& out);
  Application& newApplication(PersonRecord& out);
  void recycle(PersonRecord& out);
};

PopulationGenerator::State::State(GeneratorOptions o)
    : opt(std::move(o)), rng(opt.seed), id_key(mix64(opt.seed ^ 0x1D5EEDull)) {
  if (!opt.working_day) opt.working_day = mondayToFriday;
  const std::span<const FormerProvince> formers = formerProvinces();
  const std::span<const NewProvince> news = newProvinceTable();
  for (const FormerProvince& f : formers) {
    former_by_population.add(static_cast<std::uint32_t>(f.population_thousands));
    const auto it = std::find_if(news.begin(), news.end(),
                                 [&](const NewProvince& n) { return n.name == f.new_province; });
    new_of_former.push_back(static_cast<int>(it - news.begin()));
  }
  for (const NewProvince& n : news) {
    std::vector<Commune>& list = communes.emplace_back();
    for (int i = 0; i < n.communes; ++i) {
      std::string name = communeName(n.name, i);
      std::string office = i < n.wards ? "Công an phường" : "Công an xã";
      office += name.substr(name.find(' '));
      list.push_back({std::move(name), std::move(office)});
    }
  }
  for (std::uint32_t w : kAgeBands) age_band.add(w);
  for (std::uint32_t w : kCampaignMonths) campaign_month.add(w);
  id_counters.assign(formers.size() * 10 * 100, 0);

  now = dayNumber(opt.as_of);
  now_unix = std::int64_t{now} * 86400 - kUtcOffset;
  chip_start = dayNumber(date::year{2021} / 1 / 1);
  child_cards = dayNumber(date::year{2024} / 7 / 1);
  merger = dayNumber(date::year{2025} / 7 / 1);
  daily_seq.assign(news.size() * static_cast<std::size_t>(std::max(0, now - chip_start)), 0);
  cache_first = std::min(chip_start, now) - 30;
  working.resize(static_cast<std::size_t>(now + 800 - cache_first));
  for (std::size_t i = 0; i < working.size(); ++i) {
    working[i] = opt.working_day(ymdOf(cache_first + static_cast<int>(i))) ? 1 : 0;
  }
  cached_working_day = [this](date::year_month_day d) { return isWorking(dayNumber(d)); };
}

bool PopulationGenerator::State::isWorking(int day) const {
  const int i = day - cache_first;
  if (i >= 0 && i < static_cast<int>(working.size())) return working[i] != 0;
  return opt.working_day(ymdOf(day));
}

// A calendar without working days for months would be a broken calendar:
// give up after a quarter rather than loop forever.
int PopulationGenerator::State::nextWorking(int day) const {
  for (int i = 0; i < 92; ++i, ++day) {
    if (isWorking(day)) return day;
  }
  return day;
}
int PopulationGenerator::State::prevWorking(int day) const {
  for (int i = 0; i < 92; ++i, --day) {
    if (isWorking(day)) return day;
  }
  return day;
}

// Later the same working day, or `working_days` working days on at some hour.
Moment PopulationGenerator::State::advance(Moment m, int working_days) {
  if (working_days == 0) {
    m.sec += 300 + static_cast<int>(rng.below(3 * 3600));
    if (m.sec < kClose) return m;
    working_days = 1;
  }
  for (int i = 0; i < working_days; ++i) m.day = nextWorking(m.day + 1);
  m.sec = kOpen + static_cast<int>(rng.below(kClose - kOpen));
  return m;
}

// A commune of the province: in wards with the province's urban share.
Place PopulationGenerator::State::pickPlace(int province) {
  const NewProvince& n = newProvinceTable()[province];
  const bool ward =
      n.wards > 0 && (n.wards == n.communes || static_cast<int>(rng.below(100)) < n.urban_percent);
  const int commune = ward ? static_cast<int>(rng.below(n.wards))
                           : n.wards + static_cast<int>(rng.below(n.communes - n.wards));
  return {province, commune};
}

// ---------------------------------------------------------------- person

// PPP G YY + six digits: the six are the person's rank among those sharing
// the prefix, scrambled by a keyed 4-round Feistel permutation of [0, 10^6),
// so numbers look random yet never repeat within a run.
void PopulationGenerator::State::assignId(Person& p, int former, int year, Gender g) {
  const int digit = (year >= 2000 ? 2 : 0) + (g == Gender::female ? 1 : 0);
  const int yy = year % 100;
  const std::span<const FormerProvince> formers = formerProvinces();
  std::size_t slot = 0;
  for (int tries = 0; tries < 63; ++tries, former = (former + 1) % 63) {
    slot = (static_cast<std::size_t>(former) * 10 + digit) * 100 + yy;
    if (id_counters[slot] < 1000000) break;  // else: prefix full, register elsewhere
  }
  const std::uint32_t rank = id_counters[slot]++;
  const std::uint64_t key = mix64(id_key ^ ((slot + 1) * 0x9E3779B97F4A7C15ull));
  std::uint32_t hi = rank / 1000, lo = rank % 1000;
  for (std::uint64_t round = 0; round < 4; ++round) {
    const std::uint32_t f = static_cast<std::uint32_t>(mix64(key + round * 1000 + lo) % 1000);
    std::swap(hi, lo);
    lo = (lo + f) % 1000;
  }
  p.id.clear();
  p.id += formers[former].code;
  appendDigits(p.id, static_cast<unsigned>(digit), 1);
  appendDigits(p.id, static_cast<unsigned>(yy), 2);
  appendDigits(p.id, hi * 1000 + lo, 6);
  p.former_province_code.assign(formers[former].code);
}

void PopulationGenerator::State::fillResidence(Person& p, Draft& d, int former) {
  const std::span<const NewProvince> news = newProvinceTable();
  const int home = new_of_former[former];
  // Most live where their birth was registered; movers go where people are.
  d.permanent = pickPlace(rng.chance(0.80) ? home : new_of_former[pickFormer()]);
  if (rng.chance(0.85)) {
    d.current = d.permanent;
  } else {
    d.current = pickPlace(rng.chance(0.5) ? d.permanent.province : new_of_former[pickFormer()]);
  }
  const int hometown = rng.chance(0.85) ? home : new_of_former[pickFormer()];
  p.hometown.assign(news[hometown].name);
  p.permanent.province.assign(news[d.permanent.province].name);
  p.permanent.commune.assign(communes[d.permanent.province][d.permanent.commune].name);
  p.current.province.assign(news[d.current.province].name);
  p.current.commune.assign(communes[d.current.province][d.current.commune].name);
}

void PopulationGenerator::State::fillPerson(Person& p, Draft& d) {
  p.gender = rng.below(2) == 0 ? Gender::male : Gender::female;
  const int band = static_cast<int>(age_band.pick(rng));
  const int age_days = band * kDaysPerBand + static_cast<int>(rng.below(kDaysPerBand));
  const int earliest = dayNumber(date::year{1900} / 1 / 1);  // the ID number's first century
  d.birth_day = std::max(now - 1 - age_days, earliest);
  d.birth = ymdOf(d.birth_day);
  const int year = static_cast<int>(d.birth.year());
  d.age_years = (now - d.birth_day) * 400 / 146097;

  // Old records sometimes hold only the year, or the month and year.
  p.birth_date = {year, static_cast<int>(static_cast<unsigned>(d.birth.month())),
                  static_cast<int>(static_cast<unsigned>(d.birth.day()))};
  if (year < 1960) {
    const std::uint32_t r = rng.below(100);
    if (r < 3) p.birth_date.month = 0;
    if (r < 4) p.birth_date.day = 0;
  }

  const int former = pickFormer();
  assignId(p, former, year, p.gender);
  const FormerProvince& f = formerProvinces()[former];
  const std::size_t group = names.ethnicGroup(f.region, rng.next());
  p.ethnicity.assign(ethnicGroups()[group].name);
  p.full_name.clear();
  const std::uint64_t r1 = rng.next();  // two statements: argument order is unspecified
  const std::uint64_t r2 = rng.next();
  names.fullName(group, p.gender, year, r1, r2, p.full_name);
  fillResidence(p, d, former);
}

// ---------------------------------------------------------------- applications

void PopulationGenerator::State::recycle(PersonRecord& out) {
  for (Application& a : out.applications) app_pool.push_back(std::move(a));
  for (Card& c : out.cards) card_pool.push_back(std::move(c));
  out.applications.clear();
  out.cards.clear();
}

Application& PopulationGenerator::State::newApplication(PersonRecord& out) {
  if (app_pool.empty()) return out.applications.emplace_back();
  out.applications.push_back(std::move(app_pool.back()));
  app_pool.pop_back();
  return out.applications.back();
}

// The stage times of one application, cut at as_of. Most finish well inside
// the 7 working days; the 2021 backlog, occasional printing delays and
// citizens slow to collect at the office make the overdue ones.
void PopulationGenerator::State::schedule(Application& a, int received_day, bool may_return,
                                          bool slow) {
  std::int64_t* stages[] = {&a.received_at, &a.approved_at,   &a.printing_at,
                            &a.printed_at,  &a.dispatched_at, &a.handed_over_at};
  for (std::int64_t* s : stages) *s = 0;
  a.returned_at = 0;
  a.returned_reason.clear();

  Moment m{received_day, kOpen + static_cast<int>(rng.below(kClose - kOpen - 3600))};
  const int return_after = may_return && rng.chance(kReturned) ? (rng.chance(0.7) ? 0 : 1) : -1;
  Moment times[6];
  int reached = 0;
  times[reached++] = m;
  if (return_after != 0) {
    const std::uint32_t r = rng.below(10);
    times[reached++] = m = advance(m, r < 6 ? 0 : r < 9 ? 1 : 2);
  }
  if (return_after >= 0) {
    const Moment ret = advance(m, static_cast<int>(rng.below(2)));
    if (ret.unix() < now_unix) {
      a.returned_at = ret.unix();
      a.returned_reason.assign(kReturnReasons[rng.below(std::size(kReturnReasons))]);
    }
  } else {
    int delay = static_cast<int>(rng.below(2));
    if (slow) delay += static_cast<int>(rng.below(25));
    if (rng.chance(0.04)) delay += 5 + static_cast<int>(rng.below(15));
    times[reached++] = m = advance(m, delay);                               // printing
    times[reached++] = m = advance(m, 1 + static_cast<int>(rng.below(2)));  // printed
    times[reached++] = m = advance(m, static_cast<int>(rng.below(2)));      // dispatched
    const std::uint32_t r = rng.below(100);
    const int collect = a.delivery == "post" ? 1 + static_cast<int>(rng.below(2))
                        : r < 70             ? static_cast<int>(rng.below(3))
                        : r < 95             ? 3 + static_cast<int>(rng.below(7))
                                             : 10 + static_cast<int>(rng.below(20));
    times[reached++] = advance(m, collect);  // handed over
  }
  a.stage = Stage::received;
  for (int i = 0; i < reached && times[i].unix() < now_unix; ++i) {
    *stages[i] = times[i].unix();
    a.stage = static_cast<Stage>(i);
  }
  if (a.returned_at != 0) a.stage = Stage::returned;
}

Outcome PopulationGenerator::State::emit(const Plan& plan, const Draft& d, PersonRecord& out) {
  Outcome o;
  const int day = nextWorking(plan.day);
  if (day >= now) return o;
  o.created = true;
  Application& a = newApplication(out);
  a.person_id = out.person.id;
  a.type = plan.type;
  a.type_reason.assign(plan.reason);
  // Anywhere in the country is allowed; most go to the police where they live.
  const std::uint32_t r = rng.below(100);
  const Place office = r < 75   ? d.current
                       : r < 95 ? d.permanent
                                : pickPlace(new_of_former[pickFormer()]);
  const NewProvince& province = newProvinceTable()[office.province];
  a.office.assign(communes[office.province][office.commune].office);
  a.office_province.assign(province.name);
  a.delivery.assign(rng.chance(kPost) ? "post" : "office");

  const date::year_month_day ymd = ymdOf(day);
  a.code.clear();
  a.code += province.code;
  a.code += '-';
  appendDigits(a.code, static_cast<unsigned>(static_cast<int>(ymd.year()) % 100), 2);
  appendDigits(a.code, static_cast<unsigned>(ymd.month()), 2);
  appendDigits(a.code, static_cast<unsigned>(ymd.day()), 2);
  a.code += '-';
  // Unique per (province, day): a keyed start below 10^7 plus the day's count, so
  // codes do not give away how busy an office was nor let anyone walk through
  // them. Applications start at chip_start and end before as_of (see
  // firstApplicationDay and fillApplications), so the index is in range.
  const std::size_t span = static_cast<std::size_t>(now - chip_start);
  const std::size_t slot = office.province * span + (day - chip_start);
  const std::uint64_t start = mix64(id_key ^ (0xA11CE000ull + slot)) % 10000000;
  appendDigits(a.code, static_cast<unsigned>(start + ++daily_seq[slot]), 8);

  formatDay(legalDueDate(ymd, 7, cached_working_day), a.due_date);
  // Returns only among recent applications: an old returned one would look like
  // a case still open to currentApplication().
  const bool may_return = plan.may_return && day >= now - kRecentWindowDays;
  schedule(a, day, may_return, ymd.year() == date::year{2021});

  o.returned = a.returned_at != 0;
  o.handed_over = a.handed_over_at != 0;
  o.pending = !o.returned && !o.handed_over;
  const std::int64_t last = o.returned ? a.returned_at : a.handed_over_at;
  o.last_day = dayOf(last);
  if (o.handed_over) {
    o.printed_day = dayOf(a.printed_at);
    addCard(a, out.person, o.printed_day, out);
  }
  return o;
}

void PopulationGenerator::State::addCard(const Application& a, const Person& p, int printed_day,
                                         PersonRecord& out) {
  if (card_pool.empty()) {
    out.cards.emplace_back();
  } else {
    out.cards.push_back(std::move(card_pool.back()));
    card_pool.pop_back();
  }
  Card& c = out.cards.back();
  c.number = p.id;
  c.person_id = p.id;
  c.application_code = a.code;
  const date::year_month_day issue = ymdOf(printed_day);
  formatDay(issue, c.issue_date);
  const std::optional<date::year_month_day> expiry = cardExpiry(p.birth_date, issue);
  if (expiry) {
    formatDay(*expiry, c.expiry_date);
  } else {
    c.expiry_date.clear();
  }
}

// The first chip-era application: the 2021 campaign for adults, at 14 for
// those who came of age later, on request for younger children since July 2024.
int PopulationGenerator::State::firstApplicationDay(const Draft& d) {
  const int day14 = anniversary(d.birth, 14);
  if (day14 <= chip_start) {
    const double r = static_cast<double>(rng.below(1000)) / 1000;
    const double never = d.age_years >= 80 ? 0.12 : 0.04;
    if (r < 0.70) {
      const int month = static_cast<int>(campaign_month.pick(rng)) + 1;
      const int first = dayNumber(date::year{2021} / month / 1);
      const int last = dayNumber(date::year{2021} / month / date::last);
      return first + static_cast<int>(rng.below(last - first + 1));
    }
    if (r < 0.85) return uniformDay(chip_start + 365, chip_start + 730);
    if (r < 1 - never) return uniformDay(chip_start + 730, now);
    return kNever;
  }
  if (day14 < now) {
    if (day14 > child_cards && rng.chance(0.08)) {
      return uniformDay(std::max(d.birth_day + 30, child_cards), day14);
    }
    return rng.chance(0.93) ? day14 + static_cast<int>(rng.below(300)) : kNever;
  }
  if (rng.chance(0.09)) return uniformDay(std::max(d.birth_day + 30, child_cards), now);
  return kNever;
}

namespace {

std::string_view renewalReason(int age) {
  switch (age) {
    case 14:
      return "age_14";
    case 25:
      return "age_25";
    case 40:
      return "age_40";
    case 60:
      return "age_60";
    default:
      return "expired";
  }
}

std::string_view correctionReason(Rng& rng, int day, int merger) {
  if (day >= merger && rng.chance(0.4)) return "address_reorganisation";
  constexpr std::string_view kReasons[] = {"name",     "birth_date", "birth_date", "hometown",
                                           "hometown", "name",       "gender",     "ethnicity"};
  return kReasons[rng.below(std::size(kReasons))];
}

}  // namespace

// After a card is handed over: the earliest of the renewal it will need, and
// the loss or correction drawn for this person, if any.
Plan PopulationGenerator::State::nextPlan(const Draft& d, const PersonRecord& out,
                                          const Outcome& last, int& reissue, int& correction) {
  Plan plan;
  const std::optional<date::year_month_day> expiry =
      cardExpiry(out.person.birth_date, ymdOf(last.printed_day));
  if (expiry) {
    const std::uint32_t r = rng.below(100);
    const int offset = r < 85 ? rng.between(-25, 100) : r < 95 ? rng.between(100, 600) : kNever;
    if (offset != kNever) {
      plan.day = std::max(dayNumber(*expiry) + offset, last.last_day + 7);
      plan.type = ApplicationType::renewal;
      plan.reason = renewalReason((expiry->year() - d.birth.year()).count());
    }
  }
  // An event drawn for a time already covered happens after this card instead.
  if (reissue != kNever && reissue <= last.last_day)
    reissue = last.last_day + 7 + rng.between(0, 90);
  if (correction != kNever && correction <= last.last_day) {
    correction = last.last_day + 7 + rng.between(0, 90);
  }
  if (reissue < plan.day && reissue <= correction) {
    plan = {ApplicationType::reissue, rng.chance(0.75) ? "lost" : "damaged", reissue, true};
    reissue = kNever;
  } else if (correction < plan.day) {
    plan = {ApplicationType::correction, correctionReason(rng, correction, merger), correction,
            true};
    correction = kNever;
  }
  return plan;
}

// A current application for someone who has none in the last 45 days.
Plan PopulationGenerator::State::recentPlan(const PersonRecord& out, int day) {
  if (out.cards.empty()) return {ApplicationType::new_card, "first_issue", day, true};
  const std::uint32_t r = rng.below(100);
  if (r < 35) return {ApplicationType::reissue, "lost", day, true};
  if (r < 50) return {ApplicationType::reissue, "damaged", day, true};
  if (r < 80) return {ApplicationType::correction, correctionReason(rng, day, merger), day, true};
  return {ApplicationType::renewal, "own_request", day, true};
}

void PopulationGenerator::State::fillApplications(const Draft& d, PersonRecord& out) {
  const int first = firstApplicationDay(d);
  int reissue = kNever, correction = kNever;
  if (first < now) {
    if (rng.chance(0.03)) reissue = uniformDay(first, now);
    if (rng.chance(0.015)) correction = uniformDay(first, now);
  }
  Plan plan{ApplicationType::new_card, "first_issue", first, true};
  Outcome last;
  for (int guard = 0; plan.day < now && guard < 16; ++guard) {
    const Outcome o = emit(plan, d, out);
    if (!o.created) break;
    last = o;
    if (o.pending) return;  // in progress at as_of: nothing follows yet
    if (o.returned) {
      // Most bring what was missing within a few weeks; returned only once.
      if (!rng.chance(0.85)) break;
      plan.day = o.last_day + rng.between(2, 20);
      plan.may_return = false;
      continue;
    }
    plan = nextPlan(d, out, o, reissue, correction);
  }
  const int window = std::max(now - kRecentWindowDays, chip_start);
  if (!out.applications.empty() && dayOf(out.applications.back().received_at) >= window) return;
  if (!rng.chance(kForcedRecent)) return;
  const int lo = std::max(window, last.created ? last.last_day + 3 : window);
  if (lo >= now) return;
  int day = nextWorking(lo + static_cast<int>(rng.below(now - lo)));
  if (day >= now) day = prevWorking(now - 1);
  if (day < lo) return;
  emit(recentPlan(out, day), d, out);
}

// ---------------------------------------------------------------- public

PopulationGenerator::PopulationGenerator(GeneratorOptions options)
    : s_(std::make_unique<State>(std::move(options))) {}

PopulationGenerator::~PopulationGenerator() = default;

bool PopulationGenerator::next(PersonRecord& out) {
  State& s = *s_;
  if (s.produced >= s.opt.people) return false;
  s.recycle(out);
  Draft d;
  s.fillPerson(out.person, d);
  s.fillApplications(d, out);

  // VNeID: level 2 needs the in-person step, so a chip card; children rarely have an account.
  const std::uint32_t r = s.rng.below(100);
  int level = d.age_years >= 14 ? (r < 55 ? 2 : r < 75 ? 1 : 0) : (r < 2 ? 2 : r < 8 ? 1 : 0);
  if (level == 2 && out.cards.empty()) level = 1;
  out.person.vneid_level = level;
  ++s.produced;
  return true;
}

std::int64_t PopulationGenerator::produced() const { return s_->produced; }

}  // namespace tongdai::core::registry
