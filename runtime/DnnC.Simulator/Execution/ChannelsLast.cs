namespace DnnC.Simulator.Execution;

/// <summary>Moves a rank-4 tensor between NCHW and channels-last NHWC order.</summary>
internal static class ChannelsLast
{
    public static float[] ToNchw(ReadOnlySpan<float> nhwc, int n, int h, int w, int c)
    {
        var nchw = new float[nhwc.Length];
        int plane = h * w;
        for (int image = 0; image < n; image++)
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++)
                    nchw[((long)image * c + ch) * plane + p] = nhwc[(int)(((long)image * plane + p) * c + ch)];
        return nchw;
    }

    public static float[] ToNhwc(ReadOnlySpan<float> nchw, int n, int c, int h, int w)
    {
        var nhwc = new float[nchw.Length];
        int plane = h * w;
        for (int image = 0; image < n; image++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++)
                    nhwc[((long)image * plane + p) * c + ch] = nchw[(int)(((long)image * c + ch) * plane + p)];
        return nhwc;
    }
}
