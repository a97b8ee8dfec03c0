namespace DnnC.Compiler.CodeGen;

/// <summary>
/// The warp-level tensor-core instructions the FP16 templates call, as device functions: on the GPU (NVRTC defines
/// __CUDA_ARCH__) each is one inline-PTX instruction; the g++ CPU twin of kernels.cu defines the same functions as
/// lock-step models of the PTX ISA's fragment tables (tests/…/CpuEmulation/CpuCudaShim.cs), so the same generated text
/// runs on both. Facts and sources: ../shared/PTX.md (§0 packing, §1 mma.sync m16n8k16, §6 lane id).
/// </summary>
public static class TensorCoreHelpers
{
    public const string Source = """
        /* Tensor-core helpers (PTX.md). On the GPU: inline PTX. In the g++ CPU twin: its models of the same instructions. */
        #if defined(__CUDA_ARCH__)
        /* Two floats as one f16x2 register, lo in bits [15:0]: cvt.rn.f16x2.f32 puts its FIRST source in the UPPER half (PTX.md §0). */
        __device__ __forceinline__ unsigned dnnc_pack_half2(float lo, float hi)
        {
            unsigned d;
            asm("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(d) : "f"(hi), "f"(lo));
            return d;
        }
        /* D = A·B + C on one warp's fragments: A 16x16 f16 (4 regs), B 16x8 f16 (2 regs), C and D 16x8 f32 (4 regs each),
           laid out per lane as PTX.md §1.2 gives. Every lane of the warp must call it together (.aligned). */
        __device__ __forceinline__ void dnnc_mma_m16n8k16(float* d, const unsigned* a, const unsigned* b, const float* c)
        {
            asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
        }
        /* fp32 -> tf32 bits, round to nearest with ties away from zero: the one tf32 rounding NVRTC 11.8 has for sm_80 (PTX.md §2.3). */
        __device__ __forceinline__ unsigned dnnc_to_tf32(float x)
        {
            unsigned d;
            asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(d) : "f"(x));
            return d;
        }
        /* D = A·B + C with A 16x8 and B 8x8 in tf32 (4 and 2 regs), C and D 16x8 f32: PTX.md §2.2. */
        __device__ __forceinline__ void dnnc_mma_m16n8k8_tf32(float* d, const unsigned* a, const unsigned* b, const float* c)
        {
            asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
        }
        /* D = A·B + C with A 16x32 2:4-sparse (PTX.md §5): a holds the kept halves, 2 of every 4 along K, in the dense
           m16n8k16 A layout over the compressed 16x16 (§5.3); b the 32x8 B (§5.4); e the metadata, read from lanes
           4g + 2F + p only (§5.6): bits [15:0] row g, [31:16] row g + 8, dense K 16p..16p+15, a nibble per 4-chunk
           (bits [1:0] the first kept index, [3:2] the second, §5.5). F, the sparsity selector, is 0 or 1. The plain mma.sp
           spelling: NVRTC 11.8 knows no ::ordered_metadata (§5.1); DnnC writes ascending indices, which both accept. */
        template <int F> __device__ __forceinline__ void dnnc_mma_sp_m16n8k32(float* d, const unsigned* a, const unsigned* b, const float* c, unsigned e)
        {
            asm volatile("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9,%10,%11}, {%12,%13,%14,%15}, %16, %17;"
                : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]),
                  "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]), "r"(e), "n"(F));
        }
        __device__ __forceinline__ unsigned dnnc_shared_address(const void* p)
        {
            unsigned address;
            asm("{ .reg .u64 a; cvta.to.shared.u64 a, %1; cvt.u32.u64 %0, a; }" : "=r"(address) : "l"(p));
            return address;
        }
        /* ldmatrix (PTX.md §3): lanes 8j..8j+7 give the 16-byte rows of matrix j; register j of lane l receives row l >> 2,
           halves 2(l & 3) and 2(l & 3) + 1 of matrix j (.trans: rows 2(l & 3) and 2(l & 3) + 1, column l >> 2). */
        __device__ __forceinline__ void dnnc_ldmatrix_x4(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
                : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(dnnc_shared_address(row)));
        }
        __device__ __forceinline__ void dnnc_ldmatrix_x2(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];" : "=r"(r[0]), "=r"(r[1]) : "r"(dnnc_shared_address(row)));
        }
        __device__ __forceinline__ void dnnc_ldmatrix_x2_trans(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];" : "=r"(r[0]), "=r"(r[1]) : "r"(dnnc_shared_address(row)));
        }
        __device__ __forceinline__ void dnnc_ldmatrix_x1(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];" : "=r"(r[0]) : "r"(dnnc_shared_address(row)));
        }
        __device__ __forceinline__ void dnnc_ldmatrix_x1_trans(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [%1];" : "=r"(r[0]) : "r"(dnnc_shared_address(row)));
        }
        __device__ __forceinline__ void dnnc_ldmatrix_x4_trans(unsigned* r, const void* row)
        {
            asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];"
                : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(dnnc_shared_address(row)));
        }
        /* cp.async (PTX.md §4): copy 16 bytes global -> shared without blocking, the last 16 - src_bytes of them zero-filled;
           visible to this thread after the wait covering its group, to others after that wait and a __syncthreads(). */
        __device__ __forceinline__ void dnnc_cp_async_16(void* shared, const void* global, unsigned src_bytes)
        {
            asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"(dnnc_shared_address(shared)), "l"(global), "r"(src_bytes));
        }
        __device__ __forceinline__ void dnnc_cp_async_commit() { asm volatile("cp.async.commit_group;"); }
        /* Waits until at most N of this thread's committed groups are pending (groups complete in commit order). */
        template <int N> __device__ __forceinline__ void dnnc_cp_async_wait() { asm volatile("cp.async.wait_group %0;" :: "n"(N)); }
        __device__ __forceinline__ unsigned dnnc_lane_id()
        {
            unsigned lane;
            asm("mov.u32 %0, %%laneid;" : "=r"(lane));
            return lane;
        }
        #endif

        """;
}
