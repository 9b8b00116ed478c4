// The two things Embedded Swift cannot say by itself on wasm32: where the heap starts
// (the linker's __heap_base) and how to grow linear memory (memory.grow). Used only by
// the SDK's allocator (Allocator.swift) in a wasm32 build; a native build never sees it.
#ifndef KUSARI_WASM_H
#define KUSARI_WASM_H
#include <stddef.h>
#if defined(__wasm__)
extern unsigned char __heap_base;
static inline size_t kusari_heap_base(void) { return (size_t)&__heap_base; }
static inline size_t kusari_memory_pages(void) { return __builtin_wasm_memory_size(0); }
/// The old size in pages, or (size_t)-1 when the memory cannot grow (its maximum is reached).
static inline size_t kusari_memory_grow(size_t pages) { return __builtin_wasm_memory_grow(0, pages); }
#endif
#endif
