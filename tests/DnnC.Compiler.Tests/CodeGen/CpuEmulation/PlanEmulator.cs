using DnnC.Runtime.Encoders;
using DnnC.Runtime.Numerics;
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
        // 256-byte aligned like cuMemAlloc (cp.async checks 16), and 0xFF-filled, a NaN in both float32 and FP16, so
        // that reading memory nobody wrote shows up in the outputs.
        using var arena = new AlignedBuffer(plan.ActivationArenaBytes);
        arena.Span.Fill(0xFF);
        using var blob = new AlignedBuffer(plan.WeightBytes);
        WeightPacker.Pack(plan, weights.Items).Bytes.CopyTo(blob.Span);
        foreach (int id in plan.Inputs)
        {
            var value = plan.Value(id);
            StoredElements.FromFloats(value.Format, inputs[value.Name].Data, arena.Span.Slice(checked((int)value.ArenaOffset), checked((int)value.Bytes)));
        }
        foreach (var kernel in plan.Kernels)
        {
            var pointers = new float*[kernel.Args.Count];
            for (int i = 0; i < pointers.Length; i++)
            {
                var storage = plan.Storage(kernel.Args[i]);
                pointers[i] = (float*)(storage.Kind == ValueKind.Weight ? blob.Pointer + storage.WeightOffset : arena.Pointer + storage.ArenaOffset);
            }
            library.Run(kernel, pointers);
        }

        var outputs = new Dictionary<string, HostTensor>();
        foreach (var output in plan.Outputs)
        {
            var value = plan.Value(output.Value);
            var storage = plan.Storage(output.Value);
            var data = StoredElements.ToFloats(storage.Format, arena.Span[checked((int)storage.ArenaOffset)..], checked((int)value.ElementCount));
            outputs[output.Name] = new HostTensor(value.Shape.ToArray(), data);
        }
        return outputs;
    }
}

/// <summary>Native memory aligned as cuMemAlloc aligns device buffers.</summary>
internal sealed unsafe class AlignedBuffer(long bytes) : IDisposable
{
    public byte* Pointer { get; } = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)Math.Max(16, bytes), 256);
    public Span<byte> Span => new(Pointer, checked((int)bytes));
    public void Dispose() => System.Runtime.InteropServices.NativeMemory.AlignedFree(Pointer);
}
