using DnnC.Compiler.Diagnostics;
using DnnC.Runtime.Cuda;

namespace DnnC.Runtime.Tests.Cuda;

public sealed class NvrtcTests
{
    private const string TwoKernels = """
        extern "C" __global__ void first(float* out) { out[threadIdx.x] = expf(1.0f); }

        extern "C" __global__ void __launch_bounds__(128, 4) second(float* out, const float* in0)
        {
            out[threadIdx.x] = tanhf(in0[threadIdx.x]) + erff(in0[threadIdx.x]);
        }
        """;

    [Fact]
    public void ResolverProbesEveryKnownNvrtcVersion()
    {
        var candidates = CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Nvrtc);
        Assert.Equal(["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"], candidates.Take(4));
        Assert.Contains("libcuda.so.1", CudaLibraryResolver.CandidatesFor(CudaLibraryResolver.Driver));
    }

    [NvrtcFact]
    public void ResolverFindsNvrtcAndReportsItsVersion()
    {
        Assert.True(Nvrtc.IsAvailable(out string reason), reason);
        Assert.NotEqual(0, CudaLibraryResolver.Load(CudaLibraryResolver.Nvrtc));
        var (major, minor) = Nvrtc.Version();
        Assert.InRange(major, 11, 99);
        Assert.InRange(minor, 0, 99);
    }

    [NvrtcFact]
    public void CompileProducesCubinPtxAndPtxasInfoForEachKernel()
    {
        var result = Nvrtc.Compile(TwoKernels, "sm_80", "two.cu");
        Assert.NotEmpty(result.Cubin);
        Assert.Equal(0x7F, result.Cubin[0]); // an ELF image
        Assert.Equal((byte)'E', result.Cubin[1]);
        Assert.Equal(["first", "second"], result.Kernels.Select(k => k.Kernel).Order());
        Assert.All(result.Kernels, k => Assert.Equal("sm_80", k.Arch));
        Assert.All(result.Kernels, k => Assert.True(k.Registers > 0));
        if (result.Ptx.Length > 0) Assert.Contains(".entry second", result.Ptx);
    }

    [NvrtcFact]
    public void BrokenKernelThrowsWithTheLogAndTheKernelName()
    {
        string source = TwoKernels + """

            extern "C" __global__ void third(float* out) { out[0] = 1.0f; }

            extern "C" __global__ void broken(float* out)
            {
                out[0] = undefined_identifier;
            }
            """;
        var error = Assert.Throws<NvrtcCompileException>(() => Nvrtc.Compile(source, "sm_90", "broken.cu"));
        Assert.Equal(["broken"], error.Kernels);
        Assert.Contains("undefined_identifier", error.Log);
        Assert.Contains(error.Log, error.Message);
        Assert.Contains("broken", error.Message);
        Assert.DoesNotContain("third", error.Message);
    }

    [NvrtcFact]
    public void ErrorsInTwoKernelsNameBoth()
    {
        string source = """
            extern "C" __global__ void alpha(float* out) { out[0] = nope_a; }
            extern "C" __global__ void beta(float* out) { out[0] = 1.0f; }
            extern "C" __global__ void gamma(float* out) { out[0] = nope_g; }
            """;
        var error = Assert.Throws<NvrtcCompileException>(() => Nvrtc.Compile(source, "sm_80", "two_broken.cu"));
        Assert.Equal(["alpha", "gamma"], error.Kernels);
    }

    [NvrtcFact]
    public void AnOptionNvrtcRejectsCarriesTheCallTheStatusNameAndTheLog()
    {
        // sm_1 passes no check of ours (Options would refuse it); NVRTC itself must say what is wrong.
        var error = Assert.Throws<NvrtcException>(() =>
            Nvrtc.Compile(TwoKernels, ["--gpu-architecture=sm_1", "-std=c++17"], "bogus_arch.cu"));
        Assert.IsNotType<NvrtcCompileException>(error);
        Assert.Equal("nvrtcCompileProgram", error.Call);
        Assert.Equal("NVRTC_ERROR_INVALID_OPTION (5)", error.Status);
        Assert.Contains("--gpu-architecture", error.Log);
        Assert.Contains(error.Status, error.Message);
        Assert.Contains(error.Log.TrimEnd(), error.Message);

        // And the diagnostic the build turns it into (exit 1, not an internal error).
        var diagnostic = Diag.NvrtcCallFailed(error, "sm_1");
        Assert.Equal("DNN5004", diagnostic.Code);
        Assert.True(diagnostic.IsError);
        Assert.Contains("nvrtcCompileProgram", diagnostic.Message);
        Assert.Contains("NVRTC_ERROR_INVALID_OPTION", diagnostic.Message);
        Assert.Contains("invalid value for --gpu-architecture", diagnostic.Message);
        Assert.Contains("dnnc info", diagnostic.Help);
    }

    [NvrtcFact]
    public void AnUnknownOptionIsNamedInTheLog()
    {
        var error = Assert.Throws<NvrtcException>(() => Nvrtc.Compile(TwoKernels, ["--gpu-architecture=sm_80", "--no-such-option"], "bogus_option.cu"));
        Assert.Contains("--no-such-option", error.Log);
    }

    [NvrtcFact]
    public void TheProbeCompileSucceeds()
    {
        var probe = Nvrtc.CompileProbe();
        Assert.Equal(["dnnc_probe"], probe.Kernels.Select(k => k.Kernel));
    }

    [Fact]
    public void ANvrtcFailureWithoutALogSaysSo()
    {
        var diagnostic = Diag.NvrtcCallFailed(new NvrtcException("nvrtcCreateProgram", "NVRTC_ERROR_OUT_OF_MEMORY (1)", ""), "sm_90");
        Assert.Contains("nvrtcCreateProgram failed for sm_90 with NVRTC_ERROR_OUT_OF_MEMORY (1) (NVRTC wrote no log)", diagnostic.Message);
    }

    [Fact]
    public void VirtualOrMalformedArchitecturesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Nvrtc.Options("compute_80"));
        Assert.Throws<ArgumentException>(() => Nvrtc.Options("sm_80 --use_fast_math"));
        Assert.Throws<ArgumentException>(() => Nvrtc.Options("sm_80\n"));
        Assert.Equal(["--gpu-architecture=sm_90", "-std=c++17", "--ptxas-options=-v"], Nvrtc.Options("sm_90"));
    }
}
