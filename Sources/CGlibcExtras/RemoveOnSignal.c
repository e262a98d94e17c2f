#include "CGlibcExtras.h"

#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// The one path a terminating signal removes: the temporary file a report is being written into
// (`ReportStream`). A fixed buffer, since a signal handler may not allocate; `armed` says whether
// it holds a path to remove.
static char pending_path[PATH_MAX];
static volatile sig_atomic_t armed = 0;
static int installed = 0;

static void remove_then_terminate(int signal_number) {
    if (armed) {
        armed = 0;
        unlink(pending_path);  // async-signal-safe
    }
    // SA_RESETHAND restored the default action on entry: the signal, delivered again when the
    // handler returns, ends the process as it would have (status, core, shell message).
    raise(signal_number);
}

int cglibc_remove_on_signal(const char *path) {
    size_t length = strlen(path);
    if (length >= sizeof pending_path) return 0;
    armed = 0;
    memcpy(pending_path, path, length + 1);
    if (!installed) {
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
    armed = 1;
    return 1;
}

void cglibc_keep_on_signal(void) { armed = 0; }
