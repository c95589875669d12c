// The MiniLM encoder's matrix product with half-precision weights: reading 2-byte weights halves the
// memory traffic that bounds a short sentence's encoding, and weights packed once at load skip the
// per-call packing a BLAS does. The kernel is compiled for AVX-512 per function and chosen at run time.
#include "CMiniLMKernels.h"

#include <immintrin.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int vm_minilm_half_kernel_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int vm_minilm_bf16_kernel_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
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
#define VM_BF16_TARGET __attribute__((target("avx512f,avx512bf16")))

static uint16_t vm_to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    bits += 0x7FFF + ((bits >> 16) & 1);
    return (uint16_t)(bits >> 16);
}

// 8 rows × 32 outputs: each vdpbf16ps adds two inputs' products into 16 float accumulators.
VM_BF16_TARGET static void bf16_block8(int K, const uint16_t *x, const uint16_t *p, float *c, int ldc) {
    __m512 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
    VM_LOAD(0) VM_LOAD(1) VM_LOAD(2) VM_LOAD(3) VM_LOAD(4) VM_LOAD(5) VM_LOAD(6) VM_LOAD(7)
    for (int kp = 0; kp < K / 2; kp++) {
        __m512bh w0 = (__m512bh)_mm512_loadu_si512((const void *)(p + (size_t)kp * 64));
        __m512bh w1 = (__m512bh)_mm512_loadu_si512((const void *)(p + (size_t)kp * 64 + 32));
#define VM_DP(r) { int32_t pair; memcpy(&pair, x + (size_t)(r) * K + 2 * kp, 4); \
                   __m512bh b = (__m512bh)_mm512_set1_epi32(pair); \
                   a##r##0 = _mm512_dpbf16_ps(a##r##0, b, w0); a##r##1 = _mm512_dpbf16_ps(a##r##1, b, w1); }
        VM_DP(0) VM_DP(1) VM_DP(2) VM_DP(3) VM_DP(4) VM_DP(5) VM_DP(6) VM_DP(7)
    }
    VM_STORE(0) VM_STORE(1) VM_STORE(2) VM_STORE(3) VM_STORE(4) VM_STORE(5) VM_STORE(6) VM_STORE(7)
}

VM_BF16_TARGET static void bf16_block1(int K, const uint16_t *x, const uint16_t *p, float *c) {
    __m512 a0 = _mm512_loadu_ps(c), a1 = _mm512_loadu_ps(c + 16);
    for (int kp = 0; kp < K / 2; kp++) {
        __m512bh w0 = (__m512bh)_mm512_loadu_si512((const void *)(p + (size_t)kp * 64));
        __m512bh w1 = (__m512bh)_mm512_loadu_si512((const void *)(p + (size_t)kp * 64 + 32));
        int32_t pair;
        memcpy(&pair, x + 2 * kp, 4);
        __m512bh b = (__m512bh)_mm512_set1_epi32(pair);
        a0 = _mm512_dpbf16_ps(a0, b, w0);
        a1 = _mm512_dpbf16_ps(a1, b, w1);
    }
    _mm512_storeu_ps(c, a0);
    _mm512_storeu_ps(c + 16, a1);
}

VM_BF16_TARGET void vm_minilm_gemm_bf16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc) {
    uint16_t *x = malloc((size_t)M * K * sizeof(uint16_t));
    if (x == NULL) abort();
    for (int m = 0; m < M; m++) {
        for (int k = 0; k < K; k++) x[(size_t)m * K + k] = vm_to_bf16(X[(size_t)m * ldx + k]);
    }
    for (int n0 = 0; n0 < N; n0 += 32) {
        const uint16_t *p = packed + (size_t)n0 * K;
        int m = 0;
        for (; m + 8 <= M; m += 8) bf16_block8(K, x + (size_t)m * K, p, C + (size_t)m * ldc + n0, ldc);
        for (; m < M; m++) bf16_block1(K, x + (size_t)m * K, p, C + (size_t)m * ldc + n0);
    }
    free(x);
}
#else
void vm_minilm_gemm_bf16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc) {
    (void)M; (void)N; (void)K; (void)X; (void)ldx; (void)packed; (void)C; (void)ldc;
}
void vm_minilm_gemm_f16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc) {
    (void)M; (void)N; (void)K; (void)X; (void)ldx; (void)packed; (void)C; (void)ldc;
}
#endif
