#ifndef VENDORMATCH_CPREFETCH_H
#define VENDORMATCH_CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` closer (a hint: never faults, may do nothing).
static inline void vm_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
