#!/usr/bin/env python3
"""Before/after timing of `audit` on one checkpoint (or `diff` of two, `--diff-with B`): binaries alternating with each other and with
the plain readers, medians of many runs (docs/PERFORMANCE.md, "Scan overhead").

Why not `make bench`: it takes the best of 3 runs of one binary, and on a shared machine its
baseline alone moves by 1.5x between runs; comparing two builds needs them interleaved, run by
run, in one page-cache state, and a median.

Usage (after `make bench KEEP=1` generated the files and built the two C programs; `--command
inspect` times that command instead of `audit`; `--file` may
also be a model folder, e.g. /tmp/tensoraudit-bench/vocab250k, whose largest file the read
baseline reads):
    python3 Benchmarks/alternate.py --rounds 11 --file /tmp/tensoraudit-bench/f32.safetensors \
        --measure .build/bench/measure --baseline .build/bench/readbaseline OLD_BINARY NEW_BINARY
The file is dropped from the page cache and refilled by `cat` first; then every round runs each
binary's `audit FILE` (`diff FILE B`) and `readbaseline FILE 2 mmap|discard` under `chrt -f 50` (skipped when
not permitted) and `measure` (wall time, peak RSS of the child). The first round is a warm-up.
"""
import argparse
import os
import statistics
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--file", required=True)
    parser.add_argument("--diff-with", help="time `diff FILE DIFF_WITH` instead of `audit FILE`")
    parser.add_argument("--command", default="audit", help="the command timed on FILE (audit, inspect, ...)")
    parser.add_argument("--measure", required=True, help="compiled Benchmarks/measure.c")
    parser.add_argument("--baseline", required=True, help="compiled Benchmarks/readbaseline.c")
    parser.add_argument("binaries", nargs="+", help="tensoraudit binaries to compare")
    args = parser.parse_args()

    # A model folder (`--file` may name one: its tokenizer and config are part of the audit)
    # has each of its regular files refilled; the read baseline then reads its largest file.
    files = [args.file] + ([args.diff_with] if args.diff_with else [])
    refilled = []
    for path in files:
        if os.path.isdir(path):
            refilled += [os.path.join(path, n) for n in sorted(os.listdir(path)) if os.path.isfile(os.path.join(path, n))]
        else:
            refilled.append(path)
    for path in refilled:
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)

    job = ["diff", args.file, args.diff_with] if args.diff_with else [args.command, args.file]
    commands = {b: [b] + job for b in args.binaries}
    read = args.file if not os.path.isdir(args.file) else max(
        (p for p in refilled if p.startswith(os.path.join(args.file, ""))), key=os.path.getsize)
    for mode in ("mmap", "discard"):
        commands["readbaseline " + mode] = [args.baseline, read, "2", mode]
    realtime = ["chrt", "-f", "50"] if subprocess.run(["chrt", "-f", "50", "true"]).returncode == 0 else []
    seconds = {k: [] for k in commands}
    rss = {k: [] for k in commands}
    with tempfile.TemporaryDirectory() as folder:
        report = os.path.join(folder, "measure.out")
        for round in range(args.rounds + 1):
            for name, command in commands.items():
                subprocess.run(realtime + [args.measure, report] + command, stdout=subprocess.DEVNULL)
                fields = dict(item.split("=") for item in open(report).read().split())
                if round > 0:
                    seconds[name].append(float(fields["seconds"]))
                    rss[name].append(int(fields["maxrss_kb"]))
    base = statistics.median(seconds["readbaseline mmap"])
    print(f"{args.file}: medians of {args.rounds} alternating runs, load {os.getloadavg()[0]:.1f}")
    for name in commands:
        values = sorted(seconds[name])
        median = statistics.median(values)
        print(f"{name:40s} median {median * 1000:6.1f} ms  min {values[0] * 1000:6.1f}  max {values[-1] * 1000:6.1f}"
              f"  peak RSS {max(rss[name]) / 1024:7.1f} MB  word sum / this {base / median:4.2f}x")


if __name__ == "__main__":
    main()
