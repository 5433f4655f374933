# LIBREGISTRY_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer. CAF itself comes uninstrumented from Debian.

option(LIBREGISTRY_SANITIZE "Build with ASan and UBSan" OFF)

if(LIBREGISTRY_SANITIZE)
  set(_libregistry_sanitize_flags -fsanitize=address,undefined
                                  -fno-omit-frame-pointer
                                  -fno-sanitize-recover=undefined)
  add_compile_options(${_libregistry_sanitize_flags})
  add_link_options(${_libregistry_sanitize_flags})
endif()
