using System.Diagnostics;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record RssSample(TimeSpan At, MemoryReading Memory, long EventsPublished, uint Backlog);

public sealed record SteadyResult(
    int Seconds, int TargetRate, int EventsPerMessage, double AchievedRate, IReadOnlyList<RssSample> Samples,
    RssGrowth Growth, CatchUp Check);

/// <summary>
/// Average RSS of an early window (after a warm-up of the same length) against the last window; growth under 10 %
/// counts as flat. With the default 300 s run both windows are one minute: 60–120 s against 240–300 s.
/// </summary>
public sealed record RssGrowth(TimeSpan Window, double FirstAverageMb, double EarlyAverageMb, double LastAverageMb)
{
    public const double FlatLimit = 0.10;
    public double Growth => EarlyAverageMb > 0 ? (LastAverageMb - EarlyAverageMb) / EarlyAverageMb : 0;
    public bool Flat => Growth < FlatLimit;

    public static RssGrowth Of(IReadOnlyList<RssSample> samples, TimeSpan duration)
    {
        var window = TimeSpan.FromSeconds(Math.Min(60, duration.TotalSeconds / 3));
        var first = samples.Where(s => s.At < window).ToList();
        var early = samples.Where(s => s.At >= window && s.At < window * 2).ToList();
        var last = samples.Where(s => s.At > duration - window).ToList();
        if (early.Count == 0) early = [samples[0]];
        if (last.Count == 0) last = [samples[^1]];
        if (first.Count == 0) first = [samples[0]];
        return new RssGrowth(window, first.Average(s => s.Memory.RssMb), early.Average(s => s.Memory.RssMb), last.Average(s => s.Memory.RssMb));
    }
}

/// <summary>
/// Steady run: a constant rate of fresh events in small arrays for a fixed time while the service's RSS is sampled,
/// to show whether memory settles or keeps growing. The totals are checked afterwards like any other run.
/// </summary>
public sealed class Memory(Broker broker, LedgerReader ledger, ProcessMemory service, BenchOptions options)
{
    public async Task<SteadyResult> RunAsync(string runTag, CancellationToken ct)
    {
        var generator = new UsageGenerator($"{runTag}-m", options.Tenants, options.ZipfExponent, options.Seed + 3);
        var expected = new ExpectedTotals();
        var duration = TimeSpan.FromSeconds(options.SteadySeconds);
        var samples = new List<RssSample>();
        long published = 0;

        var achieved = await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"steady: {options.SteadyRate:N0} events/s in arrays of {options.SteadyBatch} for {options.SteadySeconds} s", maxValue: duration.TotalSeconds);
            await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct);
            var pacer = new Pacer((double)options.SteadyRate / options.SteadyBatch);
            var nextSample = TimeSpan.Zero;
            while (pacer.Elapsed < duration)
            {
                if (pacer.Elapsed >= nextSample)
                {
                    samples.Add(await SampleAsync(nextSample, Interlocked.Read(ref published), ct));
                    nextSample += TimeSpan.FromSeconds(options.SampleSeconds);
                    bar.Value = Math.Min(pacer.Elapsed.TotalSeconds, duration.TotalSeconds);
                }
                var due = await pacer.NextAsync(ct);
                for (var m = 0; m < due; m++)
                {
                    var now = DateTimeOffset.UtcNow;
                    var events = Enumerable.Range(0, options.SteadyBatch).Select(_ => generator.Next(now)).ToList();
                    await publisher.PublishAsync(Queues.Usage, JsonArray.Of(events.Select(e => e.Json).ToList()), ct);
                    foreach (var e in events) expected.Add(e.Sample);
                    Interlocked.Add(ref published, events.Count);
                }
            }
            await publisher.FlushAsync();
            var elapsed = pacer.Elapsed;
            samples.Add(await SampleAsync(duration, published, ct));
            bar.Value = bar.MaxValue;
            return published / elapsed.TotalSeconds;
        });

        Live.Note($"steady run: waiting for its {expected.Events:N0} events to be recorded");
        var check = await Live.ProgressAsync(async progress =>
        {
            var inline = progress.AddTask("steady usage_facts rows (inline)", maxValue: expected.Events);
            var summaries = progress.AddTask("steady tenant summaries (inline)", maxValue: expected.Events);
            return await new Verification(ledger, TimeSpan.FromSeconds(options.StallSeconds))
                .WaitAsync(expected, Stopwatch.StartNew(), v => inline.Value = v, v => summaries.Value = v, ct);
        });
        return new SteadyResult(options.SteadySeconds, options.SteadyRate, options.SteadyBatch, achieved, samples,
            RssGrowth.Of(samples, duration), check);
    }

    private async Task<RssSample> SampleAsync(TimeSpan at, long published, CancellationToken ct) =>
        new(at, service.Read() ?? default, published, await broker.ReadyMessagesAsync(Queues.Usage, ct));
}
