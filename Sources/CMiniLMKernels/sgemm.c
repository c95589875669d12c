// The portable single-precision matrix product the encoder falls back to when the system has no OpenBLAS
// (MatrixProduct.swift loads OpenBLAS at run time, so building needs no BLAS at all). Plain C with vector
// extensions, compiled per instruction set and chosen once at run time: AVX-512F, AVX2 + FMA, else the
// baseline (SSE2 on x86-64, NEON on arm64).
#include "CMiniLMKernels.h"

#include <stddef.h>
#include <stdlib.h>

#define VM_SUFFIX generic
#define VM_ATTR
#define VM_LANES 4
#define VM_CB 2
#include "sgemm_body.h"
#undef VM_SUFFIX
#undef VM_ATTR
#undef VM_LANES
#undef VM_CB

#if defined(__x86_64__)
#define VM_SUFFIX avx2
#define VM_ATTR __attribute__((target("avx2,fma")))
#define VM_LANES 8
#define VM_CB 2
#include "sgemm_body.h"
#undef VM_SUFFIX
#undef VM_ATTR
#undef VM_LANES
#undef VM_CB

#define VM_SUFFIX avx512
#define VM_ATTR __attribute__((target("avx512f,fma")))
#define VM_LANES 16
#define VM_CB 4
#include "sgemm_body.h"
#undef VM_SUFFIX
#undef VM_ATTR
#undef VM_LANES
#undef VM_CB
#endif

typedef void (*vm_sgemm_fn)(int, int, int, float, const float *, int, const float *, int, float, float *, int);

static int vm_sgemm_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

const char *vm_minilm_sgemm_isa(void) {
    switch (vm_sgemm_level()) {
    case 2: return "avx512f";
    case 1: return "avx2+fma";
    default: return "baseline";
    }
}

void vm_minilm_sgemm(int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                     float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    // The CPU is checked once; later calls read the cached level.
    static int level = -1;
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l < 0) {
        l = vm_sgemm_level();
        __atomic_store_n(&level, l, __ATOMIC_RELAXED);
    }
    vm_sgemm_fn nt = vm_sgemm_nt_generic, nn = vm_sgemm_nn_generic;
#if defined(__x86_64__)
    if (l == 2) { nt = vm_sgemm_nt_avx512; nn = vm_sgemm_nn_avx512; }
    else if (l == 1) { nt = vm_sgemm_nt_avx2; nn = vm_sgemm_nn_avx2; }
#endif
    if (!transB) {
        nn(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    // Short rows (attention's 32-wide heads): too few products per dot to pay for summing a vector's
    // lanes, so Bᵀ is copied out (N×K floats, small here) and multiplied row by row instead.
    if (K <= 64 && M >= 4 && N >= 16) {
        float *bt = malloc((size_t)K * N * sizeof(float));
        if (bt != NULL) {
            for (int n = 0; n < N; n++) {
                for (int k = 0; k < K; k++) bt[(size_t)k * N + n] = B[(size_t)n * ldb + k];
            }
            nn(M, N, K, alpha, A, lda, bt, N, beta, C, ldc);
            free(bt);
            return;
        }
    }
    nt(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
