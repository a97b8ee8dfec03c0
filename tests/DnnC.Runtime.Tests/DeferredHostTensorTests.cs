namespace DnnC.Runtime.Tests;

public class DeferredHostTensorTests
{
    [Fact]
    public void A_deferred_tensor_computes_its_values_on_first_read_and_only_once()
    {
        int calls = 0;
        var values = new float[] { 1.5f, -2f, 3.25f, 0.125f, -7f, 9f };
        var t = HostTensor.Deferred([2, 3], () => { calls++; return (float[])values.Clone(); });

        Assert.Equal(6, t.Length);
        Assert.Equal([2, 3], t.Shape);
        Assert.False(t.IsMaterialized);
        Assert.Equal(0, calls);

        Assert.Equal(values, t.Data);
        Assert.Same(t.Data, t.Data);
        Assert.True(t.IsMaterialized);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Parallel_first_reads_share_one_computation()
    {
        int calls = 0;
        var t = HostTensor.Deferred([1000], () =>
        {
            Interlocked.Increment(ref calls);
            Thread.Sleep(20);   // widen the race window
            return Enumerable.Range(0, 1000).Select(i => i * 0.5f).ToArray();
        });

        var seen = new float[8][];
        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => seen[i] = t.Data);

        Assert.Equal(1, calls);
        Assert.All(seen, data => Assert.Same(seen[0], data));
    }

    [Fact]
    public void A_computation_of_the_wrong_length_is_an_error_not_a_silent_reshape()
    {
        var t = HostTensor.Deferred([2, 2], () => new float[3]);
        var error = Assert.Throws<InvalidOperationException>(() => t.Data);
        Assert.Contains("[2, 2]", error.Message);
    }

    [Fact]
    public void An_eager_tensor_is_materialized_from_the_start()
    {
        var t = new HostTensor([2], [1f, 2f]);
        Assert.True(t.IsMaterialized);
        Assert.Equal(2, t.Length);
    }
}
