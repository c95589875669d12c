// The portable sgemm's loops, included by sgemm.c once per instruction set with these defined:
//   VM_SUFFIX  name suffix of this instance (e.g. avx512)
//   VM_ATTR    function attributes (e.g. __attribute__((target("avx512f"))), or nothing)
//   VM_LANES   floats per vector (GCC/Clang vector extensions; the compiler maps them to the target's registers)
//   VM_CB      rows of B per register block (the block is 4 rows of A × VM_CB rows of B, 4·VM_CB accumulators)
// Not a public header: it has no include guard on purpose.

#define VM_CAT_(a, b) a##b
#define VM_CAT(a, b) VM_CAT_(a, b)
#define VM_VEC VM_CAT(vm_vec_, VM_SUFFIX)

#if VM_LANES == 16
#define VM_ROTATE4 4, 5, 6, 7, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15
#define VM_ROTATE2 2, 3, 0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define VM_ROTATE1 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#elif VM_LANES == 8
#define VM_ROTATE4 4, 5, 6, 7, 0, 1, 2, 3
#define VM_ROTATE2 2, 3, 0, 1, 4, 5, 6, 7
#define VM_ROTATE1 1, 0, 2, 3, 4, 5, 6, 7
#elif VM_LANES == 4
#define VM_ROTATE2 2, 3, 0, 1
#define VM_ROTATE1 1, 0, 2, 3
#endif

typedef float VM_VEC __attribute__((vector_size(VM_LANES * sizeof(float)), aligned(4), may_alias));

/// The sum of a vector's lanes: a tree of rotate-and-add steps under Clang (what SwiftPM compiles with),
/// lane by lane elsewhere.
static inline __attribute__((always_inline)) VM_ATTR float VM_CAT(vm_hsum_, VM_SUFFIX)(VM_VEC v) {
#if defined(__clang__) && VM_LANES == 16
    v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
#endif
#if defined(__clang__) && VM_LANES >= 8
    v += __builtin_shufflevector(v, v, VM_ROTATE4);
#endif
#if defined(__clang__) && VM_LANES >= 4
    v += __builtin_shufflevector(v, v, VM_ROTATE2);
    v += __builtin_shufflevector(v, v, VM_ROTATE1);
    return v[0];
#else
    float s = 0;
    for (int l = 0; l < VM_LANES; l++) s += v[l];
    return s;
#endif
}

/// One entry of A·Bᵀ: the dot product of two rows of length K.
static inline __attribute__((always_inline)) VM_ATTR float VM_CAT(vm_dot_, VM_SUFFIX)(int K, const float *restrict a, const float *restrict b) {
    VM_VEC acc = {0};
    int k = 0;
    for (; k + VM_LANES <= K; k += VM_LANES) acc += *(const VM_VEC *)(a + k) * *(const VM_VEC *)(b + k);
    float s = VM_CAT(vm_hsum_, VM_SUFFIX)(acc);
    for (; k < K; k++) s += a[k] * b[k];
    return s;
}

static inline __attribute__((always_inline)) VM_ATTR void VM_CAT(vm_store_, VM_SUFFIX)(float *c, float alpha, float dot, float beta) {
    *c = beta == 0 ? alpha * dot : alpha * dot + beta * *c;   // β = 0: C is not read (it may hold garbage)
}

/// C = α·A·Bᵀ + β·C. Both operands are read along their rows (K contiguous), so no packing: a 4 × VM_CB
/// block of C keeps its dot products in vector accumulators, each loaded vector feeding 4 or VM_CB
/// multiply-adds. B's VM_CB rows stay in L1 while 64-row chunks of A stream past them.
static VM_ATTR void VM_CAT(vm_sgemm_nt_, VM_SUFFIX)(
    int M, int N, int K, float alpha, const float *restrict A, int lda, const float *restrict B, int ldb,
    float beta, float *restrict C, int ldc) {
    const int chunk = 64;
    const int kv = K - K % VM_LANES;
    for (int m0 = 0; m0 < M; m0 += chunk) {
        const int m1 = M < m0 + chunk ? M : m0 + chunk;
        int n = 0;
        for (; n + VM_CB <= N; n += VM_CB) {
            int m = m0;
            for (; m + 4 <= m1; m += 4) {
                VM_VEC acc[4][VM_CB];
                for (int r = 0; r < 4; r++)
                    for (int q = 0; q < VM_CB; q++) acc[r][q] = (VM_VEC){0};
                for (int k = 0; k < kv; k += VM_LANES) {
                    VM_VEC a[4];
                    for (int r = 0; r < 4; r++) a[r] = *(const VM_VEC *)(A + (size_t)(m + r) * lda + k);
                    for (int q = 0; q < VM_CB; q++) {
                        VM_VEC b = *(const VM_VEC *)(B + (size_t)(n + q) * ldb + k);
                        for (int r = 0; r < 4; r++) acc[r][q] += a[r] * b;
                    }
                }
                for (int r = 0; r < 4; r++) {
                    const float *a = A + (size_t)(m + r) * lda;
                    for (int q = 0; q < VM_CB; q++) {
                        const float *b = B + (size_t)(n + q) * ldb;
                        float s = VM_CAT(vm_hsum_, VM_SUFFIX)(acc[r][q]);
                        for (int k = kv; k < K; k++) s += a[k] * b[k];
                        VM_CAT(vm_store_, VM_SUFFIX)(C + (size_t)(m + r) * ldc + n + q, alpha, s, beta);
                    }
                }
            }
            for (; m < m1; m++) {
                for (int q = 0; q < VM_CB; q++) {
                    float s = VM_CAT(vm_dot_, VM_SUFFIX)(K, A + (size_t)m * lda, B + (size_t)(n + q) * ldb);
                    VM_CAT(vm_store_, VM_SUFFIX)(C + (size_t)m * ldc + n + q, alpha, s, beta);
                }
            }
        }
        for (; n < N; n++) {
            for (int m = m0; m < m1; m++) {
                float s = VM_CAT(vm_dot_, VM_SUFFIX)(K, A + (size_t)m * lda, B + (size_t)n * ldb);
                VM_CAT(vm_store_, VM_SUFFIX)(C + (size_t)m * ldc + n, alpha, s, beta);
            }
        }
    }
}

/// 4 rows × W vectors of C = α·A·B + β·C, kept in registers over k (each B vector feeds 4 multiply-adds).
static inline __attribute__((always_inline)) VM_ATTR void VM_CAT(vm_nn_block_, VM_SUFFIX)(
    const int W, int K, float alpha, const float *restrict A, int lda, const float *restrict B, int ldb,
    float beta, float *restrict C, int ldc) {
    VM_VEC acc[4][2];
    for (int r = 0; r < 4; r++)
        for (int w = 0; w < W; w++) acc[r][w] = (VM_VEC){0};
    for (int k = 0; k < K; k++) {
        VM_VEC b[2];
        for (int w = 0; w < W; w++) b[w] = *(const VM_VEC *)(B + (size_t)k * ldb + w * VM_LANES);
        for (int r = 0; r < 4; r++) {
            const float a = A[(size_t)r * lda + k];
            for (int w = 0; w < W; w++) acc[r][w] += a * b[w];
        }
    }
    for (int r = 0; r < 4; r++) {
        for (int w = 0; w < W; w++) {
            VM_VEC *c = (VM_VEC *)(C + (size_t)r * ldc + w * VM_LANES);
            *c = beta == 0 ? alpha * acc[r][w] : alpha * acc[r][w] + beta * *c;
        }
    }
}

/// C = α·A·B + β·C, i-k-j order: rows of C are built from rows of B scaled by A's entries, in register
/// blocks of 4 rows × 2 or 1 vectors; the columns and rows left over take the plain loop.
static VM_ATTR void VM_CAT(vm_sgemm_nn_, VM_SUFFIX)(
    int M, int N, int K, float alpha, const float *restrict A, int lda, const float *restrict B, int ldb,
    float beta, float *restrict C, int ldc) {
    const int nv = N - N % VM_LANES;
    int m = 0;
    for (; m + 4 <= M; m += 4) {
        const float *a = A + (size_t)m * lda;
        float *c = C + (size_t)m * ldc;
        int j = 0;
        for (; j + 2 * VM_LANES <= N; j += 2 * VM_LANES)
            VM_CAT(vm_nn_block_, VM_SUFFIX)(2, K, alpha, a, lda, B + j, ldb, beta, c + j, ldc);
        if (j < nv) VM_CAT(vm_nn_block_, VM_SUFFIX)(1, K, alpha, a, lda, B + j, ldb, beta, c + j, ldc);
    }
    // The rows after the 4-row blocks (all columns), and the columns after the vector blocks.
    for (int i = 0; i < M; i++) {
        const int j0 = i < m ? nv : 0;
        if (j0 == N) continue;
        float *restrict c = C + (size_t)i * ldc;
        if (beta == 0) {
            for (int j = j0; j < N; j++) c[j] = 0;
        } else if (beta != 1) {
            for (int j = j0; j < N; j++) c[j] *= beta;
        }
        const float *a = A + (size_t)i * lda;
        for (int k = 0; k < K; k++) {
            const float s = alpha * a[k];
            const float *restrict b = B + (size_t)k * ldb;
            for (int j = j0; j < N; j++) c[j] += s * b[j];
        }
    }
}

#undef VM_VEC
#undef VM_ROTATE4
#undef VM_ROTATE2
#undef VM_ROTATE1
#undef VM_CAT
#undef VM_CAT_
