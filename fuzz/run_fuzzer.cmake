# Runs one libFuzzer target for SECONDS on a fresh copy of its seeds.
# Usage: cmake -DFUZZER=... -DSEEDS=dir -DCORPUS=dir -DSECONDS=n -P run_fuzzer.cmake
file(REMOVE_RECURSE ${CORPUS})
file(MAKE_DIRECTORY ${CORPUS})
file(GLOB seeds ${SEEDS}/*)
foreach(s ${seeds})
  if(NOT IS_DIRECTORY ${s} AND NOT s MATCHES "(\\.json|\\.so|print[^/]*\\.txt)$")
    file(COPY ${s} DESTINATION ${CORPUS})
  endif()
endforeach()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -max_len=65536 -print_final_stats=1 ${CORPUS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (exit ${rc})")
endif()
