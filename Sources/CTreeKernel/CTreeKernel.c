#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "CTreeKernel.h"

/// Rows walked through one tree together: their walks are independent, so the CPU overlaps their loads.
#define BLOCK 8

static inline uint32_t step(const uint16_t *f, const float *t, const uint8_t *mr, uint32_t node, const float *row) {
    float x = row[f[node]];
    /* !(x < t) is also true for NaN; a NaN then goes where the split sends missing values. */
    uint32_t right = (uint32_t)!(x < t[node]) & ((uint32_t)(x == x) | (uint32_t)mr[node]);
    return 2 * node + 1 + right;
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

/* Whether the 16-row AVX-512 walk may be used: the CPU has AVX-512F and VENDORMATCH_TREES is not "scalar"
   (set it to time the portable loop alone, as BENCHMARKS.md does). */
static int avx512_trees(void) {
    static int ok = -1; /* computed once; two threads computing it at once store the same value */
    int v = __atomic_load_n(&ok, __ATOMIC_RELAXED);
    if (v < 0) {
        const char *e = getenv("VENDORMATCH_TREES");
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512f") && !(e && strcmp(e, "scalar") == 0);
        __atomic_store_n(&ok, v, __ATOMIC_RELAXED);
    }
    return v;
}

#define VM_TREE_TARGET __attribute__((target("avx512f")))

/* Sixteen rows walk one tree at once, one lane each. A level of a tree of depth <= 5 has at most 16 splits
   and the tree at most 32 leaves, so a level's features, thresholds and missing-value directions sit in
   registers and each lane picks its node's with a permute; only the rows' feature values are gathered.
   Every lane takes the scalar `step`'s decision (NaN goes where the split sends missing values), and each
   row adds its trees' leaves in tree order in double: the sums are the scalar loop's, bit for bit.
   Returns the rows done (a multiple of 16, from row 0); the caller walks the rest. */
VM_TREE_TARGET static size_t predict16(const vm_complete_trees *trees, const float *matrix, size_t rows, size_t columns,
                                       double *out) {
    const int32_t depth = trees->depth;
    const size_t blocks = rows / 16;
    if (depth < 1 || depth > 5 || blocks == 0 || columns > (size_t)(INT32_MAX / 16)) return 0;
    const size_t splits = ((size_t)1 << depth) - 1, leaves = (size_t)1 << depth;
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i rowOffset = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int32_t)columns));
    const __m512i one = _mm512_set1_epi32(1);
    for (int32_t tree = 0; tree < trees->trees; tree++) {
        const uint16_t *f = trees->feature + (size_t)tree * splits;
        const float *t = trees->threshold + (size_t)tree * splits;
        const uint8_t *mr = trees->missingRight + (size_t)tree * splits;
        const float *leaf = trees->leaf + (size_t)tree * leaves;
        __m512i feature[5], missingRight[5];
        __m512 threshold[5];
        for (int32_t d = 0; d < depth; d++) {
            const size_t first = ((size_t)1 << d) - 1, width = (size_t)1 << d;
            int32_t fb[16] = {0}, mb[16] = {0};
            float tb[16] = {0};
            for (size_t j = 0; j < width; j++) {
                fb[j] = f[first + j];
                tb[j] = t[first + j];
                mb[j] = mr[first + j];
            }
            feature[d] = _mm512_loadu_si512(fb);
            threshold[d] = _mm512_loadu_ps(tb);
            missingRight[d] = _mm512_loadu_si512(mb);
        }
        float lb[32] = {0};
        for (size_t j = 0; j < leaves; j++) lb[j] = leaf[j];
        const __m512 leafLow = _mm512_loadu_ps(lb), leafHigh = _mm512_loadu_ps(lb + 16);
        for (size_t b = 0; b < blocks; b++) {
            const float *base = matrix + b * 16 * columns;
            __m512i at = _mm512_setzero_si512(); /* each lane's node within the level */
            for (int32_t d = 0; d < depth; d++) {
                const __m512i fi = _mm512_permutexvar_epi32(at, feature[d]);
                const __m512 th = _mm512_permutexvar_ps(at, threshold[d]);
                const __mmask16 missing = _mm512_test_epi32_mask(_mm512_permutexvar_epi32(at, missingRight[d]), one);
                const __m512 x = _mm512_i32gather_ps(_mm512_add_epi32(rowOffset, fi), base, 4);
                const __mmask16 below = _mm512_cmp_ps_mask(x, th, _CMP_LT_OQ);  /* false for NaN */
                const __mmask16 number = _mm512_cmp_ps_mask(x, x, _CMP_ORD_Q);
                const __mmask16 right = (__mmask16)(~below & (number | missing));
                at = _mm512_slli_epi32(at, 1);
                at = _mm512_mask_add_epi32(at, right, at, one);
            }
            const __m512 value = _mm512_permutex2var_ps(leafLow, at, leafHigh);
            double *o = out + b * 16;
            const __m256 low = _mm512_castps512_ps256(value);
            const __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(value), 1));
            _mm512_storeu_pd(o, _mm512_add_pd(_mm512_loadu_pd(o), _mm512_cvtps_pd(low)));
            _mm512_storeu_pd(o + 8, _mm512_add_pd(_mm512_loadu_pd(o + 8), _mm512_cvtps_pd(high)));
        }
    }
    return blocks * 16;
}
#endif

void vm_trees_predict(const vm_complete_trees *trees, const float *matrix, size_t rows, size_t columns, double *out) {
    size_t done = 0;
#if defined(__x86_64__)
    if (avx512_trees()) done = predict16(trees, matrix, rows, columns, out);
#endif
    matrix += done * columns;
    out += done;
    rows -= done;
    const int32_t depth = trees->depth;
    const size_t splits = ((size_t)1 << depth) - 1, leaves = (size_t)1 << depth;
    for (int32_t tree = 0; tree < trees->trees; tree++) {
        const uint16_t *f = trees->feature + (size_t)tree * splits;
        const float *t = trees->threshold + (size_t)tree * splits;
        const uint8_t *mr = trees->missingRight + (size_t)tree * splits;
        const float *leaf = trees->leaf + (size_t)tree * leaves;
        size_t i = 0;
        for (; i + BLOCK <= rows; i += BLOCK) {
            uint32_t node[BLOCK] = {0};
            for (int32_t d = 0; d < depth; d++) {
                for (int b = 0; b < BLOCK; b++) node[b] = step(f, t, mr, node[b], matrix + (i + b) * columns);
            }
            for (int b = 0; b < BLOCK; b++) out[i + b] += (double)leaf[node[b] - splits];
        }
        for (; i < rows; i++) {
            uint32_t node = 0;
            for (int32_t d = 0; d < depth; d++) node = step(f, t, mr, node, matrix + i * columns);
            out[i] += (double)leaf[node - splits];
        }
    }
}

/* TreeSHAP: a line-for-line port of the recursion in TreeEnsemble.swift (XGBoost's RegTree::TreeShap). */

typedef struct {
    int32_t feature;
    double zeroFraction;
    double oneFraction;
    double weight;
} path_element;

typedef struct {
    const vm_tree_nodes *t;
    const float *row;
    double *phi;
    path_element *path;
} shap_state;

static void extend(path_element *p, int depth, double zero, double one, int32_t feature) {
    p[depth].feature = feature;
    p[depth].zeroFraction = zero;
    p[depth].oneFraction = one;
    p[depth].weight = depth == 0 ? 1 : 0;
    for (int i = depth - 1; i >= 0; i--) {
        p[i + 1].weight += one * p[i].weight * (double)(i + 1) / (double)(depth + 1);
        p[i].weight = zero * p[i].weight * (double)(depth - i) / (double)(depth + 1);
    }
}

static void unwind(path_element *p, int depth, int pathIndex) {
    double one = p[pathIndex].oneFraction, zero = p[pathIndex].zeroFraction;
    double next = p[depth].weight;
    for (int i = depth - 1; i >= 0; i--) {
        if (one != 0) {
            double tmp = p[i].weight;
            p[i].weight = next * (double)(depth + 1) / ((double)(i + 1) * one);
            next = tmp - p[i].weight * zero * (double)(depth - i) / (double)(depth + 1);
        } else {
            p[i].weight = p[i].weight * (double)(depth + 1) / (zero * (double)(depth - i));
        }
    }
    for (int j = pathIndex; j < depth; j++) {
        p[j].feature = p[j + 1].feature;
        p[j].zeroFraction = p[j + 1].zeroFraction;
        p[j].oneFraction = p[j + 1].oneFraction;
    }
}

static double unwound_sum(const path_element *p, int depth, int pathIndex) {
    double one = p[pathIndex].oneFraction, zero = p[pathIndex].zeroFraction;
    double next = p[depth].weight, total = 0;
    for (int i = depth - 1; i >= 0; i--) {
        if (one != 0) {
            double tmp = next * (double)(depth + 1) / ((double)(i + 1) * one);
            total += tmp;
            next = p[i].weight - tmp * zero * ((double)(depth - i) / (double)(depth + 1));
        } else if (zero != 0) {
            total += (p[i].weight / zero) / ((double)(depth - i) / (double)(depth + 1));
        }
    }
    return total;
}

static void shap(const shap_state *s, int64_t node, int uniqueDepth, int parentOffset, double parentZero, double parentOne,
                 int32_t parentFeature) {
    const vm_tree_nodes *t = s->t;
    int depth = uniqueDepth;
    int offset = parentOffset + depth + 1;
    path_element *path = s->path + offset;
    for (int i = 0; i <= depth; i++) path[i] = s->path[parentOffset + i];
    extend(path, depth, parentZero, parentOne, parentFeature);
    if (t->left[node] < 0) {
        double value = (double)t->threshold[node];
        for (int i = 1; i <= depth; i++) {
            double w = unwound_sum(path, depth, i);
            s->phi[path[i].feature] += w * (path[i].oneFraction - path[i].zeroFraction) * value;
        }
        return;
    }
    int32_t split = t->feature[node];
    float x = s->row[split];
    int goesLeft = isnan(x) ? t->defaultLeft[node] : x < t->threshold[node];
    int64_t hot = goesLeft ? t->left[node] : t->right[node], cold = goesLeft ? t->right[node] : t->left[node];
    double w = t->cover[node];
    double hotZero = t->cover[hot] / w, coldZero = t->cover[cold] / w;
    double incomingZero = 1, incomingOne = 1;
    int pathIndex = 0;
    while (pathIndex <= depth && path[pathIndex].feature != split) pathIndex++;
    if (pathIndex != depth + 1) {
        incomingZero = path[pathIndex].zeroFraction;
        incomingOne = path[pathIndex].oneFraction;
        unwind(path, depth, pathIndex);
        depth -= 1;
    }
    shap(s, hot, depth + 1, offset, hotZero * incomingZero, incomingOne, split);
    shap(s, cold, depth + 1, offset, coldZero * incomingZero, 0, split);
}

int vm_tree_shap(const vm_tree_nodes *trees, const float *row, double *phi) {
    size_t d = (size_t)trees->maxDepth + 3;
    size_t count = d * (d + 1) / 2 + 2;
    path_element *path = malloc(count * sizeof(path_element));
    if (!path) return -1;
    for (size_t i = 0; i < count; i++) path[i] = (path_element){-1, 0, 0, 0};
    shap_state s = {trees, row, phi, path};
    for (int32_t tree = 0; tree < trees->trees; tree++) shap(&s, trees->roots[tree], 0, 0, 1, 1, -1);
    free(path);
    return 0;
}

/* TreeSHAP by leaf patterns. Tree by tree, row by row: the row's way at every split of the tree (one
   bit per split, branch-free, as in `vm_trees_predict`), then for each leaf the bits of the conditions on
   its path that the row agrees with select the leaf's precomputed contributions. */
void vm_leaf_shap_rows(const vm_leaf_shap *s, const float *matrix, size_t rows, size_t columns, double *phi) {
    const vm_complete_trees *trees = s->trees;
    const int32_t depth = trees->depth;
    const size_t splits = ((size_t)1 << depth) - 1;
    for (int32_t tree = 0; tree < trees->trees; tree++) {
        const uint16_t *f = trees->feature + (size_t)tree * splits;
        const float *t = trees->threshold + (size_t)tree * splits;
        const uint8_t *mr = trees->missingRight + (size_t)tree * splits;
        const int32_t firstLeaf = s->treeLeaf[tree], lastLeaf = s->treeLeaf[tree + 1];
        for (size_t r = 0; r < rows; r++) {
            const float *row = matrix + r * columns;
            uint64_t left = 0;
            for (size_t p = 0; p < splits; p++) {
                const float x = row[f[p]];
                const uint64_t goesLeft = (uint64_t)(x < t[p]) | ((uint64_t)(x != x) & (uint64_t)(mr[p] ^ 1));
                left |= goesLeft << p;
            }
            double *out = phi + r * (columns + 1);
            for (int32_t l = firstLeaf; l < lastLeaf; l++) {
                const int32_t m = s->leafConditions[l], d = s->leafUnique[l];
                const uint16_t *position = s->conditionPosition + (int64_t)l * depth;
                uint32_t went = 0;
                for (int32_t i = 0; i < m; i++) went |= (uint32_t)((left >> position[i]) & 1) << i;
                const uint32_t agrees = ~(went ^ s->leafWantLeft[l]) & ((1u << m) - 1);
                const double *coef = s->coefficient + s->leafCoefficient[l] + (int64_t)agrees * d;
                const int32_t *features = s->slotFeature + (int64_t)l * depth;
                for (int32_t k = 0; k < d; k++) out[features[k]] += coef[k];
            }
        }
    }
}
