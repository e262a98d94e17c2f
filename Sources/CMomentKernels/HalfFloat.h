// binary16 → binary32 in plain integer and float32 arithmetic, shared by the GGUF block kernels
// (GGUFBlockKernelsAVX2.c) and the difference kernel's Q8_0 side (DifferenceKernelAVX2.c), so a
// scale is widened the same way wherever a kernel reads it. Internal: not part of the module's
// public header.
#ifndef CMK_HALF_FLOAT_H
#define CMK_HALF_FLOAT_H

#include <stdint.h>
#include <string.h>

// binary16 → binary32 as `HalfFloat.float` does it (exponent and mantissa placed, rescaled by
// 2^112; Inf/NaN get the all-ones exponent), exact for every one of the 65,536 codes.
static inline float half_float(const unsigned char *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    uint32_t magnitude = h & 0x7FFFu;
    uint32_t bits = magnitude << 13;
    float scaled;
    memcpy(&scaled, &bits, 4);
    scaled = scaled * 0x1p112f;
    memcpy(&bits, &scaled, 4);
    uint32_t special = (0u - ((magnitude + 0x0400u) >> 15)) & 0x7F800000u;
    bits |= special | ((uint32_t)(h & 0x8000u) << 16);
    float out;
    memcpy(&out, &bits, 4);
    return out;
}

#endif
