using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Workload;

/// <summary>
/// The usage one scenario publishes, under tenant ids of its own (<c>{run}-{scenario}-tN</c>) so scenarios never see
/// each other's figures, and the exact figures the ledger must end with: every unique valid event once, and none
/// of the ids that must never be recorded.
/// </summary>
public sealed class ScenarioWorkload
{
    public static readonly string[] Models = ["deepseek-v4-pro", "qwen3-max", "doubao-seed-1.6", "gpt-5.1", "claude-sonnet-4.5"];
    private readonly Dictionary<string, UsageEventSpec> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Model), TokenSums> _sums = [];
    private readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);
    private int _next;

    public ScenarioWorkload(string runId, string scenario, int seed, int tenants = 4)
    {
        Prefix = $"{runId}-{scenario}";
        Tenants = Enumerable.Range(0, tenants).Select(i => $"{Prefix}-t{i}").ToArray();
        Random = new Random(seed ^ scenario.Aggregate(17, (h, c) => unchecked(h * 31 + c)));
        // Two days ago, on the hour: old enough to never be "in the future", inside one query interval.
        var now = DateTimeOffset.UtcNow;
        Base = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-2);
    }

    public string Prefix { get; }
    public string[] Tenants { get; }
    public Random Random { get; }
    public DateTimeOffset Base { get; }
    public DateTimeOffset From => Base.AddHours(-1);
    public DateTimeOffset To => Base.AddHours(25);
    public IReadOnlyDictionary<string, UsageEventSpec> Expected => _expected;
    public IReadOnlyDictionary<(string Tenant, string Model), TokenSums> ExpectedSums => _sums;
    public IReadOnlySet<string> Forbidden => _forbidden;
    public long UniqueExpected => _expected.Count;

    /// <summary>A new valid event, counted in the expected figures; <paramref name="shape"/> may change it (keeping it valid).</summary>
    public UsageEventSpec NewEvent(Func<UsageEventSpec, UsageEventSpec>? shape = null)
    {
        var e = Draft(NextId("e"));
        if (shape is not null) e = shape(e);
        _expected.Add(e.EventId, e);
        _sums[(e.TenantId, e.Model)] = _sums.GetValueOrDefault((e.TenantId, e.Model), TokenSums.Zero).Add(e);
        return e;
    }

    /// <summary>A valid-looking event that is sent in a way the ledger must refuse: it must never be recorded.</summary>
    public UsageEventSpec ForbiddenEvent()
    {
        var e = Draft(NextId("x"));
        _forbidden.Add(e.EventId);
        return e;
    }

    public string NextId(string kind) => $"{Prefix}-{kind}{_next++:D7}";

    /// <summary>
    /// Messages carrying <paramref name="events"/> new valid events: arrays of 1 to <paramref name="largestBatch"/> and single objects, and every
    /// so often a message that re-sends events already sent (exact duplicates, which must not count twice).
    /// </summary>
    public List<OutgoingMessage> ValidMessages(int events, double resendFraction = 0.03, int largestBatch = 300)
    {
        var messages = new List<OutgoingMessage>();
        var sent = new List<UsageEventSpec>();
        var left = events;
        while (left > 0)
        {
            var roll = Random.NextDouble();
            var size = Math.Min(left, roll < 0.1 ? 1 : roll < 0.3 ? Random.Next(2, Math.Min(11, largestBatch + 1)) : Random.Next(Math.Min(20, largestBatch), largestBatch + 1));
            var batch = Enumerable.Range(0, size).Select(_ => NewEvent()).ToList();
            messages.Add(new OutgoingMessage(UsageEventSpec.ToJson(batch, asArray: size > 1 || Random.Next(2) == 0), "application/json", size));
            sent.AddRange(batch);
            left -= size;
            if (Random.NextDouble() < resendFraction * 4 && sent.Count > 0)
            {
                var again = Enumerable.Range(0, Math.Min(sent.Count, Random.Next(1, 60))).Select(_ => sent[Random.Next(sent.Count)]).Distinct().ToList();
                messages.Add(new OutgoingMessage(UsageEventSpec.ToJson(again), "application/json", again.Count));
            }
        }
        return messages;
    }

    private UsageEventSpec Draft(string id)
    {
        var tenant = Tenants[Random.Next(Tenants.Length)];
        var model = Models[Random.Next(Models.Length)];
        var at = Base.AddMilliseconds(Random.NextInt64(0, 24L * 3600 * 1000));
        // Shanghai offset for most, UTC for the rest: both are explicit offsets.
        if (Random.Next(3) != 0) at = at.ToOffset(TimeSpan.FromHours(8));
        var huge = Random.Next(500) == 0;
        return new UsageEventSpec(id, at, tenant, model,
            InputTokens: huge ? 1_000_000_000 : Random.Next(0, 60_000),
            CachedInputTokens: Random.Next(4) == 0 ? 0 : Random.Next(0, 200_000),
            OutputTokens: huge ? 999_999_999 : Random.Next(0, 8_000),
            CacheWriteTokens: Random.Next(5) == 0 ? Random.Next(1, 5_000) : 0);
    }
}
