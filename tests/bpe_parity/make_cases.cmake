# Installs the pinned oracle (npm ci) into DIR and writes DIR/cases.json with it.
# cmake -DSRC=tests/bpe_parity -DDIR=<build>/tests/bpe_parity -DTOKENIZER=<tokenizer.json> -P make_cases.cmake
find_program(NPM npm)
find_program(NODE node)
if(NOT NPM OR NOT NODE)
  message(FATAL_ERROR "bpe parity needs node and npm (Debian: nodejs npm)")
endif()
file(MAKE_DIRECTORY ${DIR})
file(COPY ${SRC}/package.json ${SRC}/package-lock.json ${SRC}/make_cases.js DESTINATION ${DIR})
execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DIR} failed (${rc}); the npm registry must be reachable")
endif()
execute_process(COMMAND ${NODE} make_cases.js ${TOKENIZER} ${DIR}/cases.json
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "node make_cases.js failed (${rc})")
endif()
