// The system libzstd (libzstd-dev), seen from Swift.
#ifndef TENSORAUDIT_CZSTD_SHIM_H
#define TENSORAUDIT_CZSTD_SHIM_H

#include <zstd.h>
#include <zstd_errors.h>

// Swift does not import the arithmetic macros of zstd.h; these constants mirror them.
static const unsigned long long czstd_contentsize_unknown = ZSTD_CONTENTSIZE_UNKNOWN;
static const unsigned long long czstd_contentsize_error = ZSTD_CONTENTSIZE_ERROR;

// ZSTD_d_stableOutBuffer is in the experimental section of zstd.h (ZSTD_d_experimentalParam2,
// value 1001 since zstd 1.4.4). It is passed through the stable ZSTD_DCtx_setParameter, so no
// experimental symbol is linked: the decoder writes straight into our buffer and allocates
// no window of its own (a --long=31 frame would otherwise ask for a 2 GiB window).
static const int czstd_d_stable_out_buffer = 1001;

#endif
