# Generates usage-agent.1 from the binary's own --help with help2man, so the
# man page cannot drift from the CLI. help2man only reads the top-level
# --help; the COMMANDS section holds every subcommand's --help (found by
# walking the "Subcommands:" lists), so `man usage-agent` documents
# `report --range` as well.
#   cmake -DBIN=... -DHELP2MAN=... -DOUT=... -DWORK_DIR=... -P man_page.cmake

# Runs `BIN ARGS... --help`; fails the build when the binary cannot say it.
function(help_of out)
  execute_process(COMMAND "${BIN}" ${ARGN} --help RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "usage-agent ${ARGN} --help exited ${rc}: ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The subcommand names listed under "Subcommands:" in a help text.
function(subcommands_of out text)
  set(names "")
  if(text MATCHES "\nSubcommands:\n(.*)")
    string(REGEX REPLACE "\n\n.*" "" block "${CMAKE_MATCH_1}")
    string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" found "${block}")
    foreach(f IN LISTS found)
      string(STRIP "${f}" f)
      list(APPEND names "${f}")
    endforeach()
  endif()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# Plain text as roff: backslashes and minus signs escaped, a line starting
# with a control character (. or ') kept as text.
function(roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(section "[COMMANDS]\n")
help_of(top)
subcommands_of(queue "${top}")
# Depth first, so "prices update" follows "prices" (a path such as
# "serve token add" is held as "serve:token:add": one list element).
while(queue)
  list(POP_FRONT queue path)
  string(REPLACE ":" ";" args "${path}")
  help_of(text ${args})
  string(REPLACE ";" " " title "${args}")
  roff(body "${text}")
  string(APPEND section ".SS \"usage\\-agent ${title}\"\n.nf\n${body}.fi\n")
  subcommands_of(children "${text}")
  if(children)
    list(TRANSFORM children PREPEND "${path}:")
    list(PREPEND queue ${children})
  endif()
endwhile()

file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/commands.h2m" "${section}")
execute_process(
  COMMAND "${HELP2MAN}" --no-info --section 1
          --name "count what AI coding assistants cost, per machine"
          --include "${WORK_DIR}/commands.h2m" --output "${OUT}" "${BIN}"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc}): ${err}")
endif()
