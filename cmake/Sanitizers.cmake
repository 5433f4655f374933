# LIBREGISTRY_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer. CAF itself comes uninstrumented from Debian.

option(LIBREGISTRY_SANITIZE "Build with ASan and UBSan" OFF)

if(LIBREGISTRY_SANITIZE)
  # UBSan stays recoverable so that test/ubsan.supp can silence a finding
  # in CAF's headers; the test environment halts on every other one.
  set(_libregistry_sanitize_flags -fsanitize=address,undefined
                                  -fno-omit-frame-pointer)
  add_compile_options(${_libregistry_sanitize_flags})
  add_link_options(${_libregistry_sanitize_flags})
endif()

# Environment for running tests of this build (see test/CMakeLists.txt): one
# variable, since gtest_discover_tests does not pass lists through. ASan's
# defaults already fail a test on any error or leak.
set(LIBREGISTRY_TEST_ENVIRONMENT "")
if(LIBREGISTRY_SANITIZE)
  set(LIBREGISTRY_TEST_ENVIRONMENT
      "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=${PROJECT_SOURCE_DIR}/test/ubsan.supp")
endif()
