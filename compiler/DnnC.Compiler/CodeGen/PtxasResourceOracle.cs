using System.Collections.Concurrent;
using DnnC.Compiler.Lowering;
using DnnC.Runtime;
using DnnC.Runtime.Cuda;
using DnnC.Runtime.Plan;
using DnnC.Runtime.Targets;

namespace DnnC.Compiler.CodeGen;

/// <summary>
/// Tells the tile step what a candidate conv or GEMM kernel really occupies: the template's code for that spec alone,
/// compiled by NVRTC for the target's architecture through the compile cache, and ptxas's registers and shared memory
/// for it (plus the launch's dynamic shared memory). A question asked before is answered from memory, or from the
/// cache on disk in a later build. Without NVRTC, or for a kernel that does not compile, the answer is null and the
/// tile step counts one block per SM.
/// </summary>
public sealed class PtxasResourceOracle : IKernelResourceOracle
{
    private readonly ConcurrentDictionary<(KernelSpec Spec, string Arch), KernelResources?> _answers = new();
    private readonly CompileCache _cache;

    public PtxasResourceOracle(CompileCache? cache = null) => _cache = cache ?? new CompileCache();

    private int _compiles;

    /// <summary>Compiles this oracle asked for (each a compile-cache lookup, NVRTC on a miss): for tests and reports.</summary>
    public int Compiles => _compiles;

    public KernelResources? Resources(KernelSpec spec, GpuTarget target) =>
        _answers.GetOrAdd((spec, target.Arch), key => Ask(key.Spec, key.Arch));

    private KernelResources? Ask(KernelSpec spec, string arch)
    {
        var (fixedInputs, operands) = spec switch
        {
            ConvSpec { Algorithm: ConvAlgorithm.ImplicitGemm } c => (c.HasBias ? 3 : 2, c.Operands),
            GemmSpec g => (g.HasBias ? 3 : 2, g.Operands),
            _ => (-1, EquatableArray<PlanOperand>.Empty),
        };
        if (fixedInputs < 0 || !Nvrtc.IsAvailable(out _)) return null;
        var launch = KernelTemplates.Launch(spec);
        int args = KernelArgs.Required(fixedInputs, operands);
        var kernel = new PlanKernel("probe", spec, Enumerable.Range(0, args).ToEquatableArray(), [], launch);
        try
        {
            Interlocked.Increment(ref _compiles);
            var result = _cache.Compile(CudaEmitter.EmitStandalone(kernel), arch, "probe.cu");
            var info = result.Kernels.Single(k => k.Kernel == "probe");
            return new KernelResources(launch.ThreadsPerBlock, info.Registers, info.SharedBytes + launch.SharedBytes);
        }
        catch (Exception e) when (e is NvrtcException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
