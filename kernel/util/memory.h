// Memory accounting: every allocation of the kernel (operator new) and of modules (lunar_alloc)
// is counted, so INFO used_memory and maxmemory see all of it.
#pragma once
#include <cstddef>

namespace lunar::memory {
size_t used();          // bytes currently allocated, as malloc_usable_size counts them
size_t peak();          // highest `used()` seen since start (updated on sampling)
void sample_peak();     // called from the cron
void* alloc(size_t n);  // aborts on exhaustion
void* realloc(void* p, size_t n);
void free(void* p);
size_t usable_size(void* p);
size_t rss_bytes();     // resident set size from /proc/self/statm
}  // namespace lunar::memory
