# ccache as the compiler launcher when it is installed and no launcher is
# set, for the project's build (cmake/E911Build.cmake) and the fuzz build
# (tests/fuzz/CMakeLists.txt): a clone at another path reuses the objects of
# this one (paths are made relative to `source_root`, and the working
# directory is not hashed), so a fresh CI clone compiles only what changed.
# The cache lives in ~/.cache/ccache, outside the clone. A macro: the
# launcher is set in the caller's scope.
macro(e911_use_ccache source_root)
  find_program(E911_CCACHE ccache)
  if(E911_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${source_root} CCACHE_NOHASHDIR=1
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${E911_CCACHE})
  endif()
endmacro()
