# The Python module, `import signrate` (python/, docs/python.md): the compiled half _signrate
# (pybind11, from Debian's pybind11-dev) beside the pure-Python package python/signrate/, both in
# build/python/signrate, so that PYTHONPATH=build/python imports the build's module. It is built
# for the interpreter the top-level CMakeLists.txt chose (SIGNRATE_PYTHON_EXECUTABLE, Debian's).
# SIGNRATE_PYTHON: AUTO builds it where pybind11 is found, ON requires it, OFF skips it.
set(SIGNRATE_HAVE_PYTHON OFF)
if(NOT SIGNRATE_PYTHON STREQUAL "OFF")
  find_package(Python3 QUIET COMPONENTS Interpreter Development.Module)
  find_package(pybind11 2.6 CONFIG QUIET)
  if(pybind11_FOUND AND Python3_Development.Module_FOUND)
    set(SIGNRATE_HAVE_PYTHON ON)
  endif()
endif()
if(SIGNRATE_PYTHON STREQUAL "ON" AND NOT SIGNRATE_HAVE_PYTHON)
  message(FATAL_ERROR "SIGNRATE_PYTHON=ON but pybind11 or the headers of ${Python3_EXECUTABLE} were not found "
                      "(Debian: pybind11-dev python3-dev; or -DSIGNRATE_PYTHON_EXECUTABLE=...)")
endif()
if(SIGNRATE_PYTHON STREQUAL "OFF")
  message(STATUS "signrate: the Python module is off (SIGNRATE_PYTHON=OFF)")
  return()
elseif(NOT SIGNRATE_HAVE_PYTHON)
  message(STATUS "signrate: pybind11 or the Python headers not found, the Python module is off")
  return()
endif()

message(STATUS "signrate: Python module on (pybind11 ${pybind11_VERSION}, ${Python3_EXECUTABLE})")
pybind11_add_module(_signrate python/signrate_module.cpp)
target_link_libraries(_signrate PRIVATE signrate_frontend)
target_compile_options(_signrate PRIVATE ${SIGNRATE_CXX_FLAGS})
set_target_properties(_signrate PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/python/signrate)
configure_file(python/signrate/__init__.py ${CMAKE_BINARY_DIR}/python/signrate/__init__.py COPYONLY)

# cmake --install: into P/lib/python3.X/dist-packages/signrate, where Debian's python3 looks for
# modules under the prefix /usr/local (the default).
set(SIGNRATE_PYTHON_INSTALL_DIR "lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/dist-packages" CACHE PATH
    "Where cmake --install puts the signrate package, relative to the prefix")
install(TARGETS _signrate LIBRARY DESTINATION ${SIGNRATE_PYTHON_INSTALL_DIR}/signrate)
install(FILES python/signrate/__init__.py DESTINATION ${SIGNRATE_PYTHON_INSTALL_DIR}/signrate)
