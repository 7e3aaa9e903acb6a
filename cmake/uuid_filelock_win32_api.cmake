# How every target of the win32 backend includes the Windows API: the Unicode
# (W) functions, windows.h without its min/max macros and without the parts
# nothing here uses. Targets of the posix backend get nothing.
function(uuid_filelock_win32_api target)
  if(UUID_FILELOCK_BACKEND STREQUAL "win32")
    target_compile_definitions(${target} PRIVATE UNICODE _UNICODE NOMINMAX WIN32_LEAN_AND_MEAN)
  endif()
endfunction()
