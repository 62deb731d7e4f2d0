#pragma once
// Reading HELD documents back in tests: requests to send, and the shape of
// what came back (held_test.cpp, held_responder_test.cpp,
// held_kamailio_test.cpp); and the registry they locate devices in.

#include <gtest/gtest.h>

#include <Poco/DOM/Element.h>

#include <memory>
#include <string>
#include <vector>

#include "common/pidf_lo.h"
#include "common/xml_reader.h"
#include "producers/locations/held.h"
#include "registry/registry_loader.h"
#include "tests/support/files.h"

namespace e911::locations::held_test {

// A locationRequest with `device` (the identifiers) and `type` (a whole
// <locationType> element, or "").
inline std::string request(const std::string& device, const std::string& type = "", const std::string& attributes = "") {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?><locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held")" +
                    attributes + ">" + type;
  if (!device.empty()) xml += R"(<device xmlns="urn:ietf:params:xml:ns:geopriv:held:id">)" + device + "</device>";
  return xml + "</locationRequest>";
}

// The HELD document's root element, its code attribute and its text.
struct Shape {
  std::string root;  // "{urn:...held}error"
  std::string code;
  std::string message;
  std::vector<std::string> children;
};

inline Shape shape_of(const std::string& document) {
  auto doc = xml::parse_untrusted(document, 1 << 20, "HELD answer");
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message) << "\n" << document;
  if (!doc.ok()) return {};
  const auto* root = (*doc)->documentElement();
  Shape s{xml::name_of(root), xml::attribute_of(root, "code"), "", {}};
  xml::for_each_child_element(root, [&](const Poco::XML::Node* c) {
    s.children.push_back(xml::name_of(c));
    if (xml::is_element(c, kHeldNamespace, "message")) {
      s.message = xml::text_of(c);
      EXPECT_EQ(static_cast<const Poco::XML::Element*>(c)->getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang"),
                "en");
    }
  });
  return s;
}

// The location a locationResponse carries, read back as an endpoint's.
inline EndpointLocation location_in(const std::string& document) {
  const auto start = document.find("<presence");
  const auto end = document.find("</presence>");
  EXPECT_NE(start, std::string::npos) << document;
  if (start == std::string::npos || end == std::string::npos) return {};
  std::string error;
  auto loc = parse_pidf_lo(document.substr(start, end + 11 - start), error);
  EXPECT_TRUE(loc) << error;
  return loc ? *loc : EndpointLocation{};
}

// The shared reference registry (../shared/fixtures/registry.yaml).
inline std::shared_ptr<const registry::Registry> reference_registry() {
  auto load = registry::load_registry_file(test::shared_fixture("registry.yaml"));
  EXPECT_TRUE(load.ok());
  return load.registry;
}

inline const std::string kHeldError = "{urn:ietf:params:xml:ns:geopriv:held}error";
inline const std::string kHeldResponse = "{urn:ietf:params:xml:ns:geopriv:held}locationResponse";

}  // namespace e911::locations::held_test
