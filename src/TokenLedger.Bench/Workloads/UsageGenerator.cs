using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace TokenLedger.Bench.Workloads;

/// <summary>
/// Gateway-like usage: tenants drawn from a Zipf distribution, a skewed model mix, and token mixes of chat,
/// retrieval, agent (heavy prompt caching) and reasoning calls. Deterministic for a seed. Every id starts with the
/// run tag, so runs never collide with each other or with anything else in the ledger.
/// </summary>
public sealed class UsageGenerator
{
    private static readonly (string Model, string Provider, double Weight)[] Models =
    [
        ("deepseek-v4-pro", "deepseek", 0.30),
        ("qwen3-max", "alibaba", 0.22),
        ("doubao-seed-2-0-pro", "volcengine", 0.16),
        ("glm-4.6", "zhipu", 0.12),
        ("kimi-k2", "moonshot", 0.10),
        ("deepseek-chat", "deepseek", 0.10),
    ];

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
    private readonly Random _random;
    private readonly Zipf _tenants;
    private readonly string[] _tenantIds;
    private long _sequence;

    public UsageGenerator(string runTag, int tenants, double zipfExponent, int seed)
    {
        RunTag = runTag;
        _random = new Random(seed);
        _tenants = new Zipf(tenants, zipfExponent);
        _tenantIds = Enumerable.Range(1, tenants).Select(rank => $"{runTag}-t{rank:D4}").ToArray();
    }

    public string RunTag { get; }

    public IReadOnlyList<string> TenantIds => _tenantIds;

    public static IEnumerable<string> ModelNames => Models.Select(m => m.Model);

    /// <summary>A new valid event of a Zipf-drawn tenant that occurred at <paramref name="occurredAt"/>.</summary>
    public GeneratedEvent Next(DateTimeOffset occurredAt) => NextFor(_tenantIds[_tenants.Next(_random)], occurredAt);

    /// <summary>A new valid event of the given tenant.</summary>
    public GeneratedEvent NextFor(string tenantId, DateTimeOffset occurredAt)
    {
        var (model, provider) = PickModel();
        var (input, cached, cacheWrite, output) = PickTokens();
        var sample = new UsageSample(
            $"{RunTag}-{++_sequence:D8}", tenantId, model, provider,
            TruncateToMilliseconds(occurredAt), input, cached, cacheWrite, output, $"req-{_random.NextInt64():x16}");
        return new GeneratedEvent(sample, Serialize(sample));
    }

    /// <summary>A new valid event that occurred within the last hour.</summary>
    public GeneratedEvent NextInLastHour(DateTimeOffset now) => Next(now.AddMilliseconds(-_random.Next(0, 3_600_000)));

    public Random Random => _random;

    /// <summary>An invalid item: negative tokens, a missing eventId, or (kind 2) malformed JSON that must travel alone.</summary>
    public (byte[] Json, bool MustTravelAlone) NextInvalid(int kind, DateTimeOffset now)
    {
        var id = $"{RunTag}-bad-{++_sequence:D8}";
        var when = Format(now);
        return (kind % 3) switch
        {
            0 => (Utf8($$"""{"eventId":"{{id}}","occurredAt":"{{when}}","tenantId":"{{_tenantIds[0]}}","model":"qwen3-max","inputTokens":-5,"cachedInputTokens":0,"outputTokens":10}"""), false),
            1 => (Utf8($$"""{"occurredAt":"{{when}}","tenantId":"{{_tenantIds[0]}}","model":"glm-4.6","inputTokens":100,"cachedInputTokens":0,"outputTokens":10}"""), false),
            _ => (Utf8($$"""{"eventId":"{{id}}","occurredAt":"{{when}}","tenantId":"{{_tenantIds[0]}}","model":"kimi-k2","inputTokens":1"""), true),
        };
    }

    private (string Model, string Provider) PickModel()
    {
        var u = _random.NextDouble();
        foreach (var (model, provider, weight) in Models)
        {
            if (u < weight) return (model, provider);
            u -= weight;
        }
        return (Models[^1].Model, Models[^1].Provider);
    }

    private (long Input, long Cached, long CacheWrite, long Output) PickTokens()
    {
        var u = _random.NextDouble();
        return u switch
        {
            < 0.50 => (Between(100, 3_000), _random.NextDouble() < 0.5 ? 0 : Between(500, 4_000), 0, Between(50, 1_200)), // chat
            < 0.70 => (Between(3_000, 60_000), Between(0, 100_000), 0, Between(100, 2_000)), // retrieval
            < 0.95 => (Between(500, 8_000), Between(10_000, 200_000), _random.NextDouble() < 0.4 ? Between(1_000, 30_000) : 0, Between(200, 6_000)), // agent
            _ => (Between(200, 5_000), 0, 0, Between(2_000, 32_000)), // reasoning
        };
    }

    private long Between(int min, int max) => _random.Next(min, max + 1);

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, t.Offset);

    private static string Format(DateTimeOffset t) =>
        t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static byte[] Serialize(UsageSample e)
    {
        var buffer = new ArrayBufferWriter<byte>(320);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("eventId", e.EventId);
            json.WriteString("occurredAt", Format(e.OccurredAt));
            json.WriteString("tenantId", e.TenantId);
            json.WriteString("model", e.Model);
            json.WriteString("provider", e.Provider);
            json.WriteNumber("inputTokens", e.InputTokens);
            json.WriteNumber("cachedInputTokens", e.CachedInputTokens);
            if (e.CacheWriteTokens > 0) json.WriteNumber("cacheWriteTokens", e.CacheWriteTokens);
            json.WriteNumber("outputTokens", e.OutputTokens);
            json.WriteString("requestId", e.RequestId);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
