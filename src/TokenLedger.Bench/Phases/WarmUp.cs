using System.Diagnostics;
using System.Net.Http.Headers;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

/// <summary>
/// Not measured: a little of every kind of traffic first, so that the first measured run does not pay for JIT,
/// Wolverine's runtime code generation, connection pools and the first projection daemon start.
/// </summary>
public sealed class WarmUp(Broker broker, LedgerReader ledger, BenchOptions options)
{
    private const int SingleMessages = 500;
    private const int Arrays = 5;
    private const int ArraySize = 100;

    public async Task<TimeSpan> RunAsync(string runTag, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var generator = new UsageGenerator($"{runTag}-w", 50, options.ZipfExponent, options.Seed + 4);
        var expected = new ExpectedTotals();
        await using (var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct))
        {
            for (var i = 0; i < SingleMessages; i++)
            {
                var e = generator.Next(DateTimeOffset.UtcNow);
                expected.Add(e.Sample);
                await publisher.PublishAsync(Queues.Usage, e.Json, ct);
            }
            for (var a = 0; a < Arrays; a++)
            {
                var events = Enumerable.Range(0, ArraySize).Select(_ => generator.Next(DateTimeOffset.UtcNow)).ToList();
                foreach (var e in events) expected.Add(e.Sample);
                await publisher.PublishAsync(Queues.Usage, JsonArray.Of(events.Select(e => e.Json).ToList()), ct);
            }
            await publisher.FlushAsync();
        }

        var check = await new Verification(ledger, TimeSpan.FromSeconds(options.StallSeconds)).WaitAsync(expected, clock, _ => { }, _ => { }, ct);
        if (!check.Ok) Live.Warn($"warm-up totals differ: {string.Join("; ", check.Differences.Take(3))}");

        if (options.AdminKey.Length > 0)
        {
            using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
            using var response = await http.GetAsync($"api/tenants/{Uri.EscapeDataString(expected.TenantIds[0])}/usage", ct);
        }
        return clock.Elapsed;
    }
}
