#include "consumers/auditor/export/audit_bundle.h"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "common/json_reader.h"
#include "common/text.h"
#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/store/entry_rows.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "consumers/auditor/journal/purge_entry.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

namespace {

constexpr const char* kEntriesFile = "entries.jsonl";
constexpr const char* kPurgesFile = "purges.jsonl";
constexpr const char* kManifestFile = "manifest.json";
// A line holds at most a 1 MiB payload, escaped, and a signature.
constexpr std::size_t kMaxLineBytes = 8 * 1024 * 1024;

class Sha256 {
 public:
  void update(std::string_view data) { engine_.update(data.data(), data.size()); }
  std::string hex() { return Poco::DigestEngine::digestToHex(engine_.digest()); }

 private:
  Poco::Crypto::OpenSSLInitializer openssl_;
  Poco::Crypto::DigestEngine engine_{"SHA256"};
};

std::optional<Error> read_string(const rapidjson::Value& o, const char* name, std::string& out) {
  const auto* v = find_member(o, name);
  if (v == nullptr || !v->IsString()) return Error{std::string(name) + ": expected a string"};
  out.assign(v->GetString(), v->GetStringLength());
  return std::nullopt;
}

std::optional<Error> read_int(const rapidjson::Value& o, const char* name, std::int64_t& out) {
  const auto* v = find_member(o, name);
  if (v == nullptr || !v->IsInt64()) return Error{std::string(name) + ": expected a whole number"};
  out = v->GetInt64();
  return std::nullopt;
}

void add_string(std::string& out, const char* name, std::string_view value) {
  if (out.size() > 1) out += ',';
  append_canonical_string(out, name);
  out += ':';
  append_canonical_string(out, value);
}
void add_int(std::string& out, const char* name, std::int64_t value) {
  if (out.size() > 1) out += ',';
  append_canonical_string(out, name);
  out += ':' + std::to_string(value);
}
void add_raw(std::string& out, const char* name, const std::string& json) {
  if (out.size() > 1) out += ',';
  append_canonical_string(out, name);
  out += ':' + json;
}

std::string optional_time(const std::optional<EpochMillis>& t) {
  if (!t) return "null";
  std::string out;
  append_canonical_string(out, format_rfc3339(*t));
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Writes lines, hashing and counting them.
class LineFile {
 public:
  explicit LineFile(const std::filesystem::path& path) : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot create " + path.string());
  }
  void add(const AuditEntry& e) {
    std::string line = entry_json_line(e);
    line += '\n';
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    sha_.update(line);
    ++count_;
  }
  std::string finish() {
    out_.close();
    if (!out_) throw std::runtime_error("cannot write " + path_.string());
    return sha_.hex();
  }
  std::int64_t count() const { return count_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  Sha256 sha_;
  std::int64_t count_ = 0;
};

std::optional<EpochMillis> time_member(const rapidjson::Value& o, const char* name, std::optional<Error>& error) {
  const auto* v = find_member(o, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (v->IsString()) {
    if (auto t = parse_rfc3339(std::string_view(v->GetString(), v->GetStringLength()))) return t;
  }
  error = Error{std::string("range.") + name + ": expected an RFC 3339 time or null"};
  return std::nullopt;
}

}  // namespace

std::string entry_json_line(const AuditEntry& e) {
  std::string out = "{";
  add_int(out, "at", e.at);
  add_string(out, "call_id", e.call_id);
  add_string(out, "hash", e.hash);
  add_string(out, "key_id", e.key_id);
  add_string(out, "kind", e.kind);
  add_string(out, "payload", e.payload);
  add_string(out, "prev_hash", e.prev_hash);
  add_int(out, "seq", e.seq);
  add_string(out, "signature", e.signature);
  return out + "}";
}

Result<AuditEntry> entry_from_json_line(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"not a JSON object"};
  AuditEntry e;
  std::optional<Error> err;
  if ((err = read_int(doc, "seq", e.seq)) || (err = read_string(doc, "kind", e.kind)) ||
      (err = read_string(doc, "call_id", e.call_id)) || (err = read_int(doc, "at", e.at)) ||
      (err = read_string(doc, "payload", e.payload)) || (err = read_string(doc, "prev_hash", e.prev_hash)) ||
      (err = read_string(doc, "hash", e.hash)) || (err = read_string(doc, "key_id", e.key_id)) ||
      (err = read_string(doc, "signature", e.signature))) {
    return *err;
  }
  return e;
}

std::string manifest_json(const BundleManifest& m) {
  std::string out = "{";
  add_int(out, "count", m.count);
  add_string(out, "created_at", format_rfc3339(m.created_at));
  add_string(out, "entries_sha256", m.entries_sha256);
  add_int(out, "first_seq", m.first_seq);
  add_string(out, "first_prev_hash", m.first_prev_hash);
  add_string(out, "format", m.format);
  std::string ids = "[";
  for (const auto& id : m.key_ids) {
    if (ids.size() > 1) ids += ',';
    append_canonical_string(ids, id);
  }
  add_raw(out, "key_ids", ids + "]");
  add_string(out, "last_hash", m.last_hash);
  add_int(out, "last_seq", m.last_seq);
  std::string keys = "{";
  for (const auto& [id, key] : m.public_keys) {
    if (keys.size() > 1) keys += ',';
    append_canonical_string(keys, id);
    std::string k = "{";
    add_string(k, "alg", algorithm_name(key.algorithm));
    add_string(k, "pem", key.pem);
    keys += ':' + k + "}";
  }
  add_raw(out, "public_keys", keys + "}");
  add_int(out, "purge_count", m.purge_count);
  add_string(out, "purges_sha256", m.purges_sha256);
  add_raw(out, "range", "{\"from\":" + optional_time(m.range.from) + ",\"to\":" + optional_time(m.range.to) + "}");
  add_string(out, "store", m.store);
  out += "}";
  auto canonical = canonical_json(out);
  if (!canonical) throw std::logic_error("bundle manifest: " + canonical.error().message);
  return *canonical;
}

Result<BundleManifest> manifest_from_json(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"not a JSON object"};
  BundleManifest m;
  std::string created_at;
  std::optional<Error> err;
  if ((err = read_string(doc, "format", m.format))) return *err;
  if (m.format != kBundleFormat) return Error{"format: \"" + m.format.substr(0, 40) + "\" is not " + std::string(kBundleFormat)};
  if ((err = read_string(doc, "store", m.store)) || (err = read_string(doc, "created_at", created_at)) ||
      (err = read_int(doc, "first_seq", m.first_seq)) || (err = read_int(doc, "last_seq", m.last_seq)) ||
      (err = read_int(doc, "count", m.count)) || (err = read_string(doc, "first_prev_hash", m.first_prev_hash)) ||
      (err = read_string(doc, "last_hash", m.last_hash)) ||
      (err = read_string(doc, "entries_sha256", m.entries_sha256)) ||
      (err = read_int(doc, "purge_count", m.purge_count)) ||
      (err = read_string(doc, "purges_sha256", m.purges_sha256))) {
    return *err;
  }
  const auto created = parse_rfc3339(created_at);
  if (!created) return Error{"created_at: expected an RFC 3339 time"};
  m.created_at = *created;
  if (const auto* range = find_member(doc, "range"); range != nullptr && range->IsObject()) {
    m.range.from = time_member(*range, "from", err);
    m.range.to = time_member(*range, "to", err);
    if (err) return *err;
  }
  if (const auto* ids = find_member(doc, "key_ids"); ids != nullptr && ids->IsArray()) {
    for (const auto& id : ids->GetArray()) {
      if (!id.IsString()) return Error{"key_ids: expected strings"};
      m.key_ids.emplace_back(id.GetString(), id.GetStringLength());
    }
  }
  if (const auto* keys = find_member(doc, "public_keys"); keys != nullptr && keys->IsObject()) {
    for (const auto& k : keys->GetObject()) {
      const std::string id(k.name.GetString(), k.name.GetStringLength());
      std::string alg, pem;
      if (!k.value.IsObject() || read_string(k.value, "alg", alg) || read_string(k.value, "pem", pem)) {
        return Error{"public_keys." + id + ": expected {\"alg\", \"pem\"}"};
      }
      const auto algorithm = parse_signing_algorithm(alg);
      if (!algorithm) return Error{"public_keys." + id + ".alg: unknown algorithm"};
      m.public_keys[id] = PublicKeyPem{*algorithm, pem};
    }
  }
  return m;
}

Result<PublicKeys> public_keys_in_keyring_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read keyring " + path};
  const auto base = std::filesystem::path(path).parent_path();
  PublicKeys keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view rest = trim(line);
    if (rest.empty() || rest.front() == '#') continue;
    const auto word = [&rest]() {
      const auto end = rest.find_first_of(" \t");
      const std::string w(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : trim(rest.substr(end));
      return w;
    };
    const auto key_id = word();
    const auto algorithm = parse_signing_algorithm(word());
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (!algorithm || rest.empty()) return Error{where + "expected \"KEY_ID ALGORITHM PATH\""};
    if (*algorithm == SigningAlgorithm::hs256) continue;
    std::filesystem::path file{std::string(rest)};
    if (file.is_relative()) file = base / file;
    std::ifstream pem_in(file, std::ios::binary);
    if (!pem_in) return Error{where + "cannot read " + file.string()};
    std::string pem((std::istreambuf_iterator<char>(pem_in)), std::istreambuf_iterator<char>());
    keys[key_id] = PublicKeyPem{*algorithm, std::move(pem)};
  }
  return keys;
}

BundleManifest write_bundle(AuditStore& store, const std::string& dir, const ExportRange& range,
                            const PublicKeys& keys, EpochMillis created_at) {
  const std::filesystem::path root(dir);
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());

  BundleManifest m;
  m.store = store.name();
  m.created_at = created_at;
  m.range = range;

  // The seq range: first to last entry whose at is in the range.
  Poco::Int64 from_at = range.from.value_or(INT64_MIN), to_at = range.to.value_or(INT64_MAX);
  std::int64_t first = 0, last = 0;
  store.with_connection("export", [&](Poco::Data::Session& session) {
    Poco::Data::Statement stmt(session);
    stmt << store.sql("SELECT MIN(seq), MAX(seq) FROM audit_entries WHERE at >= ? AND at < ?"), bind(from_at),
        bind(to_at), now;
    Poco::Data::RecordSet rs(stmt);
    if (rs.moveFirst() && !rs.value(0).isEmpty()) {
      first = rs.value(0).convert<Poco::Int64>();
      last = rs.value(1).convert<Poco::Int64>();
    }
  });

  std::set<std::string> key_ids;
  LineFile entries(root / kEntriesFile);
  // Holes inside the slice, for picking the purge entries that account for them.
  std::vector<std::pair<std::int64_t, std::int64_t>> holes;
  if (first > 0) {
    std::int64_t expected = first;
    store.scan(first, [&](const AuditEntry& e) {
      if (e.seq > last) return false;
      if (e.seq == first) m.first_prev_hash = e.prev_hash;
      if (e.seq > expected) holes.emplace_back(expected, e.seq - 1);
      expected = e.seq + 1;
      entries.add(e);
      key_ids.insert(e.key_id);
      m.last_seq = e.seq;
      m.last_hash = e.hash;
      return true;
    });
    m.first_seq = first;
  }
  m.entries_sha256 = entries.finish();
  m.count = entries.count();

  LineFile purges(root / kPurgesFile);
  if (!holes.empty()) {
    // Purge entries after the slice whose gaps fall in one of its holes.
    std::vector<AuditEntry> later;
    store.with_connection("export", [&](Poco::Data::Session& session) {
      Poco::Data::Statement stmt(session);
      const std::string kind(entry_kind::kPurge);
      Poco::Int64 after = last;
      stmt << store.sql(std::string("SELECT ") + kAuditEntryColumns +
                        " FROM audit_entries WHERE kind = ? AND seq > ? ORDER BY seq"),
          bind(kind), bind(after), now;
      later = entries_of_rows(stmt);
    });
    for (const auto& p : later) {
      const auto gaps = purge_gaps_of(p.payload);
      if (!gaps) continue;  // verification names it if it matters
      bool relevant = false;
      for (const auto& g : *gaps) {
        for (const auto& [from, to] : holes) relevant = relevant || (g.from <= to && g.to >= from);
      }
      if (relevant) {
        purges.add(p);
        key_ids.insert(p.key_id);
      }
    }
  }
  m.purges_sha256 = purges.finish();
  m.purge_count = purges.count();

  m.key_ids.assign(key_ids.begin(), key_ids.end());
  for (const auto& id : m.key_ids) {
    const auto k = keys.find(id);
    if (k != keys.end() && k->second.algorithm != SigningAlgorithm::hs256) m.public_keys[id] = k->second;
  }
  write_file(root / kManifestFile, manifest_json(m) + "\n");
  return m;
}

namespace {

// Reads a .jsonl file of entries, hashing and counting its lines; throws
// std::runtime_error naming the file and line.
class LineSource {
 public:
  explicit LineSource(std::filesystem::path path) : path_(std::move(path)), in_(path_, std::ios::binary) {
    if (!in_) throw std::runtime_error("cannot open " + path_.string());
  }
  bool next(AuditEntry& out) {
    std::string line;
    if (!std::getline(in_, line)) {
      if (in_.bad()) throw std::runtime_error("cannot read " + path_.string());
      return false;
    }
    ++lines_;
    if (line.size() > kMaxLineBytes) throw std::runtime_error(where() + "longer than 8 MiB");
    sha_.update(line);
    if (!in_.eof()) sha_.update("\n");
    auto entry = entry_from_json_line(line);
    if (!entry) throw std::runtime_error(where() + entry.error().message);
    out = std::move(*entry);
    return true;
  }
  std::string where() const { return path_.filename().string() + " line " + std::to_string(lines_) + ": "; }
  std::int64_t lines() const { return lines_; }
  std::string sha256() { return sha_.hex(); }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  Sha256 sha_;
  std::int64_t lines_ = 0;
};

}  // namespace

BundleVerification verify_bundle(const std::string& dir, const Keyring& keyring) {
  BundleVerification out;
  const auto fail = [&](std::string reason) {
    out.chain.ok = false;
    out.chain.reason = std::move(reason);
    return out;
  };
  const std::filesystem::path root(dir);
  std::ifstream manifest_in(root / kManifestFile, std::ios::binary);
  if (!manifest_in) return fail("cannot open " + (root / kManifestFile).string());
  const std::string manifest_text((std::istreambuf_iterator<char>(manifest_in)), std::istreambuf_iterator<char>());
  auto manifest = manifest_from_json(manifest_text);
  if (!manifest) return fail("manifest.json: " + manifest.error().message);
  out.manifest = *manifest;
  const auto& m = out.manifest;

  try {
    LineSource purge_lines(root / kPurgesFile);
    std::vector<AuditEntry> purges;
    for (AuditEntry e; purge_lines.next(e);) purges.push_back(e);
    if (purge_lines.sha256() != m.purges_sha256) return fail("purges.jsonl: SHA-256 does not match the manifest");
    if (purge_lines.lines() != m.purge_count) return fail("purges.jsonl: line count does not match the manifest");

    LineSource lines(root / kEntriesFile);
    std::int64_t first_seq = 0;
    const EntrySource source = [&](AuditEntry& e) {
      if (!lines.next(e)) return false;
      if (first_seq == 0) first_seq = e.seq;
      return true;
    };
    const ChainAnchor anchor{m.first_seq > 0 ? m.first_seq : 1,
                             m.first_seq > 0 ? m.first_prev_hash : std::string(kGenesisHash)};
    out.chain = verify_chain(source, keyring, anchor, purges);
    if (!out.chain.ok) return out;
    // Everything was read: now the manifest's claims about it.
    if (lines.sha256() != m.entries_sha256) return fail("entries.jsonl: SHA-256 does not match the manifest");
    if (lines.lines() != m.count) {
      return fail("entries.jsonl: " + std::to_string(lines.lines()) + " entries, the manifest says " +
                  std::to_string(m.count));
    }
    if (first_seq != m.first_seq) {
      return fail("entries.jsonl starts at seq " + std::to_string(first_seq) + ", the manifest says " +
                  std::to_string(m.first_seq));
    }
    if (out.chain.last_seq != m.last_seq || out.chain.last_hash != m.last_hash) {
      return fail("entries.jsonl ends at seq " + std::to_string(out.chain.last_seq) +
                  (out.chain.last_seq == m.last_seq ? " with another hash" : "") + ", the manifest says seq " +
                  std::to_string(m.last_seq) + " " + abbreviated_hash(m.last_hash));
    }
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return out;
}

}  // namespace e911::auditor
