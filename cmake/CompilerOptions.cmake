# Warnings for the project's own targets, and ccache when it is installed.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

option(LIBREGISTRY_WERROR "Treat warnings as errors" OFF)

# Adds the project's warning flags to `target`.
function(libregistry_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(LIBREGISTRY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
