#pragma once
// SIGNRATE_HD marks code that runs on the host and on a CUDA device (ARCHITECTURE.md,
// principle 1: every per-coordinate step is written once). Under nvcc it expands to
// __host__ __device__; in a plain C++ build it expands to nothing.
#if defined(__CUDACC__)
#define SIGNRATE_HD __host__ __device__
#else
#define SIGNRATE_HD
#endif

#define SIGNRATE_INLINE SIGNRATE_HD inline
