namespace DnnC.Compiler.CodeGen;

/// <summary>
/// <c>dnnc_h</c>, the element type of an FP16-stored kernel argument (KernelArgs.StorageType). It holds the 16 bits and
/// converts: a read gives the exact float (cvt.f32.f16), a write rounds to nearest even (cvt.rn.f16.f32), as the simulator's
/// FP16 storage rounds through System.Half. Every template indexes its arguments as arrays, so with this type the same
/// template text reads and writes FP16 storage with FP32 math in registers (REFERENCE.md §3): no per-template FP16 copy.
/// Copy kernels (transpose, concat, slice) assign dnnc_h to dnnc_h and so move the bits unchanged. No CUDA headers: on
/// the GPU the conversions are inline PTX; in the g++ CPU twin they are the same IEEE conversions in portable C++.
/// </summary>
public static class HalfStorageHelpers
{
    public const string Source = """
        /* FP16 storage: 16 bits that read as float and round on write (round to nearest even). */
        #if defined(__CUDA_ARCH__)
        __device__ __forceinline__ float dnnc_half_to_float(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
        __device__ __forceinline__ unsigned short dnnc_float_to_half(float f) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }
        #else
        static inline float dnnc_half_to_float(unsigned short h) { _Float16 v; std::memcpy(&v, &h, 2); return (float)v; }
        static inline unsigned short dnnc_float_to_half(float f) { _Float16 v = (_Float16)f; unsigned short h; std::memcpy(&h, &v, 2); return h; }
        #endif
        struct __align__(2) dnnc_h
        {
            unsigned short bits;
            __device__ __forceinline__ operator float() const { return dnnc_half_to_float(bits); }
            __device__ __forceinline__ dnnc_h& operator=(float value) { bits = dnnc_float_to_half(value); return *this; }
        };

        """;
}
