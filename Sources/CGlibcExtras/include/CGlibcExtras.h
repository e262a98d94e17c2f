#ifndef CGLIBCEXTRAS_H
#define CGLIBCEXTRAS_H

// glibc functions that Swift's Glibc module does not export (they need _GNU_SOURCE or are
// glibc-only), each behind a plain C signature.

/// Fixes glibc's mmap threshold at `mmap_bytes` (allocations of at least that size get mappings
/// of their own, returned to the system when freed) and its trim threshold at `trim_bytes` (free
/// memory at the top of the heap is given back only beyond that), which also stops glibc from
/// moving either as blocks are freed. Returns 1 on success, 0 when refused or not on glibc.
int cglibc_fix_heap_thresholds(int mmap_bytes, int trim_bytes);

/// Caps glibc's malloc arenas at `count` (`M_ARENA_MAX`); each arena past the main one reserves
/// 64 MiB of address space. Returns 1 on success, 0 when refused or not on glibc.
int cglibc_limit_arenas(int count);

/// The number of CPUs in the calling process's affinity mask (`sched_getaffinity`: what
/// `taskset` and a cgroup cpuset leave it), or 0 when the kernel does not say.
int cglibc_affinity_processors(void);

/// The `statfs` magic number (`f_type`, linux/magic.h) of the file system the open descriptor
/// `fd` lies on, as an unsigned 32-bit value, or -1 when `fstatfs` fails or not on Linux.
long long cglibc_file_system_type(int fd);

/// Creates a file from `template_path` as `mkstemp` does (its last six characters `XXXXXX`,
/// replaced in place) and arms SIGINT, SIGTERM and SIGHUP (those whose action is the default) to
/// remove it before the signal ends the process as it would have: a report's temporary file,
/// which an interrupted `--output` left beside its target. A signal during the creation itself
/// removes the file too. One file at a time. Returns the descriptor, or -1 with `errno` set
/// (`ENAMETOOLONG` for a path longer than `PATH_MAX`).
int cglibc_create_removed_on_signal(char *template_path);

/// Disarms `cglibc_create_removed_on_signal`: the file was renamed into place or removed.
void cglibc_keep_on_signal(void);

/// An unnamed file in `folder` (Linux's `O_TMPFILE`), open for reading and writing, mode 0600: the kernel
/// frees it when the process ends however it ends, SIGKILL included, so nothing is left beside a
/// report's target until it is linked. -1 with `errno` set (`EOPNOTSUPP`, `EISDIR` or `EINVAL`
/// where the system or the file system has no such files).
int cglibc_open_unnamed(const char *folder);

/// Gives the unnamed file `fd` (`cglibc_open_unnamed`) a name from `template_path` (its last six
/// characters `XXXXXX`, replaced in place by random ones; another is tried while the name is
/// taken), through `/proc/self/fd`, and arms the signals as `cglibc_create_removed_on_signal`
/// does. Returns 0, or -1 with `errno` set.
int cglibc_link_removed_on_signal(int fd, char *template_path);

#endif
