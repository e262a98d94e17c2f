#include "CGlibcExtras.h"

#if defined(__linux__)
#include <sys/vfs.h>

long long cglibc_file_system_type(int fd) {
    struct statfs info;
    if (fstatfs(fd, &info) != 0) return -1;
    return (long long)(unsigned long long)(unsigned int)info.f_type;
}
#else
long long cglibc_file_system_type(int fd) {
    (void)fd;
    return -1;
}
#endif
