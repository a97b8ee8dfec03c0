using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>One executor per kernel template.</summary>
internal static class KernelDispatch
{
    public static void Run(KernelContext context)
    {
        switch (context.Kernel.Spec)
        {
            case ConvSpec s: ConvKernel.Run(s, context); break;
            case GemmSpec s: GemmKernel.Run(s, context); break;
            case PoolSpec s: PoolKernels.Run(s, context); break;
            case GlobalPoolSpec s: PoolKernels.Run(s, context); break;
            case PointwiseSpec s: PointwiseKernel.Run(s, context); break;
            case SoftmaxSpec s: SoftmaxKernel.Run(s, context); break;
            case TransposeSpec s: LayoutKernels.Run(s, context); break;
            case ConcatSpec s: LayoutKernels.Run(s, context); break;
            case ShiftSpec s: LayoutKernels.Run(s, context); break;
            case SliceSpec s: IndexingKernels.Run(s, context); break;
            case GatherSpec s: IndexingKernels.Run(s, context); break;
            case PadSpec s: IndexingKernels.Run(s, context); break;
            case TileSpec s: IndexingKernels.Run(s, context); break;
            case ResizeSpec s: ResizeKernel.Run(s, context); break;
            case ConvTransposeSpec s: WindowKernels.Run(s, context); break;
            case DilatedPoolSpec s: WindowKernels.Run(s, context); break;
            case ReduceSpec s: ReduceKernel.Run(s, context); break;
            case LayerNormSpec s: NormalizationKernels.Run(s, context); break;
            case InstanceNormSpec s: NormalizationKernels.Run(s, context); break;
            case LogSoftmaxSpec s: NormalizationKernels.Run(s, context); break;
            case LrnSpec s: NormalizationKernels.Run(s, context); break;
            default: throw new NotSupportedException($"the simulator has no executor for kernel template '{context.Kernel.Spec.Template}'");
        }
    }
}
