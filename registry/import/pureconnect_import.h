#pragma once
// Importing Genesys PureConnect (Interaction Center) "E911 phone export" CSV
// files as registry stations (`e911 registry import-pureconnect`,
// docs/registry.md "Importing PureConnect phones").
//
// Pure logic, no I/O: the caller reads the files. Three steps:
//   parse_csv            RFC 4180 text -> records (common/csv.h)
//   import_pureconnect   records -> stations, checked against a registry
//   stations_yaml /      the `stations:` section, or a whole registry with
//   merge_stations       the stations added (station_merge.h)

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "registry/registry.h"

namespace e911::registry {

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

}  // namespace e911::registry
