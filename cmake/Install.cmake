# Installs headers, libraries and an exported CMake package so that other
# projects can `find_package(libregistry)` and link `libregistry::libregistry`,
# and `libregistry::testing` (the GoogleTest fixture) when it is built. The
# fixture has an export set of its own, libregistryTestingTargets, which the
# package loads only where GoogleTest is found: consumers without GoogleTest
# keep working.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIBREGISTRY_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/libregistry")

install(
  TARGETS registry_core registry_backends registry_actors libregistry
  EXPORT libregistryTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(dir libregistry backends actors)
  install(
    DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/libregistry"
    FILES_MATCHING
    PATTERN "*.hpp")
endforeach()

install(
  EXPORT libregistryTargets
  NAMESPACE libregistry::
  DESTINATION "${LIBREGISTRY_CMAKE_DIR}")

if(LIBREGISTRY_BUILD_TEST_FIXTURE AND TARGET registry_testing)
  install(
    TARGETS registry_testing
    EXPORT libregistryTestingTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(
    DIRECTORY "${PROJECT_SOURCE_DIR}/testing"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/libregistry"
    FILES_MATCHING
    PATTERN "*.hpp")
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
