# Installs headers, libraries and an exported CMake package so that other
# projects can `find_package(libregistry)` and link the same targets as in the
# build tree: `libregistry::libregistry`, `libregistry::etcd` (component
# `etcd`, when built) and `libregistry::testing` (component `testing`, when
# built). Headers go to include/libregistry/, as the build tree's include tree
# lays them out (cmake/IncludeTree.cmake). The testing targets are an export
# set of their own, loaded only where GoogleTest is found, so consumers
# without GoogleTest keep working.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIBREGISTRY_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/libregistry")
set(_include_dir "${CMAKE_INSTALL_INCLUDEDIR}/libregistry")

set(_targets libregistry_core libregistry_backends libregistry_actors libregistry)
if(LIBREGISTRY_WITH_ETCD)
  list(APPEND _targets libregistry_etcd)
endif()
install(
  TARGETS ${_targets}
  EXPORT libregistryTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Installs the headers of source folder `dir` as include/libregistry/`dest`.
function(_libregistry_install_headers dir dest)
  install(
    DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/"
    DESTINATION "${_include_dir}/${dest}"
    FILES_MATCHING
    PATTERN "*.hpp"
    ${ARGN})
endfunction()

_libregistry_install_headers(libregistry "")
_libregistry_install_headers(actors actors PATTERN testing EXCLUDE)
if(LIBREGISTRY_WITH_ETCD)
  _libregistry_install_headers(backends backends)
else()
  _libregistry_install_headers(backends backends PATTERN etcd EXCLUDE)
endif()

install(
  EXPORT libregistryTargets
  NAMESPACE libregistry::
  DESTINATION "${LIBREGISTRY_CMAKE_DIR}")

if(LIBREGISTRY_BUILD_TEST_FIXTURE AND TARGET libregistry_testing)
  install(
    TARGETS libregistry_testing
    EXPORT libregistryTestingTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  _libregistry_install_headers(actors/testing testing)
  install(
    EXPORT libregistryTestingTargets
    NAMESPACE libregistry::
    DESTINATION "${LIBREGISTRY_CMAKE_DIR}")
endif()

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/libregistryConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/libregistryConfig.cmake"
  INSTALL_DESTINATION "${LIBREGISTRY_CMAKE_DIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/libregistryConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)

install(FILES "${PROJECT_BINARY_DIR}/libregistryConfig.cmake"
              "${PROJECT_BINARY_DIR}/libregistryConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake"
        DESTINATION "${LIBREGISTRY_CMAKE_DIR}")
