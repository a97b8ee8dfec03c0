using DnnC.Runtime.Encoders;
using DnnC.Compiler.IR;
using DnnC.Runtime;
using DnnC.Runtime.Plan;

namespace DnnC.Compiler.Tests.CodeGen.CpuEmulation;

/// <summary>
/// Executes a whole KernelPlan through the emulated kernels.cu the way the CUDA runtime will: one
/// activation arena at the planner's offsets, one weight blob, launches in plan order. So the
/// buffer plan (reuse included), the argument order and every kernel are checked together.
/// </summary>
internal static unsafe class PlanEmulator
{
    /// <summary>Runs on the weights as the build encodes them (<see cref="WeightPacker"/>): the blob the GPU would get, byte for byte.</summary>
    public static Dictionary<string, HostTensor> Run(KernelPlan plan, CpuKernelLibrary library, WeightTable weights, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        // NaN-filled so that reading memory nobody wrote shows up in the outputs.
        var arena = Enumerable.Repeat(float.NaN, (int)(plan.ActivationArenaBytes / sizeof(float))).ToArray();
        var blob = new float[plan.WeightBytes / sizeof(float)];
        Buffer.BlockCopy(WeightPacker.Pack(plan, weights.Items).Bytes, 0, blob, 0, checked((int)plan.WeightBytes));
        foreach (int id in plan.Inputs)
            inputs[plan.Value(id).Name].Data.CopyTo(arena, plan.Value(id).ArenaOffset / sizeof(float));

        fixed (float* arenaBase = arena)
        fixed (float* blobBase = blob)
        {
            foreach (var kernel in plan.Kernels)
            {
                var pointers = new float*[kernel.Args.Count];
                for (int i = 0; i < pointers.Length; i++)
                {
                    var storage = plan.Storage(kernel.Args[i]);
                    pointers[i] = storage.Kind == ValueKind.Weight
                        ? blobBase + storage.WeightOffset / sizeof(float)
                        : arenaBase + storage.ArenaOffset / sizeof(float);
                }
                library.Run(kernel, pointers);
            }
        }

        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in plan.Outputs)
        {
            var value = plan.Value(output.Value);
            var storage = plan.Storage(output.Value);
            var data = new float[value.ElementCount];
            Array.Copy(arena, storage.ArenaOffset / sizeof(float), data, 0, data.Length);
            outputs[output.Name] = new HostTensor(value.Shape.ToArray(), data);
        }
        return outputs;
    }
}
