using NodaTime;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Api.Demo;

/// <summary>
/// Gateway-like usage for the demo market, deterministic per seed: requests spread over the working day, a tenth of them
/// with long contexts (above the 32k tiers), cache hits on a share of the prompt, output a fraction of the input.
/// </summary>
public static class DemoUsage
{
    public static UsageEventV1 Request(Random random, DemoTenant tenant, string eventId, Instant at, bool onPlan = false)
    {
        var model = tenant.Models[random.Next(tenant.Models.Length)];
        var prompt = random.Next(10) == 0
            ? random.Next(36_000, 90_000)
            : (int)(tenant.MeanInputTokens * (0.3 + 1.4 * random.NextDouble()));
        var cached = model.StartsWith("gpt", StringComparison.Ordinal) || model.StartsWith("claude", StringComparison.Ordinal) || random.Next(3) == 0
            ? prompt * random.Next(30, 80) / 100
            : 0;
        var output = Math.Max(20, prompt * random.Next(5, 30) / 100);
        var zone = DateTimeZoneProviders.Tzdb[tenant.Zone];
        return new UsageEventV1(
            eventId, at.InZone(zone).ToDateTimeOffset(), tenant.Id, model, prompt - cached, cached, output,
            Provider: Provider(model), PlanId: onPlan ? DemoCatalog.CodingPlan : null, DistributorId: tenant.DistributorId);
    }

    /// <summary>One month of a tenant's requests, each day's count varying by ±30 %, most of them between 08:00 and 23:00 local.</summary>
    public static IEnumerable<UsageEventV1> Month(DemoTenant tenant, YearMonth month)
    {
        var random = new Random(Seed($"{tenant.Id}/{month.Year}-{month.Month}"));
        var zone = DateTimeZoneProviders.Tzdb[tenant.Zone];
        for (var day = month.OnDayOfMonth(1); day.Month == month.Month; day = day.PlusDays(1))
        {
            var requests = tenant.RequestsPerDay * random.Next(70, 131) / 100;
            for (var n = 0; n < requests; n++)
            {
                var hour = random.Next(5) == 0 ? random.Next(0, 8) : random.Next(8, 24);
                var at = day.At(new LocalTime(hour, random.Next(60), random.Next(60))).InZoneLeniently(zone).ToInstant();
                yield return Request(random, tenant, $"demo-h-{tenant.Id}-{day:yyyyMMdd}-{n}", at);
            }
        }
    }

    /// <summary>FNV-1a: the same seed on every run (string.GetHashCode is randomised per process).</summary>
    public static int Seed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    private static string Provider(string model) =>
        DemoCatalog.ChineseModels.Concat(DemoCatalog.UsModels).First(m => m.Name == model).Provider;
}
