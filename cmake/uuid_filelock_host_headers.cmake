# Header-only libraries for a cross build, from the build machine's headers:
# they are the same for every platform. Only the library's own folder is
# exposed (through a symlink in the build tree), never the rest of
# /usr/include, whose glibc and Linux headers would shadow the target's.
#   uuid_filelock_host_headers(TARGET FOLDER PROBE_HEADER DEBIAN_PACKAGE)
function(uuid_filelock_host_headers target folder probe package)
  if(TARGET ${target})
    return()
  endif()
  find_path(uuid_filelock_host_${folder} ${folder}/${probe}
    PATHS /usr/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
  if(NOT uuid_filelock_host_${folder})
    message(FATAL_ERROR "${folder}/${probe} not found on the build machine (Debian: ${package})")
  endif()
  set(dir ${CMAKE_BINARY_DIR}/host-headers/${folder})
  file(MAKE_DIRECTORY ${dir})
  file(CREATE_LINK ${uuid_filelock_host_${folder}}/${folder} ${dir}/${folder} SYMBOLIC)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  target_include_directories(${target} SYSTEM INTERFACE ${dir})
endfunction()
