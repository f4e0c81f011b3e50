using System.Diagnostics.Metrics;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Usage;

/// <summary>OpenTelemetry counters for the ingest path, tagged by channel (amqp or http).</summary>
public sealed class UsageMetrics
{
    public const string MeterName = "TokenLedger";
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;
    private readonly Histogram<int> _commitItems;
    private readonly Histogram<double> _commitDuration;

    public UsageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("tokenledger.usage.ingested", "{event}", "Usage events recorded for the first time");
        _duplicates = meter.CreateCounter<long>("tokenledger.usage.duplicates", "{event}", "Usage events ignored because their eventId was already recorded");
        _rejected = meter.CreateCounter<long>("tokenledger.usage.rejected", "{event}", "Usage events or messages refused as invalid");
        _commitItems = meter.CreateHistogram<int>("tokenledger.usage.commit.items", "{item}", "Items decided in one group commit");
        _commitDuration = meter.CreateHistogram<double>("tokenledger.usage.commit.duration", "ms", "Duration of one group commit");
    }

    public void Committed(int items, TimeSpan duration)
    {
        _commitItems.Record(items);
        _commitDuration.Record(duration.TotalMilliseconds);
    }

    public void Record(UsageOutcomes decision, string channel)
    {
        var tag = new KeyValuePair<string, object?>("channel", channel);
        _accepted.Add(decision.Count(UsageItemStatus.Accepted), tag);
        _duplicates.Add(decision.Count(UsageItemStatus.Duplicate), tag);
        _rejected.Add(decision.Count(UsageItemStatus.Rejected), tag);
    }
}
