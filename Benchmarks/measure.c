/*
 * The process launcher of `make bench`: runs a command and reports what it cost.
 *
 * Why a separate C program: Linux keeps a process's peak RSS across exec, so a child spawned
 * directly by the Python harness reports at least the harness's own RSS (70+ MB with numpy)
 * as its peak. This launcher is tiny, so its forked child starts from ~1 MB.
 *
 * Usage: measure REPORT_FILE COMMAND [ARGS...]
 * The child's stdout/stderr are inherited. REPORT_FILE receives one line:
 *   status=S seconds=T maxrss_kb=R minflt=F peak_anon_kb=A
 * where status is the exit code, or 128+signal, and peak_anon_kb is the largest RssAnon of
 * /proc/PID/status seen while polling every millisecond (anonymous memory: heap, not the
 * mapped file).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long rss_anon_kb(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    long value = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "RssAnon:", 8) == 0) { value = atol(line + 8); break; }
    }
    fclose(f);
    return value;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure REPORT_FILE COMMAND [ARGS...]\n");
        return 64;
    }
    double start = now();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 70; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("exec");
        _exit(127);
    }
    long peak_anon = 0;
    int status = 0;
    struct rusage usage;
    for (;;) {
        pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) break;
        if (done < 0) { perror("wait4"); return 70; }
        long anon = rss_anon_kb(pid);
        if (anon > peak_anon) peak_anon = anon;
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    double seconds = now() - start;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *report = fopen(argv[1], "w");
    if (!report) { perror("report"); return 70; }
    fprintf(report, "status=%d seconds=%.6f maxrss_kb=%ld minflt=%ld peak_anon_kb=%ld\n", code, seconds,
            usage.ru_maxrss, usage.ru_minflt, peak_anon);
    fclose(report);
    return 0;
}
