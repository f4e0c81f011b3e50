using JasperFx.Events;
using NodaTime;
using Shouldly;
using TokenLedger.Tenants;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;
using Xunit;

namespace TokenLedger.Tests.Usage.GettingUsage;

/// <summary><see cref="TenantUsageSummaryProjection.Evolve"/>: lifetime usage per tenant id, fed event by event.</summary>
public class summarising_tenant_usage
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 12, 6, 0);
    private readonly TenantUsageSummaryProjection _projection = new();

    [Fact]
    public void the_first_batch_starts_a_summary_from_the_tenants_own_records_only()
    {
        var batch = Batch(T0 + Minutes(10),
            Record("a", "acme", T0 + Minutes(2), tokens: 100),
            Record("b", "globex", T0, tokens: 5_000),
            Record("c", "acme", T0 + Minutes(1), tokens: 50));

        var summary = _projection.Evolve(null, "acme", Event(batch));

        summary.ShouldBe(new TenantUsageSummary("acme", 2, 150, T0 + Minutes(1), T0 + Minutes(2), T0 + Minutes(10)));
    }

    [Fact]
    public void a_later_batch_adds_its_counts_and_moves_the_last_occurrence_forward()
    {
        var existing = new TenantUsageSummary("acme", 2, 150, T0 + Minutes(1), T0 + Minutes(2), T0 + Minutes(10));
        var batch = Batch(T0 + Minutes(20),
            Record("d", "acme", T0 + Minutes(5), tokens: 7),
            Record("e", "acme", T0 + Minutes(15), tokens: 3));

        var summary = _projection.Evolve(existing, "acme", Event(batch));

        summary.ShouldBe(new TenantUsageSummary("acme", 4, 160, T0 + Minutes(1), T0 + Minutes(15), T0 + Minutes(20)));
    }

    [Fact]
    public void a_batch_of_late_arrivals_moves_the_first_occurrence_back_and_keeps_the_last()
    {
        var existing = new TenantUsageSummary("acme", 2, 150, T0 + Minutes(1), T0 + Minutes(2), T0 + Minutes(10));
        var batch = Batch(T0 + Minutes(20), Record("d", "acme", T0 - Minutes(30), tokens: 7));

        var summary = _projection.Evolve(existing, "acme", Event(batch));

        summary.ShouldBe(new TenantUsageSummary("acme", 3, 157, T0 - Minutes(30), T0 + Minutes(2), T0 + Minutes(20)));
    }

    [Fact]
    public void a_batch_recorded_earlier_than_the_last_one_does_not_move_last_recorded_at_back()
    {
        var existing = new TenantUsageSummary("acme", 1, 10, T0, T0, T0 + Minutes(30));

        var summary = _projection.Evolve(existing, "acme", Event(Batch(T0 + Minutes(5), Record("f", "acme", T0, tokens: 1))));

        summary!.LastRecordedAt.ShouldBe(T0 + Minutes(30));
        summary.Events.ShouldBe(2);
    }

    [Fact]
    public void a_batch_without_records_for_the_tenant_leaves_the_summary_as_it_was()
    {
        var existing = new TenantUsageSummary("acme", 1, 10, T0, T0, T0);
        var batch = Batch(T0 + Minutes(5), Record("g", "globex", T0, tokens: 99));

        _projection.Evolve(existing, "acme", Event(batch)).ShouldBeSameAs(existing);
        _projection.Evolve(null, "acme", Event(batch)).ShouldBeNull();
    }

    [Fact]
    public void other_events_leave_the_summary_as_it_was()
    {
        var existing = new TenantUsageSummary("acme", 1, 10, T0, T0, T0);
        var other = new Event<TenantRegistered>(new TenantRegistered("acme", "Acme", "Asia/Shanghai", "CNY", T0));

        _projection.Evolve(existing, "acme", other).ShouldBeSameAs(existing);
    }

    [Fact]
    public void tenant_ids_are_matched_exactly()
    {
        var batch = Batch(T0, Record("h", "ACME", T0, tokens: 5), Record("i", "acme", T0, tokens: 7));

        _projection.Evolve(null, "acme", Event(batch))!.TotalTokens.ShouldBe(7);
    }

    private static Duration Minutes(int n) => Duration.FromMinutes(n);

    private static IEvent Event(UsageBatchRecorded batch) => new Event<UsageBatchRecorded>(batch);

    private static UsageBatchRecorded Batch(Instant recordedAt, params UsageRecord[] records) =>
        new("batch-1", IngestChannels.Amqp, recordedAt, records);

    /// <summary>A record whose token counts (input and output) add up to <paramref name="tokens"/>.</summary>
    private static UsageRecord Record(string eventId, string tenantId, Instant occurredAt, long tokens) =>
        new(eventId, tenantId, "deepseek-chat", occurredAt, tokens / 2, 0, 0, tokens - tokens / 2);
}
