# Strict warnings for the project's own targets only (not for imported ones).
# -Werror only when asked (USAGE_WERROR: quickstart.sh and CI): a packager's
# compiler and flags (GCC 12 at -O3 has -Wrestrict false positives inside
# libstdc++) must not turn a new warning into a failed package build.
function(usage_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(USAGE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# GCC 12 at -O3 reports -Wrestrict inside libstdc++'s string copy for plain
# string assignments and concatenations (GCC bug 105329, fixed in 13). Test
# and generator code is full of those; the library and the agent are kept
# free of it without this.
function(usage_allow_gcc12_restrict target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
