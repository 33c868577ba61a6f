# Runs the generator twice with the same arguments and fails unless the files are identical.
# Usage: cmake -DGENERATOR=<exe> -DWORK_DIR=<dir> -P CheckDeterminism.cmake
set(_arguments --force --quiet --frames 1500 --rate 250 --fields 3 --times explicit --compression 2 --seed 7)
foreach(_run a b)
  execute_process(COMMAND "${GENERATOR}" --output "${WORK_DIR}/deterministic_${_run}.nsp" ${_arguments}
                  RESULT_VARIABLE _status)
  if(NOT _status EQUAL 0)
    message(FATAL_ERROR "neuroplayback-generate failed (${_status})")
  endif()
endforeach()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files
                        "${WORK_DIR}/deterministic_a.nsp" "${WORK_DIR}/deterministic_b.nsp"
                RESULT_VARIABLE _different)
if(_different)
  message(FATAL_ERROR "same arguments and seed gave different files")
endif()
