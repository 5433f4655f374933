# LIBREGISTRY_BUILD_FUZZERS=ON builds the libFuzzer targets of test/fuzz/
# (scripts/fuzz.sh runs them). It needs clang: configure a build directory
# of its own with CC=clang-15 CXX=clang++-15. Everything of the project is
# then instrumented for libFuzzer's coverage and with ASan + UBSan; only the
# fuzz targets link libFuzzer itself (-fsanitize=fuzzer). CAF comes
# uninstrumented from Debian, built with g++ against libstdc++, which clang
# links against as well.

option(LIBREGISTRY_BUILD_FUZZERS
       "Build the libFuzzer targets (test/fuzz/; needs clang)" OFF)

if(LIBREGISTRY_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LIBREGISTRY_BUILD_FUZZERS needs clang (libFuzzer): "
                        "configure with CC=clang-15 CXX=clang++-15")
  endif()
  if(NOT LIBREGISTRY_WITH_ETCD)
    message(FATAL_ERROR "the fuzz targets cover the etcd backend: build them "
                        "with LIBREGISTRY_WITH_ETCD=ON")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-omit-frame-pointer -gline-tables-only)
  add_link_options(-fsanitize=address,undefined)
endif()
