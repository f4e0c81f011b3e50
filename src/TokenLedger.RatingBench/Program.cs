using System.Diagnostics;
using System.Globalization;
using NodaTime;
using TokenLedger.Pricing;

// Rating benchmark: rates pre-generated requests against a synthetic 1,000-model price book version on ONE thread
// and prints ratings per second. Prints figures only; asserts nothing.
//   dotnet run -c Release --project src/TokenLedger.RatingBench -- [--requests N] [--models N] [--seed N]

const decimal TargetPerSecond = 500_000m;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var requests = Option("--requests", 5_000_000);
var models = Option("--models", 1_000);
var seed = Option("--seed", 20260601);

var clock = Stopwatch.StartNew();
var version = SyntheticPriceBook.Build(models, seed);
var workload = SyntheticPriceBook.Requests(version, requests, seed + 1);
Console.WriteLine($"price book: {version.Prices.Count:N0} models ({version.Prices.Values.Sum(p => p.ContextTiers.Count):N0} context tiers, " +
                  $"{version.Prices.Values.Sum(p => p.TimeOfDay.Count):N0} time-of-day windows, {version.Prices.Values.Sum(p => p.Promotions.Count):N0} promotions), " +
                  $"{version.Aliases.Count:N0} aliases");
Console.WriteLine($"requests:   {workload.Length:N0} pre-generated in {clock.Elapsed.TotalSeconds:F1} s");

// Warm-up: lets the JIT reach its optimised tier before the measured run.
var warmUp = Math.Min(workload.Length, 300_000);
for (var round = 0; round < 3; round++) RateAll(version, workload.AsSpan(0, warmUp));

GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
var gen0 = GC.CollectionCount(0);
var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
clock.Restart();
var result = RateAll(version, workload);
var elapsed = clock.Elapsed;
var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

var perSecond = workload.Length / (decimal)elapsed.TotalMilliseconds * 1000m;
Console.WriteLine($"rated:      {result.Rated:N0} rated, {result.Unrated:N0} unrated, in {elapsed.TotalMilliseconds:N0} ms on one thread");
Console.WriteLine($"throughput: {perSecond:N0} ratings/s (target {TargetPerSecond:N0}/s: {(perSecond >= TargetPerSecond ? "met" : "NOT met")})");
Console.WriteLine($"latency:    {elapsed.TotalMilliseconds * 1_000_000 / workload.Length:N0} ns per rating; " +
                  $"{allocated / Math.Max(1, workload.Length):N0} bytes allocated per rating; {GC.CollectionCount(0) - gen0:N0} gen-0 collections");
Console.WriteLine($"checksum:   {result.Total} (sum of unrounded amounts)");
return 0;

static (long Rated, long Unrated, decimal Total) RateAll(PriceBookVersion version, ReadOnlySpan<BenchRequest> requests)
{
    long rated = 0, unrated = 0;
    var total = 0m;
    foreach (ref readonly var r in requests)
    {
        if (Rating.Rate(version, r.Model, r.Tokens, r.OccurredAt) is Rated { Charge: var charge })
        {
            rated++;
            total += charge.Amount;
        }
        else
        {
            unrated++;
        }
    }
    return (rated, unrated, total);
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal readonly record struct BenchRequest(string Model, TokenCounts Tokens, Instant OccurredAt);

/// <summary>A deterministic synthetic price book and workload; every price is built from integers (never floating point).</summary>
internal static class SyntheticPriceBook
{
    private static readonly string[] Zones = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"];
    private static readonly Instant June1 = Instant.FromUtc(2026, 5, 31, 16, 0);

    public static PriceBookVersion Build(int models, int seed)
    {
        var random = new Random(seed);
        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        for (var i = 0; i < models; i++)
        {
            var name = Invariant($"vendor-{i % 37:D2}/model-{i:D4}");
            var input = Money(random, 50_000, 20_000_000);           // 0.05 .. 20 per million, 6 decimals
            var basePrices = new TokenPrices(input, input / 10m, input * 1.25m, input * Money(random, 2_000_000, 6_000_000));
            var tiers = new List<ContextTier>();
            foreach (var threshold in new long[] { 32_000, 128_000, 200_000 }.Take(random.Next(0, 4)))
            {
                var factor = 1m + tiers.Count + 1;
                tiers.Add(new ContextTier(threshold, new TokenPrices(basePrices.InputPerMillion * factor, basePrices.CachedInputPerMillion * factor,
                    basePrices.CacheWritePerMillion * factor, basePrices.OutputPerMillion * factor)));
            }
            var windows = new List<TimeOfDayDiscount>();
            for (var w = random.Next(0, 3); w > 0; w--)
                windows.Add(new TimeOfDayDiscount(Zones[random.Next(Zones.Length)], new LocalTime(random.Next(0, 24), 30 * random.Next(0, 2)),
                    new LocalTime(random.Next(0, 24), 0), random.Next(1, 10) * 10m));
            var promotions = new List<Promotion>();
            if (random.Next(4) == 0)
            {
                var start = June1 + Duration.FromDays(random.Next(0, 20));
                promotions.Add(new Promotion("launch", start, start + Duration.FromDays(random.Next(1, 14)), random.Next(1, 5) * 5m));
            }
            prices.Add(name, new ModelPrice(name, basePrices, tiers, windows, promotions));
        }
        var names = prices.Keys.ToArray();
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var a = 0; a < models / 5; a++) aliases[Invariant($"alias-{a:D4}")] = names[random.Next(names.Length)];
        return new PriceBookVersion("bench-retail", 1, "CNY", June1, prices, aliases);
    }

    public static BenchRequest[] Requests(PriceBookVersion version, int count, int seed)
    {
        var random = new Random(seed);
        var names = version.Prices.Keys.Concat(version.Aliases.Keys).Append("unpriced/model").ToArray();
        var requests = new BenchRequest[count];
        for (var i = 0; i < count; i++)
        {
            var totalInput = random.Next(0, 4) switch { 0 => random.Next(0, 4_000), 1 => random.Next(4_000, 32_000), 2 => random.Next(32_000, 150_000), _ => random.Next(150_000, 400_000) };
            var cached = random.Next(0, totalInput + 1);
            var write = random.Next(0, 8) == 0 ? random.Next(0, totalInput - cached + 1) : 0;
            var tokens = new TokenCounts(totalInput - cached - write, cached, write, random.Next(0, 8_000));
            var model = random.Next(0, 200) == 0 ? names[^1] : names[random.Next(names.Length - 1)];
            requests[i] = new BenchRequest(model, tokens, June1 + Duration.FromSeconds(random.Next(0, 30 * 24 * 3600)));
        }
        return requests;
    }

    private static decimal Money(Random random, int minMicros, int maxMicros) => new(random.Next(minMicros, maxMicros), 0, 0, false, 6);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
