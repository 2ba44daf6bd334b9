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
