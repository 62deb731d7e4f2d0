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

# ccache: a clone at another path reuses the objects of this one (paths are
# made relative to the source tree, and the working directory is not
# hashed), so a fresh CI clone compiles only what changed. The cache lives
# in ~/.cache/ccache, outside the clone.
find_program(E911_CCACHE ccache)
if(E911_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${E911_CCACHE})
endif()
