#ifndef VENDORMATCH_CTREEKERNEL_H
#define VENDORMATCH_CTREEKERNEL_H

#include <stddef.h>
#include <stdint.h>

/// Boosted trees laid out as complete binary trees of one depth (a shallower leaf is pushed down as
/// splits that always go left), so a row's walk through a tree is `depth` steps without branches.
/// Per tree: `(1 << depth) - 1` splits (feature, threshold, missing goes right) in breadth-first order,
/// then `1 << depth` leaf values.
typedef struct {
    const uint16_t *feature;      ///< trees × splits
    const float *threshold;       ///< trees × splits: `x < threshold` goes left
    const uint8_t *missingRight;  ///< trees × splits: where a NaN goes
    const float *leaf;            ///< trees × leaves
    int32_t trees;
    int32_t depth;
} vm_complete_trees;

/// Adds every tree's leaf value to `out[i]` for each row `i` of the row-major `matrix` (`rows` × `columns`),
/// tree after tree, so each row sums its trees in order (in double).
void vm_trees_predict(const vm_complete_trees *trees, const float *matrix, size_t rows, size_t columns, double *out);

#endif
