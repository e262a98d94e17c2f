// The CPU feature tests of the kernel dispatch (`cmk_has_avx2` and friends).
//
// Why glibc's table and not `__builtin_cpu_supports`: the builtin reads compiler-rt's
// `__cpu_model`, and linking that object also links its constructor `__cpu_indicator_init`,
// which runs a dozen CPUID instructions before `main` in every process, including `--version`
// and `--help` that never reach a kernel (CPUID traps to the hypervisor in a VM: ~3% of the
// samples of `perf record` over 200 `--version` runs). glibc has already run CPUID for its own
// string-function dispatch at process start, and `CPU_FEATURE_ACTIVE` (glibc 2.33+) reads that
// table: a feature counts only when the CPU has it and the kernel saves its registers (XCR0),
// the same test the builtin makes. One difference: glibc's table follows `GLIBC_TUNABLES`, so
// `glibc.cpu.hwcaps=-AVX2` now turns our AVX2 and AVX-512 kernels off too, as on a CPU without
// AVX2. The quantized kernels and BF16/F16 are bit-identical to the portable loops then, but
// F32 row sums only agree to rounding (README, "Speed"): their last digits can change, which
// helper-136 saw in 46 of 1,776 runs, every one on F32 tensors with AVX2 masked. Masking
// AVX-512 alone changes nothing (the AVX-512 loops are bit-identical to the AVX2 ones).
// Elsewhere (macOS, musl) the builtin as before.
#ifndef CMK_CPU_FEATURES_H
#define CMK_CPU_FEATURES_H

#include <stdint.h> // defines __GLIBC__ where glibc is the C library

#if defined(__GLIBC__) && defined(__x86_64__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <sys/platform/x86.h>
#define CMK_CPU_INIT() ((void)0)
#define CMK_CPU_HAS(glibcName, builtinName) CPU_FEATURE_ACTIVE(glibcName)
#else
#define CMK_CPU_INIT() __builtin_cpu_init()
#define CMK_CPU_HAS(glibcName, builtinName) __builtin_cpu_supports(builtinName)
#endif

#endif
