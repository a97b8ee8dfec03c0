using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Execution;

/// <summary>An elementwise chain: start from operand 0 (the head), apply the steps, in chunks spread over cores.</summary>
internal static class PointwiseKernel
{
    private const int Chunk = 16384;

    public static void Run(PointwiseSpec s, KernelContext context)
    {
        var epilogue = new EpilogueApplier(s.Steps, s.Operands, context, context.OutputShape);
        long total = context.Output.Length;
        int chunks = (int)((total + Chunk - 1) / Chunk);
        Parallel.For(0, chunks, chunk =>
        {
            long start = (long)chunk * Chunk;
            int length = (int)Math.Min(Chunk, total - start);
            // The head goes through a private buffer: with reuse, an operand may share the output's memory.
            var work = Scratch.GetWork(length);
            epilogue.Load(0, start, work);
            epilogue.Apply(work, start);
            var output = context.Output.WritableSlice(start, length);
            work.CopyTo(output);
            context.Store(output);
        });
    }
}
