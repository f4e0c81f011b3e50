using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// kill -9 between a price-book assignment's commit and its late-rating work: a tenant with no retail price book
/// records <c>--late-rating-events</c> events (all unrated, and the house has no wholesale book), then gets a price
/// book with <c>PUT /api/tenants/{id}</c>, whose transaction stores <c>RateUnratedUsage</c> in Wolverine's durable
/// inbox (the Marten outbox). The service is killed right after the PUT answers, while some usage is still unrated,
/// (or, with <c>--late-rating-kill-at N</c>, once N events are rated: mid-run) and restarted; with no call to
/// <c>/api/operator/unrated/rate</c>, every event must end rated within a bounded time
/// and the retail total must equal the one computed here, exactly.
/// </summary>
public sealed class LateRatingKillScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    /// <summary>How long the restarted service has to rate everything (from its start, not from ready).</summary>
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(120);

    /// <summary>Per million tokens (input, cached input, cache write, output) for every model the workload uses.</summary>
    private static readonly Dictionary<string, (decimal Input, decimal Cached, decimal Write, decimal Output)> Prices = new()
    {
        ["deepseek-v4-pro"] = (2m, 0.5m, 2.5m, 8m),
        ["qwen3-max"] = (2.4m, 0.48m, 3m, 9.6m),
        ["doubao-seed-1.6"] = (0.8m, 0.16m, 1m, 8m),
        ["gpt-5.1"] = (9.125m, 0.9125m, 11.40625m, 73m),
        ["claude-sonnet-4.5"] = (21.6m, 2.16m, 27m, 108.000001m),
    };

    public override string Name => "late-rating-kill";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload(tenants: 1);
        var tenant = workload.Tenants[0];
        var book = $"{workload.Prefix}-retail";
        var messages = workload.ValidMessages(Options.LateRatingEvents, largestBatch: 100);
        var expected = ExpectedCharges(workload);

        var service = await StartServiceAsync("0", ct);
        using (var http = Client(service))
            (await ExpectAsync(http, HttpMethod.Put, $"/api/tenants/{tenant}", new { name = "late rating under kill -9", currency = "CNY" }, HttpStatusCode.Created, ct)).Dispose();

        await using (var ingest = StartIngest(workload, messages, ct))
        {
            var complete = await ingest.WaitCompleteAsync(ct);
            result.EventsPublished = ingest.EventsPublished;
            if (!complete) throw new InvalidOperationException("the ingest did not complete: no progress, with events still missing");
            Context.Log($"  [{Name}] {workload.UniqueExpected} events recorded in {ingest.Seconds:F1} s");
        }
        var before = await Probe.RetailRatingAsync(tenant, ct);
        if (before.Rated != 0 || before.Unrated != workload.UniqueExpected)
            throw new InvalidOperationException($"before the price book, {before.Rated} events were rated and {before.Unrated} unrated; expected 0 and {workload.UniqueExpected}");

        var kill = Stopwatch.StartNew();
        long ratedAtKill;
        double putSeconds, killDelayMs;
        using (var http = Client(service))
        {
            (await ExpectAsync(http, HttpMethod.Put, $"/api/price-books/{book}", PriceBook(), HttpStatusCode.Created, ct)).Dispose();
            var delay = workload.Random.Next(0, 251);
            var put = Stopwatch.StartNew();
            (await ExpectAsync(http, HttpMethod.Put, $"/api/tenants/{tenant}", new { retailPriceBookId = book }, HttpStatusCode.OK, ct)).Dispose();
            putSeconds = put.Elapsed.TotalSeconds;
            if (Options.LateRatingKillAt > 0) await WaitRatedAsync(tenant, Options.LateRatingKillAt, ct);
            else if (delay > 0) await Task.Delay(delay, ct);
            var pid = service.Pid;
            await service.KillAsync();
            killDelayMs = put.Elapsed.TotalMilliseconds - putSeconds * 1000;
            ratedAtKill = (await Probe.RetailRatingAsync(tenant, ct)).Rated;
            var inbox = await Probe.InboxAsync("RateUnratedUsage", ct);
            Context.Log($"  kill -9 of pid {pid} {killDelayMs:F0} ms after PUT /api/tenants/{tenant} answered ({putSeconds * 1000:F0} ms): " +
                        $"{ratedAtKill}/{workload.UniqueExpected} rated; RateUnratedUsage in the inbox: {(inbox.Count == 0 ? "none" : string.Join(", ", inbox))}");
            result.Notes.Add($"kill -9 {killDelayMs:F0} ms after the tenant PUT answered, with {N(ratedAtKill)} of {N(workload.UniqueExpected)} events rated; " +
                             $"RateUnratedUsage in the durable inbox then: {(inbox.Count == 0 ? "none" : string.Join(", ", inbox))}");
        }
        if (ratedAtKill >= workload.UniqueExpected)
            result.Fail($"every event was rated before the kill ({N(ratedAtKill)}): the crash did not interrupt late rating, so recovery was not tested");

        var restart = Stopwatch.StartNew();
        service = await StartServiceAsync("1", ct);
        var readyAfter = restart.Elapsed.TotalSeconds;
        var ratedAtReady = (await Probe.RetailRatingAsync(tenant, ct)).Rated;
        var (rated, unrated, amount) = await WaitAllRatedAsync(tenant, workload.UniqueExpected, restart, ct);
        var recovered = restart.Elapsed.TotalSeconds;
        if (unrated > 0)
        {
            var inbox = await Probe.InboxAsync("RateUnratedUsage", ct);
            result.Fail($"{N(unrated)} events still unrated {RecoveryLimit.TotalSeconds:F0} s after the restart, with no manual call " +
                        $"({N(rated)} rated; RateUnratedUsage in the inbox: {(inbox.Count == 0 ? "none" : string.Join(", ", inbox))})");
        }
        else
        {
            result.Notes.Add($"restarted: ready {readyAfter:F1} s later ({N(ratedAtReady)} rated then); every event rated {recovered:F1} s after the restart " +
                             $"({recovered - readyAfter:F1} s after ready), with no call to /api/operator/unrated/rate; " +
                             $"rated before the kill {N(ratedAtKill)}, after it {N(rated - ratedAtKill)}");
            Context.Log($"  [{Name}] all {rated} events rated {recovered:F1} s after the restart ({recovered - readyAfter:F1} s after ready)");
        }
        if (amount != expected.Total)
            result.Fail($"SQL retail total {amount.ToString(CultureInfo.InvariantCulture)} CNY, expected {expected.Total.ToString(CultureInfo.InvariantCulture)}");
        await CompareUsageApiAsync(service, workload, expected, result, ct);
        var left = await Probe.InboxAsync("RateUnratedUsage", ct);
        if (left.Count > 0) result.Notes.Add($"RateUnratedUsage rows left in the inbox at the end: {string.Join(", ", left)}");
        result.Notes.Add($"late rating: PUT took {putSeconds * 1000:F0} ms, kill-to-all-rated {kill.Elapsed.TotalSeconds:F1} s in all");

        result.EventsPublished = Math.Max(result.EventsPublished, workload.UniqueExpected);
        await Verification.VerifyAsync(Context, Probe, workload, service, result, ct);
    }

    /// <summary>Mid-run: waits (50 ms polls, at most a minute) until at least this many events are rated.</summary>
    private async Task WaitRatedAsync(string tenant, long events, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while ((await Probe.RetailRatingAsync(tenant, ct)).Rated < events)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException($"fewer than {events} events rated a minute after the PUT");
            await Task.Delay(50, ct);
        }
    }

    private async Task<(long Rated, long Unrated, decimal Amount)> WaitAllRatedAsync(string tenant, long events, Stopwatch since, CancellationToken ct)
    {
        var lastLog = Stopwatch.StartNew();
        while (true)
        {
            var now = await Probe.RetailRatingAsync(tenant, ct);
            if (now.Unrated == 0 || since.Elapsed > RecoveryLimit) return now;
            if (lastLog.Elapsed.TotalSeconds >= 5)
            {
                lastLog.Restart();
                var inbox = await Probe.InboxAsync("RateUnratedUsage", ct);
                Context.Log($"  [{Name}] {now.Rated}/{events} rated {since.Elapsed.TotalSeconds:F0} s after the restart; " +
                            $"RateUnratedUsage in the inbox: {(inbox.Count == 0 ? "none" : string.Join(", ", inbox))}");
            }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>Every model's unrated count is 0 over the API, and each model's charge and the total equal the expected amounts exactly.</summary>
    private async Task CompareUsageApiAsync(ServiceProcess service, ScenarioWorkload workload, Expected expected, ScenarioResult result, CancellationToken ct)
    {
        using var http = Client(service);
        var url = $"/api/tenants/{workload.Tenants[0]}/usage?from={Uri.EscapeDataString(UsageEventSpec.Rfc3339(workload.From))}" +
                  $"&to={Uri.EscapeDataString(UsageEventSpec.Rfc3339(workload.To))}";
        using var json = await ExpectAsync(http, HttpMethod.Get, url, null, HttpStatusCode.OK, ct);
        var before = result.Failures.Count;
        var total = json.RootElement.GetProperty("total");
        var totalAmount = decimal.Parse(total.GetProperty("amount").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (totalAmount != expected.Total || total.GetProperty("currency").GetString() != "CNY")
            result.Fail($"API retail total {total.GetProperty("amount").GetString()} {total.GetProperty("currency").GetString()}, expected {expected.Total.ToString(CultureInfo.InvariantCulture)} CNY");
        foreach (var m in json.RootElement.GetProperty("models").EnumerateArray())
        {
            var model = m.GetProperty("model").GetString()!;
            var unrated = m.GetProperty("unratedEvents").GetInt64();
            var charge = decimal.Parse(m.GetProperty("charge").GetProperty("amount").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (unrated != 0) result.Fail($"API: {unrated} events of {model} unrated");
            if (charge != expected.ByModel.GetValueOrDefault(model))
                result.Fail($"API charge of {model} {charge.ToString(CultureInfo.InvariantCulture)}, expected {expected.ByModel.GetValueOrDefault(model).ToString(CultureInfo.InvariantCulture)}");
        }
        if (result.Failures.Count == before)
            result.Notes.Add($"retail total over the API {expected.Total.ToString(CultureInfo.InvariantCulture)} CNY = the total computed by the harness, " +
                             $"exactly (and per model, {expected.ByModel.Count} models), 0 unrated");
    }

    private sealed record Expected(decimal Total, Dictionary<string, decimal> ByModel);

    /// <summary>tokens × price per million / 1,000,000 per class, summed, exact (no tiers, no discounts in this book).</summary>
    private static Expected ExpectedCharges(ScenarioWorkload workload)
    {
        var byModel = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var e in workload.Expected.Values)
        {
            var p = Prices[e.Model];
            var charge = (e.InputTokens * p.Input + e.CachedInputTokens * p.Cached + e.CacheWriteTokens * p.Write + e.OutputTokens * p.Output) / 1_000_000m;
            byModel[e.Model] = byModel.GetValueOrDefault(e.Model) + charge;
        }
        return new Expected(byModel.Values.Sum(), byModel);
    }

    private static object PriceBook() => new
    {
        currency = "CNY",
        effectiveFrom = "2020-01-01T00:00:00Z",
        prices = Prices.Select(p => new
        {
            model = p.Key,
            inputPerMillion = Text(p.Value.Input),
            cachedInputPerMillion = Text(p.Value.Cached),
            cacheWritePerMillion = Text(p.Value.Write),
            outputPerMillion = Text(p.Value.Output),
        }).ToArray(),
    };

    private static string Text(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private HttpClient Client(ServiceProcess service)
    {
        var http = new HttpClient { BaseAddress = new Uri(service.Url), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Context.AdminKey);
        return http;
    }

    private static async Task<JsonDocument> ExpectAsync(HttpClient http, HttpMethod method, string url, object? body, HttpStatusCode status, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{method} {url} answered {(int)response.StatusCode}, expected {(int)status}: {text[..Math.Min(text.Length, 400)]}");
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }
}
