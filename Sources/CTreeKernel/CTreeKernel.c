#include "CTreeKernel.h"

/// Rows walked through one tree together: their walks are independent, so the CPU overlaps their loads.
#define BLOCK 8

static inline uint32_t step(const uint16_t *f, const float *t, const uint8_t *mr, uint32_t node, const float *row) {
    float x = row[f[node]];
    /* !(x < t) is also true for NaN; a NaN then goes where the split sends missing values. */
    uint32_t right = (uint32_t)!(x < t[node]) & ((uint32_t)(x == x) | (uint32_t)mr[node]);
    return 2 * node + 1 + right;
}

void vm_trees_predict(const vm_complete_trees *trees, const float *matrix, size_t rows, size_t columns, double *out) {
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
