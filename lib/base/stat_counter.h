/*
 * Counters and gauges that live in memory shared by all worker processes.
 * Each worker writes only its own slot and any worker may read every slot,
 * so single-writer relaxed atomics are all the synchronisation needed.
 */
#ifndef ZEUES_STAT_COUNTER_H
#define ZEUES_STAT_COUNTER_H

#include <stdint.h>

static inline void
stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
	    __ATOMIC_RELAXED);
}

static inline void
stat_set(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static inline uint64_t
stat_get(const uint64_t *c)
{
	return (__atomic_load_n(c, __ATOMIC_RELAXED));
}

#endif
