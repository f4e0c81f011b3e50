using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;
using static TokenLedger.Bench.Infrastructure.HttpCalls;

namespace TokenLedger.Bench.Phases;

/// <summary>What the check after the holds phase found: every hold ended, and no tenant below what its rules allow.</summary>
public sealed record HoldCheck(long Placed, long Settled, long Released, long Open, int TenantsChecked, IReadOnlyList<string> Differences, double WaitedSeconds)
{
    public bool Ok => Differences.Count == 0;
}

public sealed record HoldLoadResult(
    int TargetRate, int Seconds, int Connections, int Tenants, int TightTenants, double AchievedRate, IReadOnlyList<double> LatenciesMs,
    long Granted, long Refused, long Errors, string? FirstError, long UsagePublished, int BackgroundRate, double BackgroundAchieved, HoldCheck Check)
{
    public long Sent => Granted + Refused + Errors;
    public double? Percentile(double p) => Percentiles.Of(LatenciesMs, LatenciesMs.Count, p);
}

/// <summary>
/// Holds the way a gateway places them, under ingest load (issue #26): <c>--hold-rate</c> holds/s for
/// <c>--hold-seconds</c> over <c>--hold-connections</c> HTTP connections, spread over prepaid tenants (credit limit 0;
/// one in ten has a small wallet, so that refusals happen); each granted hold's usage (same requestId, fewer tokens)
/// is published to the usage queue <c>--hold-settle-ms</c> later, while a background of <c>--hold-background-rate</c>
/// events/s runs in arrays. Times each hold's HTTP call; afterwards waits until funding has read every usage and checks
/// that every hold was settled or released, that no wallet went below zero and nothing went to postpaid, and that every
/// tenant was charged exactly its usage.
/// </summary>
public sealed class HoldsUnderLoad(Broker broker, BenchOptions options)
{
    private const string Model = "bench-hold-model";
    private const decimal WideWallet = 1_000_000m, TightWallet = 30m, UsageCharge = 1.5m;

    private sealed record PendingUsage(long DueAt, string Tenant, byte[] Json);

    public async Task<HoldLoadResult> RunAsync(string runTag, CancellationToken ct)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.HoldConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var tenants = Enumerable.Range(0, options.HoldTenants).Select(i => $"{runTag}-hold-{i:D3}").ToList();
        var tight = tenants.Where((_, i) => i % 10 == 9).ToHashSet();
        var background = new UsageGenerator($"{runTag}-hb", options.Tenants, options.ZipfExponent, options.Seed + 5);
        await SetUpAsync(http, runTag, tenants, tight, background.TenantIds, ct);

        var latencies = new ConcurrentBag<double>();
        var pending = new ConcurrentQueue<PendingUsage>();
        var usageByTenant = new ConcurrentDictionary<string, int>();
        long granted = 0, refused = 0, errors = 0;
        string? firstError = null;
        var total = (long)options.HoldRate * options.HoldSeconds;
        var settleTicks = (long)(options.HoldSettleMs / 1000.0 * Stopwatch.Frequency);
        long next = -1;
        var duration = TimeSpan.FromSeconds(options.HoldSeconds);

        var (achieved, backgroundRate, usagePublished) = await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"holds: {options.HoldRate:N0}/s for {options.HoldSeconds} s over {options.HoldConnections} connections, " +
                $"{options.HoldBackgroundRate:N0} events/s background", maxValue: total);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var backgroundTask = Task.Run(() => BackgroundArrays.PublishAsync(broker, background, options.HoldBackgroundRate, options.BatchSize, options.ConfirmWindow, stop.Token), ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var clock = Stopwatch.StartNew();
            var callersDone = false;
            var usageTask = Task.Run(() => PublishUsageAsync(pending, () => Volatile.Read(ref callersDone), ct), ct);

            async Task CallerAsync()
            {
                while (true)
                {
                    // Bounded in time: a hold not yet sent when the duration is over is not sent (a slow service reaches a lower rate).
                    if (clock.Elapsed >= duration) return;
                    var i = Interlocked.Increment(ref next);
                    if (i >= total) return;
                    var wait = TimeSpan.FromSeconds(i / (double)options.HoldRate) - clock.Elapsed;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                    var tenant = tenants[(int)(i % tenants.Count)];
                    var requestId = $"{runTag}-hold-req-{i}";
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await http.PostAsJsonAsync($"api/tenants/{tenant}/holds",
                            new { requestId, model = Model, maxInputTokens = 2000, maxOutputTokens = 1000 }, ct);
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            Interlocked.Increment(ref granted);
                            usageByTenant.AddOrUpdate(tenant, 1, (_, n) => n + 1);
                            pending.Enqueue(new PendingUsage(Stopwatch.GetTimestamp() + settleTicks, tenant, JsonSerializer.SerializeToUtf8Bytes(new
                            {
                                eventId = $"{requestId}-u", occurredAt = DateTimeOffset.UtcNow, tenantId = tenant, model = Model,
                                inputTokens = 1200, cachedInputTokens = 0, outputTokens = 300, requestId,
                            })));
                        }
                        else if (response.StatusCode == HttpStatusCode.PaymentRequired) Interlocked.Increment(ref refused);
                        else
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null);
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                    bar.Increment(1);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, options.HoldConnections).Select(_ => Task.Run(CallerAsync, ct)));
            var rate = (granted + refused + errors) / clock.Elapsed.TotalSeconds;
            Volatile.Write(ref callersDone, true);
            var published = await usageTask;
            await stop.CancelAsync();
            return (rate, (double)await backgroundTask, published);
        });

        Live.Note($"holds: {granted:N0} granted, {refused:N0} refused, {errors:N0} errors; waiting for funding to settle them");
        var check = await CheckAsync(http, tenants, tight, usageByTenant, ct);
        return new HoldLoadResult(options.HoldRate, options.HoldSeconds, options.HoldConnections, tenants.Count, tight.Count, achieved,
            latencies.Order().ToList(), granted, refused, errors, firstError, usagePublished, options.HoldBackgroundRate, backgroundRate, check);
    }

    /// <summary>Every usage due is published, as one array per pass (a gateway's batch), until the callers are done and nothing is pending.</summary>
    private async Task<long> PublishUsageAsync(ConcurrentQueue<PendingUsage> pending, Func<bool> callersDone, CancellationToken ct)
    {
        await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct);
        var waiting = new List<PendingUsage>();
        long published = 0;
        while (!callersDone() || !pending.IsEmpty || waiting.Count > 0)
        {
            while (pending.TryDequeue(out var p)) waiting.Add(p);
            var now = Stopwatch.GetTimestamp();
            var due = waiting.Where(p => p.DueAt <= now).ToList();
            foreach (var chunk in due.Chunk(500))
            {
                var body = new StringBuilder("[").AppendJoin(',', chunk.Select(p => Encoding.UTF8.GetString(p.Json))).Append(']').ToString();
                await publisher.PublishAsync(Queues.Usage, Encoding.UTF8.GetBytes(body), ct);
                published += chunk.Length;
            }
            waiting.RemoveAll(p => p.DueAt <= now);
            await Task.Delay(50, ct);
        }
        await publisher.FlushAsync();
        return published;
    }

    private async Task<HoldCheck> CheckAsync(HttpClient http, IReadOnlyList<string> tenants, HashSet<string> tight, ConcurrentDictionary<string, int> usage, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(options.StallSeconds);
        List<JsonElement> balances;
        while (true)
        {
            balances = [.. await Task.WhenAll(tenants.Select(t => http.GetFromJsonAsync<JsonElement>($"api/tenants/{t}/balance", ct)))];
            var caughtUp = balances.All(b => b.GetProperty("holds").GetProperty("open").GetInt32() == 0
                && b.GetProperty("totals").GetProperty("fundedEvents").GetInt64() >= usage.GetValueOrDefault(b.GetProperty("tenantId").GetString()!));
            if (caughtUp || clock.Elapsed > deadline) break;
            await Task.Delay(1000, ct);
        }

        var differences = new List<string>();
        long open = 0;
        foreach (var b in balances)
        {
            var tenant = b.GetProperty("tenantId").GetString()!;
            var wallet = b.GetProperty("wallet").GetDecimal();
            var unbilled = b.GetProperty("postpaid").GetProperty("unbilled").GetDecimal();
            var charged = b.GetProperty("totals").GetProperty("usageCharged").GetDecimal();
            var expected = usage.GetValueOrDefault(tenant) * UsageCharge;
            var funded = tight.Contains(tenant) ? TightWallet : WideWallet;
            open += b.GetProperty("holds").GetProperty("open").GetInt32();
            if (wallet < 0) differences.Add($"{tenant}: wallet {wallet} below zero (credit limit 0)");
            if (unbilled != 0) differences.Add($"{tenant}: {unbilled} on postpaid (credit limit 0)");
            if (charged != expected) differences.Add($"{tenant}: charged {charged}, its usage costs {expected}");
            if (wallet != funded - charged) differences.Add($"{tenant}: wallet {wallet}, expected {funded} - {charged}");
        }
        if (open > 0) differences.Add($"{open} holds still open after {clock.Elapsed.TotalSeconds:0} s");

        // From the ledger itself: every HoldPlaced of the run has its HoldSettled or HoldReleased, once.
        await using var db = NpgsqlDataSource.Create(options.Postgres);
        await using var command = db.CreateCommand(
            "select count(*) filter (where type = 'hold_placed'), count(*) filter (where type = 'hold_settled'), count(*) filter (where type = 'hold_released'), " +
            "count(distinct data->>'holdId') filter (where type in ('hold_settled', 'hold_released')) from tokenledger.mt_events where stream_id = any(@streams)");
        command.Parameters.AddWithValue("streams", tenants.SelectMany(t => new[] { $"holds:{t}", $"funding:{t}" }).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (placed, settled, released, ended) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        if (settled + released != placed) differences.Add($"{placed:N0} holds placed, {settled:N0} settled + {released:N0} released");
        if (ended != settled + released) differences.Add($"{settled + released - ended:N0} holds ended more than once");
        return new HoldCheck(placed, settled, released, open, balances.Count, differences, clock.Elapsed.TotalSeconds);
    }

    private async Task SetUpAsync(HttpClient http, string runTag, IReadOnlyList<string> tenants, HashSet<string> tight, IReadOnlyList<string> backgroundTenants, CancellationToken ct)
    {
        var book = $"{runTag}-hold-book";
        // 1 CNY per 1,000 tokens: a hold (2,000 + 1,000 tokens) is 3 CNY, its usage (1,200 + 300) 1.5 CNY.
        await Ok(http.PutAsJsonAsync($"api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = "2020-01-01T00:00:00Z",
            prices = UsageGenerator.ModelNames.Select(model => new { model, inputPerMillion = "2", cachedInputPerMillion = "0.2", cacheWritePerMillion = "0.5", outputPerMillion = "8" })
                .Append(new { model = Model, inputPerMillion = "1000", cachedInputPerMillion = "1000", cacheWritePerMillion = "1000", outputPerMillion = "1000" }).ToArray(),
        }, ct));
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"holds: registering {tenants.Count} prepaid tenants and {backgroundTenants.Count} priced ones", maxValue: tenants.Count + backgroundTenants.Count);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
            await Parallel.ForEachAsync(tenants, parallel, async (tenant, token) =>
            {
                await Ok(http.PutAsJsonAsync($"api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book }, token));
                await Ok(http.PutAsJsonAsync($"api/tenants/{tenant}/credit-terms", new { creditLimit = "0", drawdownOrder = new[] { "packages", "credits", "wallet" } }, token));
                var wallet = tight.Contains(tenant) ? TightWallet : WideWallet;
                await Ok(http.PostAsJsonAsync($"api/tenants/{tenant}/top-ups", new { amount = wallet.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = "CNY", reference = $"{tenant}-top-up" }, token));
                bar.Increment(1);
            });
            await Parallel.ForEachAsync(backgroundTenants, parallel, async (tenant, token) =>
            {
                await Ok(http.PutAsJsonAsync($"api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book }, token));
                bar.Increment(1);
            });
            return 0;
        });
        // The top-ups are funded asynchronously: wait until every wallet shows its money before the first hold.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(options.StallSeconds))
        {
            var wallets = await Task.WhenAll(tenants.Select(t => http.GetFromJsonAsync<JsonElement>($"api/tenants/{t}/balance", ct)));
            if (wallets.All(b => b.GetProperty("wallet").GetDecimal() > 0 && b.GetProperty("postpaid").GetProperty("creditLimit").ValueKind == JsonValueKind.Number)) return;
            await Task.Delay(500, ct);
        }
        throw new InvalidOperationException("the hold tenants' top-ups were not funded in time");
    }
}
