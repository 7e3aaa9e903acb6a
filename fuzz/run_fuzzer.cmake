# Runs one libFuzzer target for CTest from a fresh copy of its seed corpus;
# a crash, a broken invariant, a timeout or a leak fails the test, and the
# input that caused it is kept in SCRATCH (crash-*, timeout-*, leak-*...).
#   cmake -DFUZZER=exe -DSEEDS=dir -DSCRATCH=dir -P run_fuzzer.cmake -- [libFuzzer options]
foreach(required FUZZER SEEDS SCRATCH)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${required}=... is missing")
  endif()
endforeach()

# The libFuzzer options are the arguments after "--".
set(fuzzer_options)
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND fuzzer_options "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()

file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH})
file(COPY ${SEEDS}/ DESTINATION ${SCRATCH}/corpus)

execute_process(
  COMMAND ${FUZZER} ${fuzzer_options} -artifact_prefix=${SCRATCH}/ ${SCRATCH}/corpus
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the input is kept in ${SCRATCH}/")
endif()
