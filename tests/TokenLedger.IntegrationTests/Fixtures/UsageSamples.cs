using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.IntegrationTests.Fixtures;

public sealed record ModelTotals(string Model, long Events, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens);

public sealed record UsageReport(string TenantId, string From, string To, List<ModelTotals> Models);

/// <summary>Builds realistic usage and knows what totals it must produce.</summary>
public static class UsageSamples
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] Models = ["deepseek-v4-pro", "qwen3-max", "doubao-seed-2-0-pro"];

    public static List<UsageEventV1> Events(string tenantId, int count, DateTimeOffset at, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new UsageEventV1(
            $"{tenantId}-{seed}-{i}", at.AddMilliseconds(i).ToOffset(TimeSpan.FromHours(8)), tenantId, Models[random.Next(Models.Length)],
            random.Next(0, 50_000), random.Next(0, 20_000), random.Next(0, 8_000), random.Next(0, 2_000))).ToList();
    }

    public static List<ModelTotals> Totals(IEnumerable<UsageEventV1> events) => events
        .DistinctBy(e => e.EventId)
        .GroupBy(e => e.Model)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new ModelTotals(g.Key, g.Count(), g.Sum(e => e.InputTokens), g.Sum(e => e.CachedInputTokens),
            g.Sum(e => e.CacheWriteTokens), g.Sum(e => e.OutputTokens)))
        .ToList();

    public static string ToJson(object value) => JsonSerializer.Serialize(value, Json);

    public static async Task<UsageReport> QueryAsync(HttpClient client, string tenantId, DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"/api/tenants/{tenantId}/usage?from={Uri.EscapeDataString(from.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"))}&to={Uri.EscapeDataString(to.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"))}";
        var response = await client.GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<UsageReport>(Json))!;
    }

    /// <summary>Waits until the query shows exactly <paramref name="expected"/> (the event counts reaching the total first).</summary>
    public static async Task<UsageReport> EventuallyEqualAsync(HttpClient client, string tenantId, DateTimeOffset from, DateTimeOffset to, List<ModelTotals> expected)
    {
        var wanted = expected.Sum(m => m.Events);
        var report = await Eventually.Until(() => QueryAsync(client, tenantId, from, to), r => r.Models.Sum(m => m.Events) >= wanted,
            what: $"{wanted} events of {tenantId}");
        await Task.Delay(300);
        return await QueryAsync(client, tenantId, from, to);
    }
}
