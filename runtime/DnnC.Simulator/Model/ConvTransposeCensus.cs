using DnnC.Runtime.Plan;

namespace DnnC.Simulator.Model;

/// <summary>
/// A transposed convolution seen as the gathering implicit GEMM its kernel runs: per image and
/// group, M = output channels per group, N = output pixels, K = C/groups·R·S. The im2col entries
/// whose tap no input pixel scatters onto (the stride's holes, and taps past the input) are zero
/// activations the array would issue; they are counted exactly, separably in rows and columns.
/// Zeros in the data itself are not counted for this template (yet).
/// </summary>
internal static class ConvTransposeCensus
{
    public static KernelCensus Take(ConvTransposeSpec s, long inputs, long output)
    {
        int cg = s.C / s.Groups, kg = s.K / s.Groups;
        long valid = ValidTaps(s.Ho, s.R, s.H, s.StrideH, s.PadTop, s.DilationH)
                   * ValidTaps(s.Wo, s.S, s.W, s.StrideW, s.PadLeft, s.DilationW);
        long instances = (long)s.N * s.Groups;
        long holes = ((long)s.Ho * s.Wo * s.R * s.S - valid) * cg;
        long unique = Math.Min((long)cg * s.R * s.S * s.Ho * s.Wo, (long)cg * s.H * s.W);
        var shape = new GemmShape(instances, kg, (long)s.Ho * s.Wo, (long)cg * s.R * s.S, unique, (long)kg * cg * s.R * s.S);
        return new KernelCensus(shape, s.Macs, 0, instances * kg * holes, 0, inputs, output);
    }

    /// <summary>Pairs (output index, tap) along one axis that read an input pixel.</summary>
    private static long ValidTaps(int outLength, int taps, int inLength, int stride, int pad, int dilation)
    {
        long valid = 0;
        for (int o = 0; o < outLength; o++)
            for (int t = 0; t < taps; t++)
            {
                int shifted = o + pad - t * dilation;
                if (shifted >= 0 && shifted % stride == 0 && shifted / stride < inLength) valid++;
            }
        return valid;
    }
}
