# Installs headers, libraries and an exported CMake package so that other
# projects can `find_package(libregistry)` and link `libregistry::libregistry`.

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
