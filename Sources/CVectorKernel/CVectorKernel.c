#include <immintrin.h>
#include <stdlib.h>
#include "CVectorKernel.h"

/* Scalar kernels: the reference and the fallback. */

static float dot_f32_scalar(const float *a, const float *b, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += a[j] * b[j];
        s1 += a[j + 1] * b[j + 1];
        s2 += a[j + 2] * b[j + 2];
        s3 += a[j + 3] * b[j + 3];
    }
    for (; j < n; j++) s0 += a[j] * b[j];
    return (s0 + s1) + (s2 + s3);
}

static int32_t dot_i8_scalar(const int8_t *a, const int8_t *b, size_t n) {
    int32_t s = 0;
    for (size_t j = 0; j < n; j++) s += (int32_t)a[j] * (int32_t)b[j];
    return s;
}

#if defined(__x86_64__)
#define VM_AVX2 __attribute__((target("avx2,fma")))

VM_AVX2 static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

VM_AVX2 static float dot_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 16), _mm256_loadu_ps(b + j + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 24), _mm256_loadu_ps(b + j + 24), s3);
    }
    for (; j + 8 <= n; j += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
    float s = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; j < n; j++) s += a[j] * b[j];
    return s;
}

/* int8 × int8: sign-extend 16 bytes to 16-bit lanes, multiply-add pairs into int32 (exact: |products| ≤ 2^14). */
VM_AVX2 static int32_t dot_i8_avx2(const int8_t *a, const int8_t *b, size_t n) {
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m256i a0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j)));
        __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j)));
        __m256i a1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j + 16)));
        __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 16)));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(a0, b0));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(a1, b1));
    }
    __m256i s = _mm256_add_epi32(s0, s1);
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(1, 0, 3, 2)));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(2, 3, 0, 1)));
    int32_t total = _mm_cvtsi128_si32(h);
    for (; j < n; j++) total += (int32_t)a[j] * (int32_t)b[j];
    return total;
}

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#else
static int has_avx2(void) { return 0; }
static float dot_f32_avx2(const float *a, const float *b, size_t n) { return dot_f32_scalar(a, b, n); }
static int32_t dot_i8_avx2(const int8_t *a, const int8_t *b, size_t n) { return dot_i8_scalar(a, b, n); }
#endif

void vm_dots_f32(const float *query, const float *matrix, size_t rows, size_t dims, float *out) {
    if (has_avx2()) {
        for (size_t i = 0; i < rows; i++) out[i] = dot_f32_avx2(query, matrix + i * dims, dims);
    } else {
        for (size_t i = 0; i < rows; i++) out[i] = dot_f32_scalar(query, matrix + i * dims, dims);
    }
}

void vm_dots_f32_gather(const float *query, const float *matrix, const int32_t *rows, size_t count, size_t dims,
                        float *out) {
    int fast = has_avx2();
    for (size_t i = 0; i < count; i++) {
        /* Rows are scattered over a large array: ask for the one after next while this one is summed. */
        if (i + 2 < count) {
            const char *ahead = (const char *)(matrix + (size_t)rows[i + 2] * dims);
            for (size_t b = 0; b < dims * sizeof(float); b += 64) __builtin_prefetch(ahead + b);
        }
        const float *row = matrix + (size_t)rows[i] * dims;
        out[i] = fast ? dot_f32_avx2(query, row, dims) : dot_f32_scalar(query, row, dims);
    }
}

void vm_dots_i8(const int8_t *query, const int8_t *codes, size_t rows, size_t dims, int32_t *out) {
    if (has_avx2()) {
        for (size_t i = 0; i < rows; i++) {
            if (i + 2 < rows) __builtin_prefetch(codes + (i + 2) * dims);
            out[i] = dot_i8_avx2(query, codes + i * dims, dims);
        }
    } else {
        for (size_t i = 0; i < rows; i++) out[i] = dot_i8_scalar(query, codes + i * dims, dims);
    }
}

void vm_nearest_centroids(const float *vectors, size_t rows, const float *centroids, size_t k, size_t dims,
                          int32_t *assignment, float *best) {
    int fast = has_avx2();
    /* Blocks of vectors against all centroids: each centroid is read once per block, not once per vector. */
    enum { BLOCK = 16 };
    for (size_t start = 0; start < rows; start += BLOCK) {
        size_t end = start + BLOCK < rows ? start + BLOCK : rows;
        for (size_t i = start; i < end; i++) { assignment[i] = -1; best[i] = -3.4e38f; }
        for (size_t c = 0; c < k; c++) {
            const float *centroid = centroids + c * dims;
            for (size_t i = start; i < end; i++) {
                const float *v = vectors + i * dims;
                float d = fast ? dot_f32_avx2(v, centroid, dims) : dot_f32_scalar(v, centroid, dims);
                if (d > best[i]) { best[i] = d; assignment[i] = (int32_t)c; }
            }
        }
    }
}
