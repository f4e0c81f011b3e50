using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record LatencyResult(
    int ProbesSent, IReadOnlyList<double> LatenciesMs, IReadOnlyList<double> ConfirmsMs, IReadOnlyList<string> Errors, int ProbeTimeoutSeconds,
    int TargetRate, double AchievedRate, uint BacklogAtEnd, CatchUp Background, int WarmUpSeconds)
{
    /// <summary>A few thousand queued messages are a moment's work; more means the load outran the service.</summary>
    public bool KeptUp => BacklogAtEnd <= Math.Max(1000, TargetRate / 2);

    public int Seen => LatenciesMs.Count;

    /// <summary>Over all probes sent, lost ones ranking above every seen one; null when the rank falls on a lost probe.</summary>
    public double? Percentile(double p) => Percentiles.Of(LatenciesMs, ProbesSent, p);

    /// <summary>The broker's share: publish → publisher confirm, over the probes whose confirm arrived.</summary>
    public double? ConfirmPercentile(double p) => Percentiles.Of(ConfirmsMs, ConfirmsMs.Count, p);

    public double? Max => Seen == ProbesSent && Seen > 0 ? LatenciesMs[^1] : null;
}

/// <summary>
/// Publish-to-query latency under load: a steady background of single-event messages, and every probe interval one
/// probe event for a tenant id of its own; each probe is timed from just before its publish until
/// <c>GET /api/tenants/{probe}/usage</c> shows it. The background runs alone for --latency-warmup-seconds first; probes
/// are then sent for at most --latency-seconds; a probe not seen
/// within --probe-timeout-seconds counts as lost.
/// </summary>
public sealed class Latency(Broker broker, LedgerReader ledger, BenchOptions options)
{
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(100);

    public async Task<LatencyResult> RunAsync(string runTag, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var background = new UsageGenerator($"{runTag}-l", options.Tenants, options.ZipfExponent, options.Seed + 1);
        var probes = new UsageGenerator($"{runTag}-p", 1, 1, options.Seed + 2);
        var expected = new ExpectedTotals();
        var latencies = new List<double>();
        var confirms = new List<double>();
        var errors = new List<string>();
        var phase = TimeSpan.FromSeconds(options.LatencySeconds);
        var warmUp = TimeSpan.FromSeconds(options.LatencyWarmUpSeconds);

        var (sent, achieved) = await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"latency: {options.LatencyRate:N0} events/s background, a probe every {options.ProbeIntervalMs} ms", maxValue: (warmUp + phase).TotalSeconds);
            using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var backgroundTask = Task.Run(() => PublishBackgroundAsync(background, expected, stopBackground.Token), ct);
            var clock = Stopwatch.StartNew();
            await Task.Delay(warmUp, ct);
            var probing = Stopwatch.StartNew();

            await using var probePublisher = await Publisher.OpenAsync(broker.Connection, 1, ct);
            var polls = new List<Task>();
            var probeCount = 0;
            var pacer = new Pacer(1000.0 / options.ProbeIntervalMs);
            while (probeCount < options.Probes && probing.Elapsed < phase)
            {
                await pacer.NextAsync(ct);
                var tenant = $"{runTag}-probe-{++probeCount:D5}";
                var probe = probes.NextFor(tenant, DateTimeOffset.UtcNow);
                var started = Stopwatch.GetTimestamp();
                var confirmed = probePublisher.StartPublish(Queues.Usage, probe.Json, ct);
                polls.Add(ProbeAsync(http, tenant, started, TimeSpan.FromSeconds(options.ProbeTimeoutSeconds), confirmed, latencies, confirms, errors, ct));
                bar.Value = Math.Min(clock.Elapsed.TotalSeconds, bar.MaxValue);
            }
            await Task.WhenAll(polls);
            var elapsed = clock.Elapsed;
            await stopBackground.CancelAsync();
            var published = await backgroundTask;
            bar.Value = bar.MaxValue;
            return (probeCount, published / elapsed.TotalSeconds);
        });

        var backlog = await broker.ReadyMessagesAsync(Queues.Usage, ct);
        Live.Note($"latency background: waiting for its {expected.Events:N0} events to be recorded ({backlog:N0} messages still queued)");
        var check = await Live.ProgressAsync(async progress =>
        {
            var inline = progress.AddTask("background usage_facts rows (inline)", maxValue: Math.Max(1, expected.Events));
            var summaries = progress.AddTask("background tenant summaries (inline)", maxValue: Math.Max(1, expected.Events));
            return await new Verification(ledger, TimeSpan.FromSeconds(options.StallSeconds))
                .WaitAsync(expected, Stopwatch.StartNew(), v => inline.Value = v, v => summaries.Value = v, ct);
        });
        return new LatencyResult(
            sent, latencies.Order().ToList(), confirms.Order().ToList(), errors, options.ProbeTimeoutSeconds, options.LatencyRate, achieved, backlog, check,
            options.LatencyWarmUpSeconds);
    }

    private async Task<long> PublishBackgroundAsync(UsageGenerator generator, ExpectedTotals expected, CancellationToken stop)
    {
        await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, CancellationToken.None);
        if (options.LatencyRate == 0) return 0;
        var pacer = new Pacer(options.LatencyRate);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var due = await pacer.NextAsync(stop);
                for (var i = 0; i < due; i++)
                {
                    var e = generator.Next(DateTimeOffset.UtcNow);
                    await publisher.PublishAsync(Queues.Usage, e.Json, CancellationToken.None);
                    expected.Add(e.Sample);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await publisher.FlushAsync();
        return publisher.Published;
    }

    /// <summary>Waits for the probe's confirm (timing it), then polls the usage query until the probe shows up (or times out).</summary>
    private static async Task ProbeAsync(
        HttpClient http, string tenant, long started, TimeSpan timeout, Task confirmed, List<double> latencies, List<double> confirms, List<string> errors,
        CancellationToken ct)
    {
        try
        {
            await confirmed;
            var confirmedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (confirms) confirms.Add(confirmedMs);
            var now = DateTimeOffset.UtcNow;
            var url = $"api/tenants/{Uri.EscapeDataString(tenant)}/usage?from={Query(now.AddHours(-1))}&to={Query(now.AddHours(1))}";
            while (Stopwatch.GetElapsedTime(started) < timeout)
            {
                using var response = await http.GetAsync(url, ct);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
                if (json.RootElement.GetProperty("models").GetArrayLength() > 0)
                {
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies) latencies.Add(ms);
                    return;
                }
                await Task.Delay(PollInterval(Stopwatch.GetElapsedTime(started)), ct);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            lock (errors) errors.Add($"probe {tenant}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Every 10 ms at first, then 5 % of the time waited so far (at most 100 ms): fine resolution without flooding the service.</summary>
    private static TimeSpan PollInterval(TimeSpan waited)
    {
        var interval = waited * 0.05;
        return interval < MinPoll ? MinPoll : interval > MaxPoll ? MaxPoll : interval;
    }

    private static string Query(DateTimeOffset t) =>
        Uri.EscapeDataString(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture));
}
