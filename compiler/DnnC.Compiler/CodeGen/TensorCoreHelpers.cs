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
        __device__ __forceinline__ unsigned dnnc_lane_id()
        {
            unsigned lane;
            asm("mov.u32 %0, %%laneid;" : "=r"(lane));
            return lane;
        }
        #endif

        """;
}
