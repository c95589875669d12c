// The MiniLM encoder's matrix product with half-precision weights: reading 2-byte weights halves the
// memory traffic that bounds a short sentence's encoding, and weights packed once at load skip the
// per-call packing a BLAS does. The kernel is compiled for AVX-512 per function and chosen at run time.
#include "CMiniLMKernels.h"

#include <immintrin.h>
#include <stddef.h>

int vm_minilm_half_kernel_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

#if defined(__x86_64__)
#define VM_TARGET __attribute__((target("avx512f,f16c,fma")))

// 8 rows × 32 outputs: 16 accumulators, two weight vectors per k, one broadcast per row.
VM_TARGET static void block8(int K, const float *x, int ldx, const uint16_t *p, float *c, int ldc) {
    __m512 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
#define VM_LOAD(r) a##r##0 = _mm512_loadu_ps(c + (r) * ldc); a##r##1 = _mm512_loadu_ps(c + (r) * ldc + 16);
    VM_LOAD(0) VM_LOAD(1) VM_LOAD(2) VM_LOAD(3) VM_LOAD(4) VM_LOAD(5) VM_LOAD(6) VM_LOAD(7)
    for (int k = 0; k < K; k++) {
        __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32)));
        __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32 + 16)));
#define VM_FMA(r) { __m512 b = _mm512_set1_ps(x[(size_t)(r) * ldx + k]); \
                    a##r##0 = _mm512_fmadd_ps(b, w0, a##r##0); a##r##1 = _mm512_fmadd_ps(b, w1, a##r##1); }
        VM_FMA(0) VM_FMA(1) VM_FMA(2) VM_FMA(3) VM_FMA(4) VM_FMA(5) VM_FMA(6) VM_FMA(7)
    }
#define VM_STORE(r) _mm512_storeu_ps(c + (r) * ldc, a##r##0); _mm512_storeu_ps(c + (r) * ldc + 16, a##r##1);
    VM_STORE(0) VM_STORE(1) VM_STORE(2) VM_STORE(3) VM_STORE(4) VM_STORE(5) VM_STORE(6) VM_STORE(7)
}

// 4 rows × 32 outputs, for the rows left after the 8-row blocks.
VM_TARGET static void block4(int K, const float *x, int ldx, const uint16_t *p, float *c, int ldc) {
    __m512 a00, a01, a10, a11, a20, a21, a30, a31;
    VM_LOAD(0) VM_LOAD(1) VM_LOAD(2) VM_LOAD(3)
    for (int k = 0; k < K; k++) {
        __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32)));
        __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32 + 16)));
        VM_FMA(0) VM_FMA(1) VM_FMA(2) VM_FMA(3)
    }
    VM_STORE(0) VM_STORE(1) VM_STORE(2) VM_STORE(3)
}

VM_TARGET static void block1(int K, const float *x, const uint16_t *p, float *c) {
    __m512 a0 = _mm512_loadu_ps(c), a1 = _mm512_loadu_ps(c + 16);
    for (int k = 0; k < K; k++) {
        __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32)));
        __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + (size_t)k * 32 + 16)));
        __m512 b = _mm512_set1_ps(x[k]);
        a0 = _mm512_fmadd_ps(b, w0, a0);
        a1 = _mm512_fmadd_ps(b, w1, a1);
    }
    _mm512_storeu_ps(c, a0);
    _mm512_storeu_ps(c + 16, a1);
}

VM_TARGET void vm_minilm_gemm_f16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc) {
    for (int n0 = 0; n0 < N; n0 += 32) {
        const uint16_t *p = packed + (size_t)n0 * K;
        int m = 0;
        for (; m + 8 <= M; m += 8) block8(K, X + (size_t)m * ldx, ldx, p, C + (size_t)m * ldc + n0, ldc);
        for (; m + 4 <= M; m += 4) block4(K, X + (size_t)m * ldx, ldx, p, C + (size_t)m * ldc + n0, ldc);
        for (; m < M; m++) block1(K, X + (size_t)m * ldx, p, C + (size_t)m * ldc + n0);
    }
}
#else
void vm_minilm_gemm_f16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc) {
    (void)M; (void)N; (void)K; (void)X; (void)ldx; (void)packed; (void)C; (void)ldc;
}
#endif
