# Compiler settings every target shares: warnings as errors, the sanitizer
# build, and ccache as the compiler launcher when it is installed.

add_compile_options(-Wall -Wextra -Werror)
if(E911_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  # GCC 12 reports std::regex's std::function members maybe-uninitialized
  # under the sanitizers (a false positive that depends on how unity
  # builds group the sources); the plain build keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()

# ccache: a fresh clone reuses the objects of this one (cmake/E911Ccache.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/E911Ccache.cmake)
e911_use_ccache(${PROJECT_SOURCE_DIR})
