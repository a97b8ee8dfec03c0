namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// C++ that lets g++ compile generated kernels.cu unchanged and run it on the CPU: one OS thread per
/// CUDA thread of a block, a std::barrier for __syncthreads, blocks run one after another (so
/// __shared__ can be a function-local static). It checks index math and synchronisation, not
/// GPU timing or memory-model corner cases.
/// </summary>
internal static class CpuCudaShim
{
    public const string Prelude = """
        #include <cmath>
        #include <cstring>
        #include <barrier>
        #include <thread>
        #include <vector>
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
        static inline float __int_as_float(unsigned bits) { float f; std::memcpy(&f, &bits, 4); return f; }
        static inline void __syncthreads() { dnnc_block_barrier->arrive_and_wait(); }

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
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t) {
                pool.emplace_back([=, &barrier] {
                    threadIdx = { (unsigned)t, 0, 0 };
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
