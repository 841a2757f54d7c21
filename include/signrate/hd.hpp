#pragma once
// SIGNRATE_HD marks code that runs on the host and on a CUDA device (docs/architecture.md's
// "Design": every per-coordinate step is written once). Under nvcc it expands to
// __host__ __device__; in a plain C++ build it expands to nothing.
#if defined(__CUDACC__)
#define SIGNRATE_HD __host__ __device__
#else
#define SIGNRATE_HD
#endif

// Per-coordinate code is small and sits in the engines' innermost loops, where the vectorizer can
// only see through calls that were inlined: force it (GCC and Clang inline heuristics give up on
// Philox's ten unrolled rounds inside a large caller otherwise).
#if defined(__CUDACC__)
#define SIGNRATE_INLINE SIGNRATE_HD __forceinline__
#elif defined(__GNUC__)
#define SIGNRATE_INLINE SIGNRATE_HD inline __attribute__((always_inline))
#else
#define SIGNRATE_INLINE SIGNRATE_HD inline
#endif
