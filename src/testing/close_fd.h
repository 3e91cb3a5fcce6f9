// CloseFd: closes a file descriptor the test-process helpers own, once.
#pragma once

#include <unistd.h>

namespace drf {

// Closes `fd` when it is open and marks it closed (-1), so a second call does nothing.
inline void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace drf
