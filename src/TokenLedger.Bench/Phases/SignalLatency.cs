using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;
using static TokenLedger.Bench.Infrastructure.HttpCalls;

namespace TokenLedger.Bench.Phases;

public sealed record SignalLatencyResult(
    int ProbesSent, IReadOnlyList<double> LatenciesMs, int BackgroundRate, double AchievedRate, int EventsPerMessage, int TimeoutSeconds, uint UsageBacklog, long FundingLag)
{
    public int Seen => LatenciesMs.Count;
    public double? Percentile(double p) => Percentiles.Of(LatenciesMs, ProbesSent, p);
}

/// <summary>
/// Cap-signal latency under load: a background of arrays of usage, and every probe interval one Coding Plan tenant
/// (cap: 10 requests per rolling 5 hours, block) gets 10 requests in one message; each probe is timed from just before
/// that publish until its <c>cap-reached</c> signal arrives on a queue bound to <c>tokenledger.signals.v1</c>.
/// The path it measures: ingest and rating, the Funding subscription, the signal relay, RabbitMQ.
/// </summary>
public sealed class SignalLatency(Broker broker, BenchOptions options)
{
    private const int Cap = 10;
    private const string Model = "bench-model";

    public async Task<SignalLatencyResult> RunAsync(string runTag, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var probes = Enumerable.Range(1, options.SignalProbes).Select(i => $"{runTag}-sig-{i:D4}").ToList();
        var background = new UsageGenerator($"{runTag}-sb", options.Tenants, options.ZipfExponent, options.Seed + 3);
        await SetUpAsync(http, runTag, probes, background.TenantIds, ct);

        var started = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        await using var channel = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync("tokenledger.signals.v1", ExchangeType.Topic, durable: true, cancellationToken: ct);
        var queue = (await channel.QueueDeclareAsync("", false, true, true, cancellationToken: ct)).QueueName;
        await channel.QueueBindAsync(queue, "tokenledger.signals.v1", "tenant.*.cap-reached", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var tenant = delivery.RoutingKey.Split('.')[1];
            if (started.TryRemove(tenant, out var at)) latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);

        var backlog = 0u;
        var (sent, achieved) = await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"signals: {options.SignalRate:N0} events/s background in arrays of {options.BatchSize}, a probe every {options.SignalIntervalMs} ms", maxValue: probes.Count);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var backgroundTask = Task.Run(() => BackgroundArrays.PublishAsync(broker, background, options.SignalRate, options.BatchSize, options.ConfirmWindow, stop.Token), ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var clock = Stopwatch.StartNew();
            await using var publisher = await Publisher.OpenAsync(broker.Connection, 1, ct);
            var pacer = new Pacer(1000.0 / options.SignalIntervalMs);
            foreach (var tenant in probes)
            {
                await pacer.NextAsync(ct);
                var now = DateTimeOffset.UtcNow;
                var body = JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(0, Cap).Select(i => new
                {
                    eventId = $"{tenant}-{i}", occurredAt = now, tenantId = tenant, model = Model, inputTokens = 100, cachedInputTokens = 0, outputTokens = 10,
                }));
                started[tenant] = Stopwatch.GetTimestamp();
                await publisher.PublishAsync("tokenledger.usage.v1", body, ct);
                bar.Increment(1);
            }
            backlog = await broker.ReadyMessagesAsync(Queues.Usage, ct);
            var deadline = Stopwatch.StartNew();
            while (!started.IsEmpty && deadline.Elapsed < TimeSpan.FromSeconds(options.ProbeTimeoutSeconds)) await Task.Delay(50, ct);
            await stop.CancelAsync();
            var rate = await backgroundTask;
            return (probes.Count, (double)rate);
        });
        return new SignalLatencyResult(sent, latencies.Order().ToList(), options.SignalRate, achieved, options.BatchSize, options.ProbeTimeoutSeconds,
            backlog, await FundingLagAsync(ct));
    }

    /// <summary>A price book for every model, the plan, the probe tenants subscribed, and the background tenants priced so their usage is rated and funded too.</summary>
    /// <summary>Events the Funding subscription had still to read when the probes ended (0: it kept up).</summary>
    private async Task<long> FundingLagAsync(CancellationToken ct)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(options.Postgres);
        await using var command = db.CreateCommand(
            "select (select coalesce(max(seq_id), 0) from tokenledger.mt_events) - coalesce((select last_seq_id from tokenledger.mt_event_progression where name = 'Funding:All'), 0)");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task SetUpAsync(HttpClient http, string runTag, IReadOnlyList<string> probes, IReadOnlyList<string> backgroundTenants, CancellationToken ct)
    {
        var book = $"{runTag}-sig-book";
        var plan = $"{runTag}-sig-plan";
        await Ok(http.PutAsJsonAsync($"api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = "2020-01-01T00:00:00Z",
            prices = UsageGenerator.ModelNames.Append(Model).Select(model => new { model, inputPerMillion = "2", cachedInputPerMillion = "0.2", cacheWritePerMillion = "0.5", outputPerMillion = "8" }).ToArray(),
        }, ct));
        await Ok(http.PutAsJsonAsync($"api/plans/{plan}", new
        {
            name = "Bench Coding Plan", currency = "CNY", monthlyFee = 40, models = new[] { Model },
            caps = new[] { new { window = "rolling-5h", unit = "requests", limit = Cap } }, overagePolicy = "block",
        }, ct));
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"signals: registering {probes.Count} Coding Plan tenants and {backgroundTenants.Count} priced ones", maxValue: probes.Count + backgroundTenants.Count);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
            await Parallel.ForEachAsync(backgroundTenants, parallel, async (tenant, token) =>
            {
                await Ok(http.PutAsJsonAsync($"api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book }, token));
                bar.Increment(1);
            });
            await Parallel.ForEachAsync(probes, parallel, async (tenant, token) =>
            {
                await Ok(http.PutAsJsonAsync($"api/tenants/{tenant}", new { name = tenant, retailPriceBookId = book }, token));
                await Ok(http.PostAsJsonAsync($"api/tenants/{tenant}/subscription", new { planId = plan }, token));
                bar.Increment(1);
            });
            return 0;
        });
    }
}
