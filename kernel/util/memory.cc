// Counting allocator. glibc's malloc_usable_size gives the real block size, so the counter is
// exact for what malloc hands out; a relaxed atomic keeps it correct when libuv's threadpool or
// a module's thread allocates.
#include "kernel/util/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace lunar::memory {
namespace {
std::atomic<size_t> g_used{0};
size_t g_peak = 0;

[[noreturn]] void out_of_memory(size_t n) {
  std::fprintf(stderr, "lunar: out of memory allocating %zu bytes\n", n);
  std::abort();
}
}  // namespace

size_t used() { return g_used.load(std::memory_order_relaxed); }
size_t peak() {
  sample_peak();
  return g_peak;
}
void sample_peak() {
  size_t u = used();
  if (u > g_peak) g_peak = u;
}

void* alloc(size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  g_used.fetch_add(malloc_usable_size(p), std::memory_order_relaxed);
  return p;
}

void* realloc(void* p, size_t n) {
  if (!p) return alloc(n);
  size_t old = malloc_usable_size(p);
  void* q = std::realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  g_used.fetch_add(malloc_usable_size(q), std::memory_order_relaxed);
  g_used.fetch_sub(old, std::memory_order_relaxed);
  return q;
}

void free(void* p) {
  if (!p) return;
  g_used.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}

size_t usable_size(void* p) { return p ? malloc_usable_size(p) : 0; }

size_t rss_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, rss = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &rss);
  std::fclose(f);
  return n == 2 ? rss * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}
}  // namespace lunar::memory

// The kernel's C++ allocations go through the counter too.
void* operator new(size_t n) { return lunar::memory::alloc(n); }
void* operator new[](size_t n) { return lunar::memory::alloc(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return lunar::memory::alloc(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return lunar::memory::alloc(n); }
void operator delete(void* p) noexcept { lunar::memory::free(p); }
void operator delete[](void* p) noexcept { lunar::memory::free(p); }
void operator delete(void* p, size_t) noexcept { lunar::memory::free(p); }
void operator delete[](void* p, size_t) noexcept { lunar::memory::free(p); }
