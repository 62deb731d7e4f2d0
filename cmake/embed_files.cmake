# Writes OUTPUT, a header defining one std::string_view per file of FILES
# (named after the file: index.html -> index_html) in namespace NAMESPACE,
# from the files' bytes: how pages, scripts and styles are built into the
# binary (the location service's page, the audit console's assets).
#   cmake -DOUTPUT=... -DFILES="a;b" -DNAMESPACE=e911::x::data -DSOURCE=dir/ -P embed_files.cmake
set(text "#pragma once\n// Generated from ${SOURCE} by cmake/embed_files.cmake: do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\n")
foreach(file IN LISTS FILES)
  get_filename_component(name "${file}" NAME)
  string(MAKE_C_IDENTIFIER "${name}" id)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR bytes "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," chars "${hex}")
  string(APPEND text "inline constexpr char ${id}_bytes[] = {${chars} 0};\n")
  string(APPEND text "inline constexpr std::string_view ${id}{${id}_bytes, ${bytes}};\n")
endforeach()
string(APPEND text "}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
