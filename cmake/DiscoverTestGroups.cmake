# Run as a post-build step of a GoogleTest program: lists its tests and writes a CTest file
# with one CTest test per test suite, so a suite's tests share one process, and with it what
# the suite sets up once (an emulated region starts in seconds). A value-parameterized suite
# (`Prefix/Suite.Test/param`) gets one CTest test per parameter value
# (`Prefix/Suite/param`, filter `Prefix/Suite.*/param`): what a test shares is usually per
# value (the emulator's fidelity), and the values run in parallel.
# Arguments (-D): PROGRAM, OUTPUT, TIMEOUT, LABELS (;-list), WORKING_DIRECTORY.
execute_process(COMMAND "${PROGRAM}" --gtest_list_tests
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --gtest_list_tests failed (${rc}):\n${listing}")
endif()

string(REPLACE "\n" ";" lines "${listing}")
set(groups "")
set(suite "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #][^ ]*)\\.")        # "Suite." or "Prefix/Suite."
    set(suite "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^  ([^ ]+)")            # "  Test" or "  Test/param  # GetParam() = ..."
    set(test "${CMAKE_MATCH_1}")
    if(test MATCHES "/([^/]+)$")
      set(group "${suite}.*/${CMAKE_MATCH_1}")
    else()
      set(group "${suite}.*")
    endif()
    list(APPEND groups "${group}")
  endif()
endforeach()
list(REMOVE_DUPLICATES groups)

set(script "")
foreach(group IN LISTS groups)
  string(REGEX REPLACE "\\.\\*" "" name "${group}")
  string(APPEND script
    "add_test([==[${name}]==] [==[${PROGRAM}]==] [==[--gtest_filter=${group}]==])\n"
    "set_tests_properties([==[${name}]==] PROPERTIES TIMEOUT ${TIMEOUT} LABELS [==[${LABELS}]==]"
    " WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==])\n")
endforeach()
file(WRITE "${OUTPUT}" "${script}")
