# Strict warnings for the project's own targets only (not for imported ones).
function(usage_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow -Wnon-virtual-dtor)
endfunction()
