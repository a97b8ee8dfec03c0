using DnnC.Compiler.Lowering;

namespace DnnC.Compiler.Tests.Lowering;

public class BufferPlannerTests
{
    [Fact]
    public void A_chain_reuses_memory_and_never_overlaps_live_tensors()
    {
        // t0 -> t1 -> t2 -> t3, each read only by the next step: two slots suffice.
        var requests = Enumerable.Range(0, 4).Select(i => new BufferRequest(i, 1000, i, i + 1)).ToList();
        var plan = BufferPlanner.Plan(requests);
        Assert.Equal(2 * BufferPlanner.Align(1000), plan.ArenaBytes);
        AssertNoLiveOverlap(requests, plan);
    }

    [Fact]
    public void Random_lifetimes_never_share_memory_while_both_are_alive()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var requests = Enumerable.Range(0, 30).Select(i =>
            {
                int first = random.Next(20);
                return new BufferRequest(i, random.Next(1, 5000), first, first + random.Next(0, 6));
            }).ToList();
            var plan = BufferPlanner.Plan(requests);
            AssertNoLiveOverlap(requests, plan);
            Assert.True(plan.ArenaBytes <= plan.UnsharedBytes);
        }
    }

    private static void AssertNoLiveOverlap(List<BufferRequest> requests, BufferAssignment plan)
    {
        foreach (var a in requests)
            foreach (var b in requests.Where(b => b.Value > a.Value))
            {
                bool alive = a.FirstStep <= b.LastStep && b.FirstStep <= a.LastStep;
                bool overlap = plan.Offsets[a.Value] < plan.Offsets[b.Value] + b.Bytes && plan.Offsets[b.Value] < plan.Offsets[a.Value] + a.Bytes;
                Assert.False(alive && overlap, $"tensors {a.Value} and {b.Value} are alive together but overlap");
            }
    }
}
