# cmake --install: headers, the library and a CMake package, so that another
# project can find_package(uuid_filelock CONFIG). Boost stays private: it is
# linked only through BUILD_INTERFACE and never appears in the export.
include(CMakePackageConfigHelpers)

install(TARGETS uuid_filelock EXPORT uuid_filelockTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/uuid_filelock DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(uuid_filelock_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/uuid_filelock)
install(EXPORT uuid_filelockTargets NAMESPACE uuid_filelock:: DESTINATION ${uuid_filelock_cmake_dir})
configure_package_config_file(cmake/uuid_filelockConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/uuid_filelockConfig.cmake
  INSTALL_DESTINATION ${uuid_filelock_cmake_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/uuid_filelockConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/uuid_filelockConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/uuid_filelockConfigVersion.cmake
  DESTINATION ${uuid_filelock_cmake_dir})
