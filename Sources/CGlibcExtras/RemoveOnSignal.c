#define _GNU_SOURCE  // O_TMPFILE

#include "CGlibcExtras.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

// The one path a terminating signal removes: the temporary file a report is being written into
// (`ReportStream`). A fixed buffer, since a signal handler may not allocate.
//
// `state` says what the buffer holds: IDLE nothing to remove, CREATING a file being created
// (`cglibc_create_removed_on_signal` between `mkstemp` and recording its name), ARMED the name of
// a file to remove. A signal that comes while CREATING is deferred to the creator, which knows
// whether a file was made: removing "whatever the buffer names" then could remove a file of
// another run that `mkstemp` tried and skipped, and terminating at once left ours (the
// SIGTERM test caught a `.tensoraudit-report-XXXXXX` left when the signal came right after
// `mkstemp`, before the name was recorded: CI, 2026-12-07).
enum { IDLE = 0, CREATING = 1, ARMED = 2 };
static char pending_path[PATH_MAX];
static int state = IDLE;
static int deferred = 0;
static int installed = 0;

// Removes the armed file, once, whoever gets here first (the handler or the creator).
static void remove_armed(void) {
    int expected = ARMED;
    if (__atomic_compare_exchange_n(&state, &expected, IDLE, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        unlink(pending_path);  // async-signal-safe
    }
}

static void remove_then_terminate(int signal_number) {
    if (__atomic_load_n(&state, __ATOMIC_SEQ_CST) == CREATING) {
        __atomic_store_n(&deferred, signal_number, __ATOMIC_SEQ_CST);
        // The creator may have recorded the name (and looked for a deferred signal) meanwhile.
        if (__atomic_load_n(&state, __ATOMIC_SEQ_CST) == CREATING) return;
    }
    remove_armed();
    // SA_RESETHAND restored the default action on entry: the signal, delivered again when the
    // handler returns, ends the process as it would have (status, core, shell message).
    raise(signal_number);
}

static void install(void) {
    if (installed) return;
    installed = 1;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction current;
        // A signal the caller ignores (nohup's SIGHUP) stays ignored.
        if (sigaction(signals[i], NULL, &current) != 0 || current.sa_handler != SIG_DFL) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_then_terminate;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}

int cglibc_create_removed_on_signal(char *template_path) {
    size_t length = strlen(template_path);
    if (length >= sizeof pending_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    install();
    __atomic_store_n(&deferred, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&state, CREATING, __ATOMIC_SEQ_CST);
    int fd = mkstemp(template_path);
    if (fd >= 0) {
        memcpy(pending_path, template_path, length + 1);
        __atomic_store_n(&state, ARMED, __ATOMIC_SEQ_CST);
    } else {
        __atomic_store_n(&state, IDLE, __ATOMIC_SEQ_CST);
    }
    int signal_number = __atomic_exchange_n(&deferred, 0, __ATOMIC_SEQ_CST);
    if (signal_number != 0) {
        remove_armed();
        raise(signal_number);  // the default action, restored by SA_RESETHAND
    }
    return fd;
}

void cglibc_keep_on_signal(void) { __atomic_store_n(&state, IDLE, __ATOMIC_SEQ_CST); }

int cglibc_open_unnamed(const char *folder) {
#if defined(O_TMPFILE)
    return open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
    (void)folder;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

// Replaces the template's last six characters with random letters and digits.
static int fill_template(char *template_path, size_t length) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char random_bytes[6];
    if (length < 6 || strcmp(template_path + length - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes) return -1;
    for (size_t i = 0; i < 6; i++) template_path[length - 6 + i] = letters[random_bytes[i] % (sizeof letters - 1)];
    return 0;
}

int cglibc_link_removed_on_signal(int fd, char *template_path) {
    size_t length = strlen(template_path);
    if (length >= sizeof pending_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    char attempt[PATH_MAX];
    install();
    __atomic_store_n(&deferred, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&state, CREATING, __ATOMIC_SEQ_CST);
    int result = -1;
    for (int tries = 0; tries < 100; tries++) {
        memcpy(attempt, template_path, length + 1);
        if (fill_template(attempt, length) != 0) break;
        if (linkat(AT_FDCWD, source, AT_FDCWD, attempt, AT_SYMLINK_FOLLOW) == 0) {
            memcpy(template_path, attempt, length + 1);
            memcpy(pending_path, attempt, length + 1);
            __atomic_store_n(&state, ARMED, __ATOMIC_SEQ_CST);
            result = 0;
            break;
        }
        if (errno != EEXIST) break;
    }
    if (result != 0) {
        int code = errno;
        __atomic_store_n(&state, IDLE, __ATOMIC_SEQ_CST);
        errno = code;
    }
    int signal_number = __atomic_exchange_n(&deferred, 0, __ATOMIC_SEQ_CST);
    if (signal_number != 0) {
        remove_armed();
        raise(signal_number);  // the default action, restored by SA_RESETHAND
    }
    return result;
}
