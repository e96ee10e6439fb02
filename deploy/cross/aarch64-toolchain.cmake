# aarch64-toolchain.cmake: CMake toolchain for arm64 (aarch64) edge boxes. Debian's cross
# compiler (crossbuild-essential-arm64), an arm64 sysroot made by deploy/cross/arm64.sh from
# Debian's own arm64 packages, flatc native, and qemu-aarch64 to run the arm64 programs
# (tests, doctest discovery) on the build machine.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=deploy/cross/aarch64-toolchain.cmake \
#         -DEDGEGW_SYSROOT=$PWD/build-arm64/sysroot
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# try_compile projects re-read this file: pass the sysroot on to them.
if(NOT EDGEGW_SYSROOT AND DEFINED ENV{EDGEGW_SYSROOT})
  set(EDGEGW_SYSROOT $ENV{EDGEGW_SYSROOT})
endif()
if(NOT EDGEGW_SYSROOT OR NOT EXISTS ${EDGEGW_SYSROOT}/usr/include)
  message(FATAL_ERROR "EDGEGW_SYSROOT must name the arm64 sysroot (deploy/cross/arm64.sh makes it)")
endif()
set(ENV{EDGEGW_SYSROOT} ${EDGEGW_SYSROOT})
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EDGEGW_SYSROOT)

set(CMAKE_SYSROOT ${EDGEGW_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${EDGEGW_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # flatc, qemu: the build machine's
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot's libraries, not the build machine's, at run time under emulation.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L ${EDGEGW_SYSROOT})

# pkg-config (used by some packages' CMake files) looks in the sysroot only.
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${EDGEGW_SYSROOT})
set(ENV{PKG_CONFIG_LIBDIR}
    ${EDGEGW_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${EDGEGW_SYSROOT}/usr/share/pkgconfig)
