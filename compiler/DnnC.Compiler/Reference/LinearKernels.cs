namespace DnnC.Compiler.Reference;

/// <summary>Dense (x · wᵀ + b) and numpy matmul with broadcast batch dimensions.</summary>
internal static class LinearKernels
{
    /// <summary>x [..., K] times w [N, K] transposed, plus bias [N]; before the epilogue.</summary>
    public static RefTensor Dense(RefTensor x, RefTensor w, RefTensor? bias)
    {
        int k = x.Shape[^1];
        int nOut = w.Shape[0];
        int rows = (int)RefTensor.Count(x.Shape[..^1]);
        var y = new double[(long)rows * nOut];
        Parallel.For(0, rows, row =>
        {
            for (int j = 0; j < nOut; j++)
            {
                double acc = bias is null ? 0 : bias.Data[j];
                for (int i = 0; i < k; i++) acc += x.Data[(long)row * k + i] * w.Data[(long)j * k + i];
                y[(long)row * nOut + j] = acc;
            }
        });
        int[] shape = [.. x.Shape[..^1], nOut];
        return new RefTensor(shape, y);
    }

    /// <summary>a [..., M, K] times b [..., K, N]; batch dimensions broadcast like numpy.</summary>
    public static RefTensor MatMul(RefTensor a, RefTensor b)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var batch = RefTensor.BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        // Batch index maps: which matrix of a and of b each output matrix reads.
        var batchA = RefTensor.BroadcastIndex(a.Shape[..^2], batch);
        var batchB = RefTensor.BroadcastIndex(b.Shape[..^2], batch);
        var y = new double[(long)batchA.Length * m * n];
        Parallel.For(0, batchA.Length * m, job =>
        {
            int bi = job / m, row = job % m;
            long offA = (long)batchA[bi] * m * k + (long)row * k;
            long offB = (long)batchB[bi] * k * n;
            long offY = ((long)bi * m + row) * n;
            for (int col = 0; col < n; col++)
            {
                double acc = 0;
                for (int i = 0; i < k; i++) acc += a.Data[offA + i] * b.Data[offB + (long)i * n + col];
                y[offY + col] = acc;
            }
        });
        int[] shape = [.. batch, m, n];
        return new RefTensor(shape, y);
    }
}
