# The installed package: `cmake --install build --prefix P` puts the static libraries in P/lib, the
# public headers in P/include/signrate, the CLI (and signrate-mpi where built) in P/bin, and
# P/lib/cmake/signrate/signrateConfig.cmake, so that a user's CMakeLists.txt says
#
#   find_package(signrate 0.1 REQUIRED)
#   target_link_libraries(my_program PRIVATE signrate::signrate)
#
# signrate::signrate is everything below the front ends (core, engine, analysis, io: the library the
# tests link). The front ends' headers (frontend/, the CLI's options), the MPI wire (mpi/) and the
# LibTorch workloads (workloads/) are not part of the package. tests/install/ builds
# docs/architecture.md's C++ example against an installed copy (CTest
# InstalledPackageBuildsReadmeExample).
include(CMakePackageConfigHelpers)

set_target_properties(signrate_core PROPERTIES EXPORT_NAME core)
set_target_properties(signrate_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(signrate_analysis PROPERTIES EXPORT_NAME analysis)
set_target_properties(signrate_io PROPERTIES EXPORT_NAME io)
set_target_properties(signrate_lib PROPERTIES EXPORT_NAME signrate)

install(TARGETS signrate_core signrate_engine signrate_analysis signrate_io signrate_lib
        EXPORT signrateTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS signrate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET signrate-train)  # `signrate train` starts it from the folder signrate is in
  install(TARGETS signrate-train RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET signrate-mpi)
  install(TARGETS signrate-mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/signrate
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp"
        PATTERN "frontend" EXCLUDE
        PATTERN "mpi" EXCLUDE
        PATTERN "workloads" EXCLUDE)

get_filename_component(MPFR_LIBRARY_DIR ${MPFR_LIBRARY} DIRECTORY)  # a hint for signrateConfig.cmake
set(SIGNRATE_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/signrate)
install(EXPORT signrateTargets NAMESPACE signrate:: DESTINATION ${SIGNRATE_CONFIG_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/signrateConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/signrateConfig.cmake
                              INSTALL_DESTINATION ${SIGNRATE_CONFIG_DIR})
# 0.x: a minor version may change the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/signrateConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/signrateConfig.cmake ${PROJECT_BINARY_DIR}/signrateConfigVersion.cmake
        DESTINATION ${SIGNRATE_CONFIG_DIR})
