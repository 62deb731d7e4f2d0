# The libraries the project is built on, all from Debian 12 packages
# (ops/install-deps.sh installs them).

find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)
# Debian's PocoDataPostgreSQL config links "PostgreSQL::client" without
# defining it (Poco's own FindPostgreSQL.cmake is not packaged): libpq it is.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PkgConfig::LIBPQ)
endif()
find_package(Poco REQUIRED COMPONENTS Foundation Net NetSSL Crypto JSON XML Data DataSQLite DataPostgreSQL JWT Zip)
find_package(prometheus-cpp REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Threads REQUIRED)
find_library(PHONENUMBER_LIB phonenumber REQUIRED)
# The auditor's PDF report: cairo draws it, pango sets its text
# (docs/decisions/0011-report-pdf-with-cairo-and-pango.md).
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo cairo-pdf)
