// A CPU emulation of the part of the CUDA execution model GradLab's kernels use, so the kernels can be run
// and checked (under AddressSanitizer) on machines without a GPU. Each block runs as a team of real
// threads (one per CUDA thread) meeting at a barrier for __syncthreads; blocks run one after another (last
// to first), so __shared__ variables can be plain statics (the test harness rewrites `__shared__` to
// `static`).
// Not emulated: warps, memory-model subtleties between concurrently running blocks, timing.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using std::isfinite;

struct emu_dim3 { unsigned x = 1, y = 1, z = 1; };
extern thread_local emu_dim3 threadIdx;
extern emu_dim3 blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline

void emu_syncthreads();
#define __syncthreads() emu_syncthreads()
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }

char* emu_shared();

inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }
inline double __longlong_as_double(long long v) { double d; std::memcpy(&d, &v, 8); return d; }
inline unsigned int atomicAdd(unsigned int* p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline unsigned int atomicExch(unsigned int* p, unsigned int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
// CUDA's integer min/max device functions
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

// Runs fn as every thread of every block of a gridX × gridY grid.
void emu_run(unsigned gridX, unsigned gridY, unsigned threads, size_t sharedBytes, const std::function<void()>& fn);
