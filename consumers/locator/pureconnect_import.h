#pragma once
// Importing Genesys PureConnect (Interaction Center) "E911 phone export" CSV
// files as registry stations (`e911 registry import-pureconnect`,
// docs/registry.md "Importing PureConnect phones").
//
// Pure logic, no I/O: the caller reads the files. Three steps:
//   parse_csv            RFC 4180 text -> records with their line numbers
//   import_pureconnect   records -> stations, checked against a registry
//   stations_yaml /      the `stations:` section, or a whole registry with
//   merge_stations       the stations added (re-checked by load_registry)

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/locator/registry.h"
#include "consumers/locator/registry_loader.h"

namespace e911::locator {

// ---------------------------------------------------------------- CSV

struct CsvLimits {
  std::size_t max_field_bytes = 4096;  // a longer field is an error (an unbalanced quote, usually)
  std::size_t max_fields = 256;        // per record
};

struct CsvRecord {
  int line = 0;                     // 1-based line the record starts on
  std::vector<std::string> fields;  // as written, quotes removed
  std::string error;                // not empty: the record is malformed (stray quote, NUL byte...)
  int error_field = -1;             // 0-based field the error is in, -1 if none
};

struct CsvParse {
  std::vector<CsvRecord> records;  // records read before any fatal error
  // A problem that stops reading: an unterminated quoted field, UTF-16 text.
  std::optional<std::string> fatal;
  int fatal_line = 0;
};

// RFC 4180: fields separated by commas, records by CRLF (LF and a lone CR
// are accepted too), fields optionally in double quotes, a quote inside a
// quoted field doubled; quoted fields may contain commas and line breaks.
// A UTF-8 byte order mark is skipped. Blanks around a quoted field are
// tolerated. Never throws; memory is bounded by the limits and the input.
CsvParse parse_csv(std::string_view text, const CsvLimits& limits = {});

// ---------------------------------------------------------------- import

struct ImportDiagnostic {
  int line = 0;        // CSV line (1-based); 0 when not tied to a line
  std::string column;  // the header as written in the file ("NetworkID"), may be empty
  std::string message;
};

// "phones.csv:7: NetworkID: not a MAC address: \"00:04:f2\""
std::string format_import_diagnostic(std::string_view file, const ImportDiagnostic& d);

struct ImportedStation {
  int line = 0;  // CSV line of the row
  Station station;
};

struct ImportResult {
  std::vector<ImportedStation> stations;  // the valid rows, in file order
  std::vector<ImportDiagnostic> errors;   // every invalid row, in file order
  std::vector<ImportDiagnostic> warnings; // valid but worth a look (site-level only...)
  std::vector<std::string> notes;         // about the file: ignored columns, unchecked columns
  bool ok() const { return errors.empty(); }
};

// The columns this importer understands (header names are matched ignoring
// case, spaces, '_', '-' and '.'; order is free; other columns are ignored
// and listed once in `notes`):
//
//   NetworkID              the phone's MAC address, any notation (required,
//                          unless IdentificationAddress holds the MAC)
//   IdentificationAddress  if it is a MAC (or Cisco "SEP" + MAC), it must
//                          agree with NetworkID, and stands in for an empty
//                          NetworkID; anything else (SIP address) is ignored
//   DisplayName            -> station name
//   Extension              -> station extension
//   PhoneManufacturer, PhoneModel   read, not stored
//   Site | SiteId          registry site id (or, with a registry, site name)
//   Zone | ZoneId          zone id (or, with a registry, zone name) in the site
//   Floor                  with a registry: picks the zone on that floor when
//                          Zone is empty, or must agree with the Zone's floor
//   Room                   -> station room
//   Building, Street, HouseNumber, City, State, PostalCode (Zip, ZipCode,
//   PostCode), Country     with a registry: must agree with the site's (and
//                          zone's) address; find the site when Site is empty
//
// With `registry`, sites and zones must exist in it and MACs already in its
// stations are errors; without one, Site and Zone are taken as written and
// the address columns are not checked (a note says so).
ImportResult import_pureconnect(std::string_view csv_text, const Registry* registry,
                                const CsvLimits& limits = {});

// ---------------------------------------------------------------- output

// The `stations:` section, one flow mapping per station (mac, extension,
// site, zone, room, name), emitted with YAML::Emitter:
//   stations:
//     - {mac: "00:04:f2:1a:20:01", extension: "5002", site: "london-hq", ...}
std::string stations_yaml(const std::vector<Station>& stations);

struct MergeResult {
  std::string yaml;                // the whole registry with the stations added
  bool comments_preserved = false; // false: re-emitted from the parsed tree (comments lost)
  std::vector<Diagnostic> errors;  // load_registry's verdict on the result; empty when it loads
  bool ok() const { return errors.empty(); }
};

// Adds `stations` to the top-level `stations:` list of `registry_yaml` (a
// registry that loads). The text is kept as written, comments included,
// and the entries are appended after the existing ones (or a `stations:`
// section is added at the end); if that is not possible for the file's
// layout, the registry is re-emitted from its parsed tree. Either way the
// result is loaded again with load_registry and must hold exactly the old
// stations followed by the new ones. `source` names the CSV in a comment.
MergeResult merge_stations(std::string_view registry_yaml, const std::vector<Station>& stations,
                           std::string_view source = "");

}  // namespace e911::locator
