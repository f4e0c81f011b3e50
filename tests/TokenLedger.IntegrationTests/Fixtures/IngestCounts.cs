using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TokenLedger.Usage;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>
/// What each of several service instances in this test process decided about usage items, read from the service's own
/// OpenTelemetry counters (tokenledger.usage.ingested, .duplicates, .rejected). Each instance creates its meter through
/// its own <see cref="IMeterFactory"/>, which is the meter's scope, so the counts are told apart per instance. Without
/// hosts it counts every instance of the process as one (the integration tests run one at a time), which can start
/// before the instance does.
/// </summary>
public sealed class IngestCounts : IDisposable
{
    private readonly IMeterFactory[] _factories;
    private readonly long[,] _counts;
    private readonly MeterListener _listener = new();
    private static readonly string[] Instruments = ["tokenledger.usage.ingested", "tokenledger.usage.duplicates", "tokenledger.usage.rejected"];

    public IngestCounts(params LedgerHost[] hosts)
    {
        _factories = hosts.Select(h => h.Host.Services.GetRequiredService<IMeterFactory>()).ToArray();
        _counts = new long[Math.Max(1, hosts.Length), Instruments.Length];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var host = _factories.Length == 0 ? 0 : Array.FindIndex(_factories, f => ReferenceEquals(f, instrument.Meter.Scope));
            var kind = Array.IndexOf(Instruments, instrument.Name);
            if (instrument.Meter.Name == UsageMetrics.MeterName && host >= 0 && kind >= 0) listener.EnableMeasurementEvents(instrument, (host, kind));
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, state) =>
        {
            var (host, kind) = ((int, int))state!;
            Interlocked.Add(ref _counts[host, kind], value);
        });
        _listener.Start();
    }

    /// <summary>Items the instance recorded for the first time.</summary>
    public long Accepted(int host) => Interlocked.Read(ref _counts[host, 0]);

    public long Duplicates(int host) => Interlocked.Read(ref _counts[host, 1]);

    public long Rejected(int host) => Interlocked.Read(ref _counts[host, 2]);

    /// <summary>Items the instance decided, whatever the decision.</summary>
    public long Decided(int host) => Accepted(host) + Duplicates(host) + Rejected(host);

    public long DecidedByAll => Enumerable.Range(0, _counts.GetLength(0)).Sum(Decided);

    public void Dispose() => _listener.Dispose();
}
