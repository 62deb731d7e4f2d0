#pragma once
// A civic address with the friendly field names of CONTRACT.md, each mapped
// to its RFC 5139 / PIDF-LO civic element.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace e911 {

struct CivicAddress {
  std::string country;  // ISO 3166-1 alpha-2, upper case
  std::string state;
  std::string county;
  std::string city;
  std::string district;
  std::string street;
  std::string postal_code;
  std::string name;
  std::string additional;
  std::string house_number;
  std::string house_number_suffix;
  std::string building;
  std::string floor;
  std::string unit;
  std::string room;
  std::string seat;
  std::string landmark;
  bool multi_dwelling = false;

  bool empty() const;
  // Fields of `over` that are set replace ours (a zone refining its site).
  void merge_from(const CivicAddress& over);
  friend bool operator==(const CivicAddress&, const CivicAddress&) = default;
};

struct CivicField {
  std::string_view json_name;     // "house_number"
  std::string_view pidf_element;  // "HNO"
  std::string CivicAddress::*member;
};

// In RFC 5139 document order, so PIDF-LO output is in schema order.
std::span<const CivicField> civic_fields();

bool is_iso3166_alpha2(std::string_view code);

// The ISO 3166-1 alpha-2 code for what platforms put in a country field: a
// code in either case ("us"), or the English short name of a country the
// product is deployed in ("United States", "United Kingdom", "Germany"...;
// case and surrounding spaces ignored). nullopt for anything else.
std::optional<std::string> country_code(std::string_view code_or_name);

// "500 Example Ave, Unit 4B, Austin, TX 78701, US": for labels and alerts.
std::string one_line(const CivicAddress& a);

// CONTRACT.md: a multi-dwelling address needs a unit, or floor and room, to
// be dispatchable.
bool lacks_unit(const CivicAddress& a);

// A civic address an ambulance can be sent to: a country, a street (or a
// named place or landmark) and a city (or postal code), and the unit when
// lacks_unit says so. The locator's `dispatchable`, and the location
// service's `not-dispatchable` status, are this.
bool is_dispatchable(const CivicAddress& a);

}  // namespace e911
