// The emulated device: a process that holds "device" memory (malloc'd, so AddressSanitizer sees every
// out-of-bounds access of a kernel) and runs GradLab's kernels on request. It speaks a small binary
// protocol on stdin/stdout (little-endian), driven by the tests' EmulatedDevice:
//   1 ALLOC  u64 bytes                 -> 0, u64 address          (zero-filled)
//   2 FREE   u64 address               -> 0
//   3 WRITE  u64 address, u64 n, bytes -> 0
//   4 READ   u64 address, u64 n        -> 0, bytes
//   5 COPY   u64 dst, u64 src, u64 n   -> 0
//   6 LAUNCH u32 len, name, u32 gridX, u32 gridY, u32 threads, u32 shared, u32 nargs, (u8 kind, u64 raw)*
//                                      -> 0, or 1, u32 len, message
//   7 QUIT
#include "cuda_emu.h"
#include <cstdio>
#include <cstdlib>
#include <string>

thread_local emu_dim3 threadIdx;
emu_dim3 blockIdx, blockDim, gridDim;

namespace {
std::vector<char> sharedBuf;

struct Team {
    unsigned n;
    std::barrier<> start, done, sync;
    const std::function<void()>* job = nullptr;
    bool quit = false;
    std::vector<std::thread> threads;

    explicit Team(unsigned n) : n(n), start(n + 1), done(n + 1), sync(n) {
        for (unsigned t = 0; t < n; t++) {
            threads.emplace_back([this, t] {
                threadIdx.x = t;
                for (;;) {
                    start.arrive_and_wait();
                    if (quit) return;
                    (*job)();
                    done.arrive_and_wait();
                }
            });
        }
    }
    ~Team() {
        quit = true;
        start.arrive_and_wait();
        for (auto& th : threads) th.join();
    }
};
std::unique_ptr<Team> team;
}  // namespace

void emu_syncthreads() { team->sync.arrive_and_wait(); }
char* emu_shared() { return sharedBuf.data(); }

void emu_run(unsigned gridX, unsigned gridY, unsigned threads, size_t sharedBytes, const std::function<void()>& fn) {
    if (!team || team->n != threads) {
        team.reset();
        team = std::make_unique<Team>(threads);
    }
    blockDim = {threads, 1, 1};
    gridDim = {gridX, gridY, 1};
    team->job = &fn;
    // Blocks run last to first: a GPU promises no order between blocks, so a kernel that relied on
    // ascending order would show it here.
    for (unsigned y = gridY; y-- > 0;) {
        for (unsigned x = gridX; x-- > 0;) {
            blockIdx = {x, y, 0};
            // dynamic shared memory starts as NaN bytes in every block: a read before a write shows up
            sharedBuf.assign(sharedBytes + 16, (char)0xFF);
            team->start.arrive_and_wait();
            team->done.arrive_and_wait();
        }
    }
}

// ---- the kernels (sources rewritten by the harness) and the generated name → call table
#include "kernels_all.inc"

union Arg {
    uint64_t u;
    int32_t i;
    float f;
};

// 0: ran; 1: no such kernel; 2: arguments of the wrong number or kinds (kinds: one char per argument,
// 'p' pointer, 'i' int, 'f' float, as the caller sent them)
static int dispatch(const std::string& name, unsigned gx, unsigned gy, unsigned threads, unsigned shared, const Arg* A,
                    const std::string& kinds);

namespace {
void readAll(void* p, size_t n) {
    if (n && fread(p, 1, n, stdin) != n) std::exit(0);
}
template <class T> T rd() {
    T v;
    readAll(&v, sizeof v);
    return v;
}
void ok() {
    uint8_t s = 0;
    fwrite(&s, 1, 1, stdout);
}
void fail(const std::string& m) {
    uint8_t s = 1;
    uint32_t n = (uint32_t)m.size();
    fwrite(&s, 1, 1, stdout);
    fwrite(&n, 4, 1, stdout);
    fwrite(m.data(), 1, n, stdout);
}
}  // namespace

int main() {
    for (;;) {
        uint8_t op = rd<uint8_t>();
        switch (op) {
            case 1: {
                uint64_t bytes = rd<uint64_t>();
                void* p = std::calloc(1, bytes ? bytes : 1);
                ok();
                uint64_t a = (uint64_t)(uintptr_t)p;
                fwrite(&a, 8, 1, stdout);
                break;
            }
            case 2: {
                std::free((void*)(uintptr_t)rd<uint64_t>());
                ok();
                break;
            }
            case 3: {
                uint64_t a = rd<uint64_t>(), n = rd<uint64_t>();
                readAll((void*)(uintptr_t)a, n);
                ok();
                break;
            }
            case 4: {
                uint64_t a = rd<uint64_t>(), n = rd<uint64_t>();
                ok();
                fwrite((void*)(uintptr_t)a, 1, n, stdout);
                break;
            }
            case 5: {
                uint64_t d = rd<uint64_t>(), s = rd<uint64_t>(), n = rd<uint64_t>();
                std::memmove((void*)(uintptr_t)d, (void*)(uintptr_t)s, n);
                ok();
                break;
            }
            case 6: {
                uint32_t len = rd<uint32_t>();
                std::string name(len, '\0');
                readAll(name.data(), len);
                uint32_t gx = rd<uint32_t>(), gy = rd<uint32_t>(), threads = rd<uint32_t>(), shared = rd<uint32_t>();
                uint32_t nargs = rd<uint32_t>();
                std::vector<Arg> args(nargs);
                std::string kinds;
                for (uint32_t i = 0; i < nargs; i++) {
                    kinds += "pif"[rd<uint8_t>() % 3];
                    args[i].u = rd<uint64_t>();
                }
                int r = dispatch(name, gx, gy, threads, shared, args.data(), kinds);
                if (r == 0) ok();
                else if (r == 1) fail("no kernel named " + name);
                else fail("kernel " + name + " called with arguments of the wrong number or kinds: " + kinds);
                break;
            }
            case 7:
                return 0;
            default:
                fail("bad op " + std::to_string(op));
        }
        fflush(stdout);
    }
}

#include "dispatch.inc"
