namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// C++ that lets g++ compile generated kernels.cu unchanged and run it on the CPU: one OS thread per
/// CUDA thread of a block, a std::barrier for __syncthreads, blocks run one after another (so
/// __shared__ can be a function-local static). It checks index math and synchronisation, not
/// GPU timing or memory-model corner cases.
/// Warp-level instructions (TensorCoreHelpers) run the warp's 32 lanes in lock-step: each lane deposits its
/// registers in the warp's slots, a per-warp barrier, then every lane computes its own result from all 32 lanes'
/// registers by the PTX ISA's fragment tables (PTX.md §1.2), and a second barrier frees the slots.
/// </summary>
internal static class CpuCudaShim
{
    public const string Prelude = """
        #include <cmath>
        #include <cstring>
        #include <barrier>
        #include <thread>
        #include <vector>
        #include <memory>
        #include <algorithm>
        struct dnnc_dim3 { unsigned x, y, z; };
        static thread_local dnnc_dim3 threadIdx, blockIdx;
        static dnnc_dim3 blockDim, gridDim;
        static std::barrier<>* dnnc_block_barrier;
        #define __global__
        #define __device__
        #define __forceinline__ inline
        #define __restrict__ __restrict
        #define __launch_bounds__(...)
        #define __shared__ static
        #define __align__(n) __attribute__((aligned(n)))
        static inline float __int_as_float(unsigned bits) { float f; std::memcpy(&f, &bits, 4); return f; }
        static inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
        static inline void __syncthreads() { dnnc_block_barrier->arrive_and_wait(); }

        /* ---- the warp-level instructions of TensorCoreHelpers, modelled from the PTX ISA tables (PTX.md) ---- */
        struct dnnc_warp_slots { unsigned a[32][4]; unsigned b[32][2]; const unsigned short* rows[32]; unsigned b4[32][4]; unsigned e[32]; };
        static thread_local std::barrier<>* dnnc_warp_barrier;
        static thread_local dnnc_warp_slots* dnnc_warp;
        static inline unsigned dnnc_lane_id() { return threadIdx.x & 31; }
        static inline float dnnc_half_bits(unsigned bits) { _Float16 h; unsigned short s = (unsigned short)bits; std::memcpy(&h, &s, 2); return (float)h; }
        /* cvt.rn.f16x2.f32 (PTX.md §0): round to nearest even, lo in bits [15:0], hi in [31:16]. */
        static inline unsigned dnnc_pack_half2(float lo, float hi)
        {
            _Float16 l = (_Float16)lo, h = (_Float16)hi;
            unsigned short lb, hb;
            std::memcpy(&lb, &l, 2); std::memcpy(&hb, &h, 2);
            return (unsigned)lb | ((unsigned)hb << 16);
        }
        /* mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32, PTX ISA §9.7.14.5.8 (PTX.md §1.2): g = lane >> 2, t = lane & 3;
           A element e of a lane (register e >> 1, half e & 1) is A[g + 8((e >> 1) & 1)][2t + (e & 1) + 8(e >> 2)];
           B element e is B[k = 2t + (e & 1) + 8(e >> 1)][n = g]; C/D element e is [g + 8(e >> 1)][2t + (e & 1)].
           Products of f16 values are exact in f32; they are summed in k order onto C in f32 (PTX leaves the order open). */
        static inline void dnnc_mma_m16n8k16(float* d, const unsigned* a, const unsigned* b, const float* c)
        {
            unsigned lane = dnnc_lane_id();
            for (int r = 0; r < 4; ++r) dnnc_warp->a[lane][r] = a[r];
            for (int r = 0; r < 2; ++r) dnnc_warp->b[lane][r] = b[r];
            dnnc_warp_barrier->arrive_and_wait();
            float A[16][16], B[16][8];
            for (int l = 0; l < 32; ++l) {
                int g = l >> 2, t = l & 3;
                for (int e = 0; e < 8; ++e) {
                    unsigned reg = dnnc_warp->a[l][e >> 1];
                    A[g + 8 * ((e >> 1) & 1)][2 * t + (e & 1) + 8 * (e >> 2)] = dnnc_half_bits((e & 1) ? reg >> 16 : reg & 0xFFFF);
                }
                for (int e = 0; e < 4; ++e) {
                    unsigned reg = dnnc_warp->b[l][e >> 1];
                    B[2 * t + (e & 1) + 8 * (e >> 1)][g] = dnnc_half_bits((e & 1) ? reg >> 16 : reg & 0xFFFF);
                }
            }
            int g = lane >> 2, t = lane & 3;
            float out[4];
            for (int e = 0; e < 4; ++e) {
                int row = g + 8 * (e >> 1), col = 2 * t + (e & 1);
                float acc = c[e];
                for (int k = 0; k < 16; ++k) acc += A[row][k] * B[k][col];
                out[e] = acc;
            }
            dnnc_warp_barrier->arrive_and_wait();   /* every lane has read the slots: they may be written again */
            for (int e = 0; e < 4; ++e) d[e] = out[e];
        }
        /* cvt.rna.tf32.f32 (PTX.md §2.3): finite values gain half of the dropped range, then the low 13 bits go. */
        static inline unsigned dnnc_to_tf32(float x)
        {
            unsigned bits = __float_as_uint(x);
            if (std::isfinite(x)) bits += 0x1000u;
            return bits & 0xFFFFE000u;
        }
        /* mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32, PTX ISA §9.7.14.5.7 (PTX.md §2.2): A register r is
           A[g + 8(r & 1)][t + 4(r >> 1)], B register r is B[k = t + 4r][n = g]; C/D as for m16n8k16. The multiplier reads
           each operand's top 19 bits (bits & 0xFFFFE000, PTX.md §2.3); products are summed in k order in f32. */
        static inline void dnnc_mma_m16n8k8_tf32(float* d, const unsigned* a, const unsigned* b, const float* c)
        {
            unsigned lane = dnnc_lane_id();
            for (int r = 0; r < 4; ++r) dnnc_warp->a[lane][r] = a[r];
            for (int r = 0; r < 2; ++r) dnnc_warp->b[lane][r] = b[r];
            dnnc_warp_barrier->arrive_and_wait();
            float A[16][8], B[8][8];
            for (int l = 0; l < 32; ++l) {
                int g = l >> 2, t = l & 3;
                for (int r = 0; r < 4; ++r) A[g + 8 * (r & 1)][t + 4 * (r >> 1)] = __int_as_float(dnnc_warp->a[l][r] & 0xFFFFE000u);
                for (int r = 0; r < 2; ++r) B[t + 4 * r][g] = __int_as_float(dnnc_warp->b[l][r] & 0xFFFFE000u);
            }
            int g = lane >> 2, t = lane & 3;
            float out[4];
            for (int e = 0; e < 4; ++e) {
                int row = g + 8 * (e >> 1), col = 2 * t + (e & 1);
                float acc = c[e];
                for (int k = 0; k < 8; ++k) acc += A[row][k] * B[k][col];
                out[e] = acc;
            }
            dnnc_warp_barrier->arrive_and_wait();
            for (int e = 0; e < 4; ++e) d[e] = out[e];
        }
        /* ldmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}.shared.b16, PTX ISA §9.7.14.5.15 (PTX.md §3.2-3.3): lane 8j + r
           gives the address of row r of matrix j; register j of lane l gets M_j[l >> 2][2(l & 3) + h] (h = half), or with
           .trans M_j[2(l & 3) + h][l >> 2]. */
        static inline void dnnc_ldmatrix(unsigned* out, const void* row, int matrices, bool trans)
        {
            unsigned lane = dnnc_lane_id();
            dnnc_warp->rows[lane] = (const unsigned short*)row;
            dnnc_warp_barrier->arrive_and_wait();
            int g = lane >> 2, t = lane & 3;
            unsigned got[4];
            for (int j = 0; j < matrices; ++j) {
                unsigned halves[2];
                for (int h = 0; h < 2; ++h)
                    halves[h] = trans ? dnnc_warp->rows[8 * j + 2 * t + h][g] : dnnc_warp->rows[8 * j + g][2 * t + h];
                got[j] = halves[0] | (halves[1] << 16);
            }
            dnnc_warp_barrier->arrive_and_wait();
            for (int j = 0; j < matrices; ++j) out[j] = got[j];
        }
        /* cp.async, PTX ISA §9.7.9.25 (PTX.md §4.3): each thread keeps its uncommitted copies and a FIFO of committed groups;
           nothing is written at issue time, so a read before the covering wait sees the old bytes, as a missing wait would
           on the GPU. wait_group N writes every group but the newest N; the zero fill covers [src_bytes, 16). Misaligned
           addresses and src_bytes > 16 are counted as errors (dnnc_twin_errors) and not copied. */
        #include <deque>
        #include <atomic>
        #include <cstdint>
        struct dnnc_async_copy { unsigned char* dst; const unsigned char* src; unsigned src_bytes; };
        static thread_local std::vector<dnnc_async_copy> dnnc_async_pending;
        static thread_local std::deque<std::vector<dnnc_async_copy>> dnnc_async_groups;
        static std::atomic<int> dnnc_twin_error_count{0};
        extern "C" int dnnc_twin_errors() { return dnnc_twin_error_count.load(); }
        static inline void dnnc_cp_async_16(void* shared, const void* global, unsigned src_bytes)
        {
            if (((std::uintptr_t)shared | (std::uintptr_t)global) % 16 != 0 || src_bytes > 16) { ++dnnc_twin_error_count; return; }
            dnnc_async_pending.push_back({ (unsigned char*)shared, (const unsigned char*)global, src_bytes });
        }
        static inline void dnnc_cp_async_commit()
        {
            dnnc_async_groups.push_back(std::move(dnnc_async_pending));
            dnnc_async_pending.clear();
        }
        template <int N> static inline void dnnc_cp_async_wait()
        {
            while ((int)dnnc_async_groups.size() > N) {
                for (auto& copy : dnnc_async_groups.front()) {
                    std::memcpy(copy.dst, copy.src, copy.src_bytes);
                    std::memset(copy.dst + copy.src_bytes, 0, 16 - copy.src_bytes);
                }
                dnnc_async_groups.pop_front();
            }
        }
        static inline void dnnc_ldmatrix_x4(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 4, false); }
        static inline void dnnc_ldmatrix_x2(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 2, false); }
        static inline void dnnc_ldmatrix_x2_trans(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 2, true); }
        static inline void dnnc_ldmatrix_x1(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 1, false); }
        static inline void dnnc_ldmatrix_x1_trans(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 1, true); }
        static inline void dnnc_ldmatrix_x4_trans(unsigned* r, const void* row) { dnnc_ldmatrix(r, row, 4, true); }
        /* mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32, PTX ISA §9.7.14.6 (PTX.md §5.3-5.6): the dense 16x32 A is
           rebuilt from every lane's kept halves and the metadata of lanes 4g + 2F + p: for row r and 4-chunk c the nibble
           (e of lane 4(r & 7) + 2F + (c >> 2)) >> (16(r >> 3) + 4(c & 3)) gives the kept indices i0 (bits 1:0) and i1 (3:2),
           whose values are the low and high half of register (r >> 3) + 2(c >> 2) of lane 4(r & 7) + (c & 3). A nibble with
           i0 == i1 is undefined behaviour on the GPU and an error here. B element i of a lane is B[2t + (i & 1) + 8(i >> 1)][g];
           C/D as for m16n8k16; products summed in k order in f32. */
        template <int F> static inline void dnnc_mma_sp_m16n8k32(float* d, const unsigned* a, const unsigned* b, const float* c, unsigned e)
        {
            static_assert(F == 0 || F == 1, "the m16n8k32 sparsity selector is 0 or 1");
            unsigned lane = dnnc_lane_id();
            for (int r = 0; r < 4; ++r) { dnnc_warp->a[lane][r] = a[r]; dnnc_warp->b4[lane][r] = b[r]; }
            dnnc_warp->e[lane] = e;
            dnnc_warp_barrier->arrive_and_wait();
            float A[16][32] = {}, B[32][8];
            for (int r = 0; r < 16; ++r)
                for (int ch = 0; ch < 8; ++ch) {
                    unsigned nibble = (dnnc_warp->e[4 * (r & 7) + 2 * F + (ch >> 2)] >> (16 * (r >> 3) + 4 * (ch & 3))) & 0xF;
                    int i0 = nibble & 3, i1 = nibble >> 2;
                    if (i0 == i1) { if (lane == 0) ++dnnc_twin_error_count; continue; }
                    unsigned reg = dnnc_warp->a[4 * (r & 7) + (ch & 3)][(r >> 3) + 2 * (ch >> 2)];
                    A[r][4 * ch + i0] = dnnc_half_bits(reg & 0xFFFF);
                    A[r][4 * ch + i1] = dnnc_half_bits(reg >> 16);
                }
            for (int l = 0; l < 32; ++l)
                for (int i = 0; i < 8; ++i) {
                    unsigned reg = dnnc_warp->b4[l][i >> 1];
                    B[2 * (l & 3) + (i & 1) + 8 * (i >> 1)][l >> 2] = dnnc_half_bits((i & 1) ? reg >> 16 : reg & 0xFFFF);
                }
            int g = lane >> 2, t = lane & 3;
            float out[4];
            for (int q = 0; q < 4; ++q) {
                int row = g + 8 * (q >> 1), col = 2 * t + (q & 1);
                float acc = c[q];
                for (int k = 0; k < 32; ++k) acc += A[row][k] * B[k][col];
                out[q] = acc;
            }
            dnnc_warp_barrier->arrive_and_wait();
            for (int q = 0; q < 4; ++q) d[q] = out[q];
        }

        """;

    public const string Launcher = """

        typedef void (*dnnc_kernel1)(float*);
        typedef void (*dnnc_kernel2)(float*, const float*);
        typedef void (*dnnc_kernel3)(float*, const float*, const float*);
        typedef void (*dnnc_kernel4)(float*, const float*, const float*, const float*);
        typedef void (*dnnc_kernel5)(float*, const float*, const float*, const float*, const float*);
        typedef void (*dnnc_kernel6)(float*, const float*, const float*, const float*, const float*, const float*);

        static void dnnc_call(void* kernel, int count, float** a)
        {
            switch (count) {
            case 1: ((dnnc_kernel1)kernel)(a[0]); break;
            case 2: ((dnnc_kernel2)kernel)(a[0], a[1]); break;
            case 3: ((dnnc_kernel3)kernel)(a[0], a[1], a[2]); break;
            case 4: ((dnnc_kernel4)kernel)(a[0], a[1], a[2], a[3]); break;
            case 5: ((dnnc_kernel5)kernel)(a[0], a[1], a[2], a[3], a[4]); break;
            case 6: ((dnnc_kernel6)kernel)(a[0], a[1], a[2], a[3], a[4], a[5]); break;
            }
        }

        extern "C" void dnnc_emulate(void* kernel, int count, float** args, int gx, int gy, int gz, int threads)
        {
            gridDim = { (unsigned)gx, (unsigned)gy, (unsigned)gz };
            blockDim = { (unsigned)threads, 1, 1 };
            std::barrier<> barrier(threads);
            dnnc_block_barrier = &barrier;
            // One barrier and one set of register slots per warp, for the lock-step warp instructions.
            int warps = (threads + 31) / 32;
            std::vector<std::unique_ptr<std::barrier<>>> warp_barriers;
            std::vector<dnnc_warp_slots> warp_slots(warps);
            for (int w = 0; w < warps; ++w) warp_barriers.push_back(std::make_unique<std::barrier<>>(std::min(32, threads - 32 * w)));
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t) {
                pool.emplace_back([=, &barrier, &warp_barriers, &warp_slots] {
                    threadIdx = { (unsigned)t, 0, 0 };
                    dnnc_warp_barrier = warp_barriers[t / 32].get();
                    dnnc_warp = &warp_slots[t / 32];
                    for (int z = 0; z < gz; ++z)
                        for (int y = 0; y < gy; ++y)
                            for (int x = 0; x < gx; ++x) {
                                blockIdx = { (unsigned)x, (unsigned)y, (unsigned)z };
                                dnnc_call(kernel, count, args);
                                barrier.arrive_and_wait(); // nobody starts the next block's shared memory early
                            }
                });
            }
            for (auto& thread : pool) thread.join();
        }
        """;
}
