#include "consumers/notifier/time_zone.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

namespace e911::notifier {
namespace {

namespace chr = std::chrono;

constexpr std::size_t kMaxTzifBytes = 1 << 20;  // real files are < 4 KiB

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// ---- POSIX TZ strings (RFC 8536 section 3.3, POSIX.1 "TZ") ----

class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool at_offset() const {
    return pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '+' || s_[pos_] == '-');
  }

  // "GMT", or "<+0530>" for names with digits and signs.
  std::optional<std::string> name() {
    std::size_t start = pos_;
    if (eat('<')) {
      start = pos_;
      while (pos_ < s_.size() && s_[pos_] != '>') ++pos_;
      if (pos_ == s_.size() || pos_ - start < 3) return std::nullopt;
      std::string out(s_.substr(start, pos_ - start));
      ++pos_;
      return out;
    }
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ - start < 3) return std::nullopt;
    return std::string(s_.substr(start, pos_ - start));
  }

  // [+-]hh[:mm[:ss]] in seconds; hours up to `max_hours` (167 for rule
  // times under RFC 8536's extension, 24 for offsets).
  std::optional<std::int32_t> duration(int max_hours) {
    int sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    auto h = number(0, max_hours);
    if (!h) return std::nullopt;
    std::int32_t total = *h * 3600;
    if (eat(':')) {
      auto m = number(0, 59);
      if (!m) return std::nullopt;
      total += *m * 60;
      if (eat(':')) {
        auto sec = number(0, 59);
        if (!sec) return std::nullopt;
        total += *sec;
      }
    }
    return sign * total;
  }

  std::optional<int> number(int min, int max) {
    const std::size_t start = pos_;
    int value = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_])) && pos_ - start < 4) {
      value = value * 10 + (s_[pos_++] - '0');
    }
    if (pos_ == start || value < min || value > max) return std::nullopt;
    return value;
  }

  std::optional<PosixTzRule::When> when() {
    using Kind = PosixTzRule::When::Kind;
    PosixTzRule::When w;
    if (eat('M')) {
      w.kind = Kind::month_week_day;
      auto m = number(1, 12);
      if (!m || !eat('.')) return std::nullopt;
      auto week = number(1, 5);
      if (!week || !eat('.')) return std::nullopt;
      auto d = number(0, 6);
      if (!d) return std::nullopt;
      w.month = *m, w.week = *week, w.weekday = *d;
    } else if (eat('J')) {
      w.kind = Kind::julian_no_leap;
      auto d = number(1, 365);
      if (!d) return std::nullopt;
      w.day = *d;
    } else {
      w.kind = Kind::zero_based_day;
      auto d = number(0, 365);
      if (!d) return std::nullopt;
      w.day = *d;
    }
    if (eat('/')) {
      auto t = duration(167);
      if (!t) return std::nullopt;
      w.time_s = *t;
    }
    return w;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Days since the epoch of the rule's day in `year`.
std::int64_t day_of(const PosixTzRule::When& w, int year) {
  using Kind = PosixTzRule::When::Kind;
  const chr::year y{year};
  const chr::sys_days jan1{y / chr::January / 1};
  switch (w.kind) {
    case Kind::month_week_day: {
      const auto ym = y / chr::month{static_cast<unsigned>(w.month)};
      const chr::weekday wd{static_cast<unsigned>(w.weekday)};
      const chr::sys_days d = w.week == 5 ? chr::sys_days{ym / wd[chr::last]}
                                          : chr::sys_days{ym / wd[static_cast<unsigned>(w.week)]};
      return d.time_since_epoch().count();
    }
    case Kind::julian_no_leap: {
      // Jn never counts February 29th: day 60 is always March 1st.
      const int leap_shift = (y.is_leap() && w.day >= 60) ? 1 : 0;
      return (jan1 + chr::days{w.day - 1 + leap_shift}).time_since_epoch().count();
    }
    case Kind::zero_based_day:
      return (jan1 + chr::days{w.day}).time_since_epoch().count();
  }
  return 0;
}

// ---- TZif (RFC 8536 section 3) ----

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  std::size_t pos() const { return pos_; }
  std::string_view take(std::size_t n) {
    if (!ok_ || n > b_.size() - pos_) {
      ok_ = false;
      return {};
    }
    const auto out = b_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint8_t u8() {
    const auto s = take(1);
    return s.empty() ? 0 : static_cast<std::uint8_t>(s[0]);
  }
  std::uint64_t big_endian(std::size_t n) {
    std::uint64_t v = 0;
    for (unsigned char c : take(n)) v = (v << 8) | c;
    return v;
  }
  std::int64_t time(std::size_t n) {
    const auto v = big_endian(n);
    return n == 4 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(v)) : static_cast<std::int64_t>(v);
  }
  std::string_view rest() const { return ok_ ? b_.substr(pos_) : std::string_view{}; }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  std::size_t v1_block_size() const {
    return std::size_t{timecnt} * 5 + std::size_t{typecnt} * 6 + charcnt + std::size_t{leapcnt} * 8 + isstdcnt +
           isutcnt;
  }
};

std::optional<TzifHeader> read_header(ByteReader& r) {
  if (r.take(4) != "TZif") return std::nullopt;
  TzifHeader h;
  h.version = static_cast<char>(r.u8());
  r.take(15);
  h.isutcnt = static_cast<std::uint32_t>(r.big_endian(4));
  h.isstdcnt = static_cast<std::uint32_t>(r.big_endian(4));
  h.leapcnt = static_cast<std::uint32_t>(r.big_endian(4));
  h.timecnt = static_cast<std::uint32_t>(r.big_endian(4));
  h.typecnt = static_cast<std::uint32_t>(r.big_endian(4));
  h.charcnt = static_cast<std::uint32_t>(r.big_endian(4));
  if (!r.ok() || h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0) return std::nullopt;
  return h;
}

std::string abbreviation_at(std::string_view chars, std::size_t index) {
  if (index >= chars.size()) return {};
  const auto rest = chars.substr(index);
  return std::string(rest.substr(0, rest.find('\0')));
}

}  // namespace

Result<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  RuleParser p(text);
  PosixTzRule rule;
  const auto fail = [&] { return Error{"not a POSIX TZ rule: \"" + std::string(text.substr(0, 64)) + "\""}; };
  auto std_name = p.name();
  auto std_offset = std_name ? p.duration(24) : std::nullopt;
  if (!std_offset) return fail();
  rule.standard = LocalType{-*std_offset, false, *std_name};
  if (p.done()) return rule;
  auto dst_name = p.name();
  if (!dst_name) return fail();
  // Daylight time is one hour ahead of standard time unless it says.
  std::int32_t dst_offset = rule.standard.utc_offset_s + 3600;
  if (p.at_offset()) {
    auto off = p.duration(24);
    if (!off) return fail();
    dst_offset = -*off;
  }
  rule.daylight = LocalType{dst_offset, true, *dst_name};
  if (!p.eat(',')) return fail();
  auto start = p.when();
  if (!start || !p.eat(',')) return fail();
  auto end = p.when();
  if (!end || !p.done()) return fail();
  rule.start = *start;
  rule.end = *end;
  return rule;
}

const LocalType& PosixTzRule::at(std::int64_t t) const {
  if (!daylight) return standard;
  const int year = civil_time(t * 1000, standard.utc_offset_s).year;
  // The start is given in standard time, the end in daylight time.
  const std::int64_t start_utc = day_of(start, year) * 86400 + start.time_s - standard.utc_offset_s;
  const std::int64_t end_utc = day_of(end, year) * 86400 + end.time_s - daylight->utc_offset_s;
  // Northern hemisphere: daylight between start and end; southern: around new year.
  const bool dst = start_utc < end_utc ? (t >= start_utc && t < end_utc) : !(t >= end_utc && t < start_utc);
  return dst ? *daylight : standard;
}

Result<TimeZone> TimeZone::from_tzif(std::string_view bytes) {
  const auto fail = [](std::string what) { return Error{"not a TZif file: " + std::move(what)}; };
  ByteReader r(bytes);
  auto header = read_header(r);
  if (!header) return fail("bad header");
  std::size_t time_size = 4;
  if (header->version >= '2') {
    // Skip the 32-bit block: the 64-bit one after it covers every year.
    r.take(header->v1_block_size());
    header = read_header(r);
    if (!header) return fail("bad second header");
    time_size = 8;
  }
  const auto& h = *header;
  TimeZone z;
  z.transitions_.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt && r.ok(); ++i) z.transitions_.push_back(r.time(time_size));
  for (std::uint32_t i = 0; i < h.timecnt && r.ok(); ++i) z.type_index_.push_back(r.u8());
  std::vector<std::pair<std::int32_t, std::pair<bool, std::uint8_t>>> raw_types;
  for (std::uint32_t i = 0; i < h.typecnt && r.ok(); ++i) {
    const auto off = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.big_endian(4)));
    const bool dst = r.u8() != 0;
    raw_types.push_back({off, {dst, r.u8()}});
  }
  const auto chars = r.take(h.charcnt);
  r.take(std::size_t{h.leapcnt} * (time_size + 4) + h.isstdcnt + h.isutcnt);
  if (!r.ok()) return fail("truncated");
  for (const auto& [off, rest] : raw_types) z.types_.push_back(LocalType{off, rest.first, abbreviation_at(chars, rest.second)});
  for (auto idx : z.type_index_) {
    if (idx >= z.types_.size()) return fail("transition to an unknown local time type");
  }
  if (!std::is_sorted(z.transitions_.begin(), z.transitions_.end())) return fail("transitions out of order");
  if (time_size == 8) {
    // Footer: "\n" POSIX-TZ-string "\n", for times after the last transition.
    auto footer = r.rest();
    const auto close = footer.find('\n', 1);
    if (footer.empty() || footer.front() != '\n' || close == std::string_view::npos) return fail("missing footer");
    footer = footer.substr(1, close - 1);
    if (!footer.empty()) {
      auto rule = PosixTzRule::parse(footer);
      if (!rule) return rule.error();
      z.rule_ = std::move(*rule);
    }
  }
  return z;
}

Result<TimeZone> TimeZone::from_posix_rule(std::string_view text) {
  auto rule = PosixTzRule::parse(text);
  if (!rule) return rule.error();
  TimeZone z;
  z.types_.push_back(rule->standard);
  z.rule_ = std::move(*rule);
  return z;
}

const LocalType& TimeZone::at(EpochMillis t) const {
  const std::int64_t s = floor_div(t, 1000);
  // RFC 8536 3.2: before the first transition, type 0; after the last, the footer rule.
  if (transitions_.empty()) return rule_ ? rule_->at(s) : types_.front();
  if (s < transitions_.front()) return types_.front();
  if (rule_ && s >= transitions_.back()) return rule_->at(s);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  return types_[type_index_[static_cast<std::size_t>(it - transitions_.begin() - 1)]];
}

namespace {

// IANA names are "Area/Location[/Sub]" of letters, digits, '_', '-', '+'.
// Anything else (absolute paths, "..") must not reach the file system.
bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.back() == '/') return false;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const auto part = name.substr(part_start, i - part_start);
      if (part.empty() || part.front() == '.') return false;
      part_start = i + 1;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '+' && c != '.') return false;
  }
  return true;
}

const std::string& zoneinfo_dir() {
  static const std::string dir = [] {
    const char* env = std::getenv("TZDIR");
    return std::string(env && *env ? env : "/usr/share/zoneinfo");
  }();
  return dir;
}

std::shared_ptr<const TimeZone> load_zone(const std::string& name) {
  std::ifstream in(zoneinfo_dir() + "/" + name, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes(kMaxTzifBytes, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  auto zone = TimeZone::from_tzif(bytes);
  if (!zone) return nullptr;
  return std::make_shared<const TimeZone>(std::move(*zone));
}

}  // namespace

std::shared_ptr<const TimeZone> find_time_zone(std::string_view iana_name) {
  if (!is_zone_name(iana_name)) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  std::lock_guard lock(mutex);
  if (const auto it = cache.find(iana_name); it != cache.end()) return it->second;
  const std::string name(iana_name);
  auto zone = load_zone(name);
  cache.emplace(name, zone);  // unknown names too, so a bad registry entry costs one read
  return zone;
}

CivilTime civil_time(EpochMillis t, std::int32_t utc_offset_s) {
  const chr::sys_seconds s{chr::seconds{floor_div(t, 1000) + utc_offset_s}};
  const auto day = chr::floor<chr::days>(s);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss hms{s - day};
  return CivilTime{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                   static_cast<unsigned>(hms.hours().count()), static_cast<unsigned>(hms.minutes().count()),
                   static_cast<unsigned>(hms.seconds().count())};
}

}  // namespace e911::notifier
