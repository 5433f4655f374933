# LIBREGISTRY_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer. CAF itself comes uninstrumented from Debian.
#
# LIBREGISTRY_TSAN=ON builds everything with ThreadSanitizer. It needs a CAF
# built with ThreadSanitizer too (scripts/build-caf-tsan.sh; point
# CMAKE_PREFIX_PATH at its prefix): against Debian's uninstrumented CAF, TSan
# reports races inside CAF's own cleanup and message payloads. The
# configuration refuses a CAF that is not instrumented.

option(LIBREGISTRY_SANITIZE "Build with ASan and UBSan" OFF)
option(LIBREGISTRY_TSAN "Build with ThreadSanitizer (needs a TSan-built CAF)"
       OFF)

if(LIBREGISTRY_SANITIZE AND LIBREGISTRY_TSAN)
  message(FATAL_ERROR "LIBREGISTRY_SANITIZE and LIBREGISTRY_TSAN exclude each "
                      "other: ASan and TSan cannot share a process")
endif()

if(LIBREGISTRY_SANITIZE)
  # UBSan stays recoverable so that test/ubsan.supp can silence a finding
  # in CAF's headers; the test environment halts on every other one.
  set(_libregistry_sanitize_flags -fsanitize=address,undefined
                                  -fno-omit-frame-pointer)
  add_compile_options(${_libregistry_sanitize_flags})
  add_link_options(${_libregistry_sanitize_flags})
endif()

if(LIBREGISTRY_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# Fails the configuration when LIBREGISTRY_TSAN is on and `caf_core_library`
# lacks TSan's instrumentation (Debian's does).
function(libregistry_require_tsan_caf caf_core_library)
  if(NOT LIBREGISTRY_TSAN)
    return()
  endif()
  file(STRINGS "${caf_core_library}" _tsan_marker LIMIT_COUNT 1
       REGEX "__tsan_func_entry")
  if(NOT _tsan_marker)
    message(
      FATAL_ERROR
        "LIBREGISTRY_TSAN needs a CAF built with ThreadSanitizer, but "
        "${caf_core_library} is not instrumented. Build one with "
        "scripts/build-caf-tsan.sh and pass its prefix as CMAKE_PREFIX_PATH.")
  endif()
endfunction()

# Environment for running tests of this build (see test/CMakeLists.txt): one
# variable, since gtest_discover_tests does not pass lists through. ASan's
# defaults already fail a test on any error or leak; TSan's need exitcode
# and halt_on_error so that a race fails the test that ran into it.
set(LIBREGISTRY_TEST_ENVIRONMENT "")
if(LIBREGISTRY_SANITIZE)
  set(LIBREGISTRY_TEST_ENVIRONMENT
      "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=${PROJECT_SOURCE_DIR}/test/ubsan.supp")
elseif(LIBREGISTRY_TSAN)
  set(LIBREGISTRY_TEST_ENVIRONMENT
      "TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1:suppressions=${PROJECT_SOURCE_DIR}/test/tsan.supp")
endif()
