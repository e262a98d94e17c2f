#!/bin/bash
# Upper bounds of `make bench`'s audit ratios on this CPU (docs/PERFORMANCE.md, "Session of
# 2026-12-06 10:00 UTC"): the kernels' GB/s per core on data in cache, each bench file's read
# baseline (the fastest of readbaseline's four modes, the file dropped and refilled by `cat`),
# `inspect`'s time (start-up and header: the fixed part) and `audit`'s, then
#   bound = baseline / (inspect + bytes / (2 × kernel GB/s)),
# the ratio `audit` would reach if nothing but start-up and the kernels took time.
#
# Usage, from the repository root, after `make bench KEEP=1` (which leaves the files and
# .build/bench/readbaseline):  bash Benchmarks/bounds.sh [TENSORAUDIT] [DATA]
# Prints the kernels' lines, then per file: baseline, inspect, audit (seconds) and the ratio;
# the bound is computed from them by hand or with the formula above (kernel per file type:
# F32, BF16, F16, Q8_0q, Q4_0, and Q4_Kx with Q6_K for the Q4_K_M file).
set -eu
T=${1:-.build/release/tensoraudit}
D=${2:-${TMPDIR:-/tmp}/tensoraudit-bench}
B=.build/bench/readbaseline
K=Sources/CMomentKernels
clang -O2 -I$K/include Benchmarks/kernelcache.c $K/MomentKernelsAVX2.c -o .build/kernelcache
clang -O2 -I$K/include Benchmarks/ggufkernels.c $K/GGUFBlockKernelsAVX2.c $K/GGUFExactSumKernelsAVX512.c \
    $K/GGUFQ6KKernelAVX512.c $K/MomentKernelsAVX2.c -o .build/ggufkernels
chrt -f 50 .build/kernelcache
chrt -f 50 .build/ggufkernels Q8_0q Q4_0 Q4_Kx Q6_K | grep 16KiB
for f in f32.safetensors bf16.safetensors f16.safetensors q8_0.gguf q4_0.gguf q4_k_m.gguf; do
    python3 -c "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$D/$f"
    cat "$D/$f" > /dev/null
    best=9
    for mode in mmap populate pread discard; do
        s=$(chrt -f 50 $B "$D/$f" 2 $mode | sed -E 's/.*seconds=([0-9.]+).*/\1/')
        best=$(python3 -c "print(min($best, $s))")
    done
    inspect=$(chrt -f 50 perf stat -r 20 "$T" inspect "$D/$f" 2>&1 >/dev/null | awk '/elapsed/ {print $1}')
    audit=$(chrt -f 50 perf stat -r 10 "$T" audit "$D/$f" 2>&1 >/dev/null | awk '/elapsed/ {print $1}')
    echo "$f baseline=$best inspect=$inspect audit=$audit ratio=$(python3 -c "print(round($best / $audit, 2))")"
done
