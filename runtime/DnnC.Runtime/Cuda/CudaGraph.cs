namespace DnnC.Runtime.Cuda;

/// <summary>
/// A CUDA graph captured from the launches one action issues on a stream, instantiated once and
/// replayed. Capture either completes or leaves nothing behind: whatever fails between
/// cuStreamBeginCapture and cuStreamEndCapture ends the capture and destroys the partial graph
/// before the original error is rethrown, so the stream is usable again and the error the user
/// sees is the first one, not the CUDA_ERROR_STREAM_CAPTURE_INVALIDATED that would follow it.
/// </summary>
internal sealed class CudaGraph : IDisposable
{
    private readonly ICudaDriver _driver;
    private readonly nint _stream;
    private nint _graph, _exec;

    private CudaGraph(ICudaDriver driver, nint stream, nint graph, nint exec, string description)
    {
        _driver = driver;
        _stream = stream;
        _graph = graph;
        _exec = exec;
        Description = description;
    }

    /// <summary>"the CUDA graph of model M (N kernels)": what a replay error names.</summary>
    public string Description { get; }

    public static CudaGraph Capture(ICudaDriver driver, nint stream, Action launch, string description)
    {
        CudaCheck.Check(driver.StreamBeginCapture(stream, CudaDriverNative.CaptureModeThreadLocal), "cuStreamBeginCapture");
        try
        {
            launch();
        }
        catch
        {
            Abandon(driver, stream);
            throw;
        }
        // A capture invalidated on the way gives an error here and a NULL graph (nothing to destroy).
        CudaCheck.Check(driver.StreamEndCapture(stream, out nint graph), "cuStreamEndCapture");
        int instantiated = driver.GraphInstantiate(out nint exec, graph);
        if (instantiated != 0)
        {
            driver.GraphDestroy(graph);
            CudaCheck.Check(instantiated, "cuGraphInstantiateWithFlags");
        }
        return new CudaGraph(driver, stream, graph, exec, description);
    }

    /// <summary>Enqueues one replay; a fault inside it surfaces at the next wait, named by <see cref="CheckWait"/>.</summary>
    public void Launch() => CudaCheck.CheckReplay(_driver.GraphLaunch(_exec, _stream), "cuGraphLaunch", Description);

    /// <summary>Checks a wait (stream or event) that covered replays of this graph.</summary>
    public void CheckWait(int result, string call) => CudaCheck.CheckReplay(result, call, Description);

    /// <summary>
    /// Ends a capture after a failure. Its result is not checked, because the original error is the
    /// one to report; a graph comes back only when the capture was still valid (the failure was not
    /// the driver's), and then it is destroyed.
    /// </summary>
    private static void Abandon(ICudaDriver driver, nint stream)
    {
        if (driver.StreamEndCapture(stream, out nint partial) == 0 && partial != 0) driver.GraphDestroy(partial);
    }

    public void Dispose()
    {
        if (_exec != 0) _driver.GraphExecDestroy(_exec);
        if (_graph != 0) _driver.GraphDestroy(_graph);
        _exec = _graph = 0;
    }
}
