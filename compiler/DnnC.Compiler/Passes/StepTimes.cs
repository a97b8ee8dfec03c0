using System.Diagnostics;

namespace DnnC.Compiler.Passes;

/// <summary>
/// Wall time of each build step, for <c>dnnc build --time-steps</c> (what clang's -ftime-report and
/// rustc's -Z time-passes give): the numbers behind BENCHMARKS.md's build-time breakdown. Steps with
/// the same name add up (IR verification runs after every pass) and keep their first position.
/// </summary>
public sealed class StepTimes
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, TimeSpan> _totals = new();
    private readonly object _gate = new();

    public IReadOnlyList<(string Step, TimeSpan Time)> Steps
    {
        get { lock (_gate) return _order.Select(s => (s, _totals[s])).ToList(); }
    }

    public void Add(string step, TimeSpan time)
    {
        lock (_gate)
        {
            if (!_totals.TryGetValue(step, out var total)) _order.Add(step);
            _totals[step] = total + time;
        }
    }

    public T Time<T>(string step, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        try { return work(); }
        finally { Add(step, clock.Elapsed); }
    }

    public void Time(string step, Action work) => Time(step, () => { work(); return 0; });
}
