#include <math.h>
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
