// The CPU feature tests of the kernel dispatch (`cmk_has_avx2` and friends).
//
// Why glibc's table and not `__builtin_cpu_supports`: the builtin reads compiler-rt's
// `__cpu_model`, and linking that object also links its constructor `__cpu_indicator_init`,
// which runs a dozen CPUID instructions before `main` in every process, including `--version`
// and `--help` that never reach a kernel (CPUID traps to the hypervisor in a VM: ~3% of the
// samples of `perf record` over 200 `--version` runs). glibc has already run CPUID for its own
// string-function dispatch at process start, and `CPU_FEATURE_PRESENT` (glibc 2.33+) reads
// those bits.
//
// Why PRESENT and XGETBV, not `CPU_FEATURE_ACTIVE`: the active bits follow `GLIBC_TUNABLES`, so
// `glibc.cpu.hwcaps=-AVX2`, set for glibc's own string functions, switched our kernels to the
// portable loops, whose F32 sums agree with the AVX2 ones to rounding only: 46 of 1,776 runs
// changed a last digit (helper-136). The present bits are the CPU's; the operating system's
// part, that it saves the YMM (and for AVX-512 the opmask and ZMM) registers, is read from XCR0
// as the builtin does (`xgetbv` does not trap to the hypervisor). So the kernels depend on the
// CPU and the kernel only, as before. Elsewhere (macOS, musl) the builtin as before.
#ifndef CMK_CPU_FEATURES_H
#define CMK_CPU_FEATURES_H

#include <stdint.h> // defines __GLIBC__ where glibc is the C library

#if defined(__GLIBC__) && defined(__x86_64__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <sys/platform/x86.h>

// XCR0 when the OS has enabled XSAVE (else 0: no extended state, so no AVX at all).
static inline uint64_t cmk_xcr0(void) {
    if (!CPU_FEATURE_PRESENT(OSXSAVE)) return 0;
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}

// The XCR0 state components each feature's registers need: SSE and AVX (YMM) state for the
// VEX-encoded ones, plus opmask, ZMM_Hi256 and Hi16_ZMM for AVX-512.
#define CMK_YMM_STATE 0x6u
#define CMK_ZMM_STATE 0xE6u
#define CMK_STATE_AVX2 CMK_YMM_STATE
#define CMK_STATE_FMA CMK_YMM_STATE
#define CMK_STATE_F16C CMK_YMM_STATE
#define CMK_STATE_AVX512F CMK_ZMM_STATE
#define CMK_STATE_AVX512BW CMK_ZMM_STATE
#define CMK_STATE_AVX512DQ CMK_ZMM_STATE
#define CMK_STATE_AVX512VL CMK_ZMM_STATE
#define CMK_STATE_AVX512_VNNI CMK_ZMM_STATE
#define CMK_STATE_AVX512_VBMI CMK_ZMM_STATE

#define CMK_CPU_INIT() ((void)0)
#define CMK_CPU_HAS(glibcName, builtinName) \
    (CPU_FEATURE_PRESENT(glibcName) && (cmk_xcr0() & CMK_STATE_##glibcName) == CMK_STATE_##glibcName)
#else
#define CMK_CPU_INIT() __builtin_cpu_init()
#define CMK_CPU_HAS(glibcName, builtinName) __builtin_cpu_supports(builtinName)
#endif

#endif
