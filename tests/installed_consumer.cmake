# Installs the build into a temporary prefix, then configures and builds
# examples/ against it with find_package(usage) and runs the program on an
# empty HOME: proves the installed package (headers, library, config file,
# dependencies) is usable by another project.
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
# A sanitized libusage.a needs the sanitizer runtimes at the consumer's link.
set(extra "")
if(SANITIZE)
  set(extra "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples" -B "${WORK_DIR}/build" -G Ninja
                        "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" ${extra}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure of the consumer failed: ${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build of the consumer failed: ${out}")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}/home")
execute_process(COMMAND ${CMAKE_COMMAND} -E env "HOME=${WORK_DIR}/home" "USAGE_AGENT_STATE_DIR=${WORK_DIR}/state"
                        "${WORK_DIR}/build/todays_cost"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^today: 0 events, 0 tokens, \\$0.00")
  message(FATAL_ERROR "consumer run failed (${rc}): ${out} ${err}")
endif()
message(STATUS "installed consumer: ${out}")
