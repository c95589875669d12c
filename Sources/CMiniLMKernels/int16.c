// The MiniLM encoder's matrix product in 16-bit integers: `vpdpwssd` does two multiply-adds per 32-bit
// lane, twice the work of an FMA per instruction, on CPUs with AVX512_VNNI but no AVX512_BF16. With
// 13-bit weights per output and 14-bit activations per row the products are exact and the int32 sums
// are moved to float before they could overflow, so the only loss is the rounding of the two inputs,
// about that of float16 weights (the encoder's cosine to the reference stays above 0.9999).
#include "CMiniLMKernels.h"

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int vm_minilm_int16_kernel_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

#if defined(__x86_64__)
#define VM_I16_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni,fma")))

// `acc += pairwise products of a and b` as one `vpdpwssd`: compilers tuned for a generic x86-64 split
// the intrinsic into `vpmaddwd` + `vpaddd`, twice the instructions for the same work.
#define VM_DPWSSD(acc, a, b) __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b))

// R rows × 32 outputs (R ≤ 6 constant after inlining): 2R int32 and 2R float accumulators.
VM_I16_TARGET static inline __attribute__((always_inline)) void i16_block(
    const int R, int K, const int16_t *x, const int16_t *p, const float *sw, const float *sx, const float *bias, float *c, int ldc) {
    __m512 f0[6], f1[6];
    __m512i a0[6], a1[6];
    for (int r = 0; r < R; r++) { f0[r] = _mm512_setzero_ps(); f1[r] = _mm512_setzero_ps(); }
    const __m512 s0 = _mm512_loadu_ps(sw), s1 = _mm512_loadu_ps(sw + 16);
    for (int k0 = 0; k0 < K / 2; k0 += VM_INT16_FLUSH_INPUTS / 2) {
        for (int r = 0; r < R; r++) { a0[r] = _mm512_setzero_si512(); a1[r] = _mm512_setzero_si512(); }
        for (int kp = k0; kp < k0 + VM_INT16_FLUSH_INPUTS / 2; kp++) {
            const __m512i w0 = _mm512_loadu_si512((const void *)(p + (size_t)kp * 64));
            const __m512i w1 = _mm512_loadu_si512((const void *)(p + (size_t)kp * 64 + 32));
            for (int r = 0; r < R; r++) {
                int32_t pair;
                memcpy(&pair, x + (size_t)r * K + 2 * kp, 4);
                const __m512i b = _mm512_set1_epi32(pair);
                VM_DPWSSD(a0[r], b, w0);
                VM_DPWSSD(a1[r], b, w1);
            }
        }
        for (int r = 0; r < R; r++) {
            f0[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a0[r]), s0, f0[r]);
            f1[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a1[r]), s1, f1[r]);
        }
    }
    for (int r = 0; r < R; r++) {
        const __m512 s = _mm512_set1_ps(sx[r]);
        float *row = c + (size_t)r * ldc;
        const float *base = bias ? bias : row;
        _mm512_storeu_ps(row, _mm512_fmadd_ps(f0[r], s, _mm512_loadu_ps(base)));
        _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(f1[r], s, _mm512_loadu_ps(base + 16)));
    }
}

VM_I16_TARGET static void i16_block6(int K, const int16_t *x, const int16_t *p, const float *sw, const float *sx, const float *bias,
                                      float *c, int ldc) {
    i16_block(6, K, x, p, sw, sx, bias, c, ldc);
}
VM_I16_TARGET static void i16_block3(int K, const int16_t *x, const int16_t *p, const float *sw, const float *sx, const float *bias,
                                      float *c, int ldc) {
    i16_block(3, K, x, p, sw, sx, bias, c, ldc);
}
VM_I16_TARGET static void i16_block1(int K, const int16_t *x, const int16_t *p, const float *sw, const float *sx, const float *bias,
                                      float *c, int ldc) {
    i16_block(1, K, x, p, sw, sx, bias, c, ldc);
}

// Row r of X to int16 with scale sx[r] = max|x| / VM_INT16_INPUT_MAX (rounded to nearest).
VM_I16_TARGET static void quantize_rows(int M, int K, const float *X, int ldx, int16_t *x, float *sx) {
    for (int m = 0; m < M; m++) {
        const float *row = X + (size_t)m * ldx;
        __m512 largest = _mm512_setzero_ps();
        int k = 0;
        for (; k + 16 <= K; k += 16) largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_loadu_ps(row + k)));
        float top = _mm512_reduce_max_ps(largest);
        for (; k < K; k++) top = fmaxf(top, fabsf(row[k]));
        const float scale = top > 0 ? top / VM_INT16_INPUT_MAX : 1.0f;
        sx[m] = scale;
        const __m512 inverse = _mm512_set1_ps(1.0f / scale);
        int16_t *out = x + (size_t)m * K;
        for (k = 0; k + 16 <= K; k += 16) {
            __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(row + k), inverse));
            _mm256_storeu_si256((__m256i *)(out + k), _mm512_cvtsepi32_epi16(q));
        }
        for (; k < K; k++) out[k] = (int16_t)lrintf(row[k] / scale);
    }
}

VM_I16_TARGET static void gemm_i16(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                                   const float *bias, float *C, int ldc) {
    int16_t *x = malloc((size_t)M * K * sizeof(int16_t) + 64);
    float *sx = malloc((size_t)M * sizeof(float) + 64);
    if (x == NULL || sx == NULL) abort();
    quantize_rows(M, K, X, ldx, x, sx);
    for (int n0 = 0; n0 < N; n0 += 32) {
        const int16_t *p = packed + (size_t)n0 * K;
        const float *b = bias ? bias + n0 : NULL;
        int m = 0;
        for (; m + 6 <= M; m += 6) i16_block6(K, x + (size_t)m * K, p, scale + n0, sx + m, b, C + (size_t)m * ldc + n0, ldc);
        for (; m + 3 <= M; m += 3) i16_block3(K, x + (size_t)m * K, p, scale + n0, sx + m, b, C + (size_t)m * ldc + n0, ldc);
        for (; m < M; m++) i16_block1(K, x + (size_t)m * K, p, scale + n0, sx + m, b, C + (size_t)m * ldc + n0, ldc);
    }
    free(x);
    free(sx);
}

void vm_minilm_gemm_i16(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                        float *C, int ldc) {
    gemm_i16(M, N, K, X, ldx, packed, scale, NULL, C, ldc);
}

void vm_minilm_gemm_i16_bias(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                             const float *bias, float *C, int ldc) {
    gemm_i16(M, N, K, X, ldx, packed, scale, bias, C, ldc);
}
#else
void vm_minilm_gemm_i16_bias(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                             const float *bias, float *C, int ldc) {
    (void)M; (void)N; (void)K; (void)X; (void)ldx; (void)packed; (void)scale; (void)bias; (void)C; (void)ldc;
}
void vm_minilm_gemm_i16(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                        float *C, int ldc) {
    (void)M; (void)N; (void)K; (void)X; (void)ldx; (void)packed; (void)scale; (void)C; (void)ldc;
}
#endif
