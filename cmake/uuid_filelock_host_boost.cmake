# Boost::headers for a cross build, from the build machine's Boost headers.
# Only the boost/ folder is exposed (through a symlink in the build tree),
# never the rest of /usr/include, whose glibc and Linux headers would shadow
# the target's.
find_path(UUID_FILELOCK_HOST_BOOST_INCLUDE boost/uuid/uuid.hpp
  PATHS /usr/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
if(NOT UUID_FILELOCK_HOST_BOOST_INCLUDE)
  message(FATAL_ERROR "Boost headers not found on the build machine (Debian: libboost-dev)")
endif()
set(uuid_filelock_boost_dir ${CMAKE_BINARY_DIR}/host-boost)
file(MAKE_DIRECTORY ${uuid_filelock_boost_dir})
file(CREATE_LINK ${UUID_FILELOCK_HOST_BOOST_INCLUDE}/boost ${uuid_filelock_boost_dir}/boost SYMBOLIC)
add_library(Boost::headers INTERFACE IMPORTED)
target_include_directories(Boost::headers SYSTEM INTERFACE ${uuid_filelock_boost_dir})
