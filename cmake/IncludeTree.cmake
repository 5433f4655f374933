# The include tree of the build: headers are included as <libregistry/...>
# in the tree exactly as when installed (include/libregistry/), although the
# source keeps its folders apart. The build tree's include/libregistry/ holds
# a symbolic link to each entry of libregistry/ and to the other header
# folders:
#
# | include path                | source folder      |
# |-----------------------------|--------------------|
# | <libregistry/*.hpp>         | libregistry/       |
# | <libregistry/actors/...>    | actors/            |
# | <libregistry/backends/...>  | backends/          |
# | <libregistry/testing/...>   | actors/testing/    |
#
# A header added to libregistry/ is linked when CMake next runs, which the
# CONFIGURE_DEPENDS glob makes every build check for.

set(LIBREGISTRY_INCLUDE_TREE "${PROJECT_BINARY_DIR}/include")
set(_tree "${LIBREGISTRY_INCLUDE_TREE}/libregistry")
file(MAKE_DIRECTORY "${_tree}")

# Links `link` to `target` unless it is linked already.
function(_libregistry_link target link)
  if(NOT IS_SYMLINK "${link}")
    file(CREATE_LINK "${target}" "${link}" SYMBOLIC)
  endif()
endfunction()

_libregistry_link("${PROJECT_SOURCE_DIR}/actors" "${_tree}/actors")
_libregistry_link("${PROJECT_SOURCE_DIR}/backends" "${_tree}/backends")
_libregistry_link("${PROJECT_SOURCE_DIR}/actors/testing" "${_tree}/testing")
file(GLOB _vocabulary CONFIGURE_DEPENDS LIST_DIRECTORIES true
     "${PROJECT_SOURCE_DIR}/libregistry/*.hpp"
     "${PROJECT_SOURCE_DIR}/libregistry/detail")
foreach(path ${_vocabulary})
  get_filename_component(name "${path}" NAME)
  _libregistry_link("${path}" "${_tree}/${name}")
endforeach()
