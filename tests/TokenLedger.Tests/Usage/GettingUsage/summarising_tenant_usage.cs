using NodaTime;
using Shouldly;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;
using Xunit;

namespace TokenLedger.Tests.Usage.GettingUsage;

/// <summary><see cref="TenantUsageSummary.Of"/>: what one recorded batch adds to each tenant's lifetime summary.</summary>
public class summarising_tenant_usage
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 12, 6, 0);

    [Fact]
    public void each_tenant_gets_the_count_tokens_and_occurrence_span_of_its_own_records_only()
    {
        var batch = Batch(T0 + Minutes(10),
            Record("a", "acme", T0 + Minutes(2), tokens: 100),
            Record("b", "globex", T0, tokens: 5_000),
            Record("c", "acme", T0 + Minutes(1), tokens: 50));

        TenantUsageSummary.Of(batch).ShouldBe([
            new TenantUsageSummary("acme", 2, 150, T0 + Minutes(1), T0 + Minutes(2), T0 + Minutes(10)),
            new TenantUsageSummary("globex", 1, 5_000, T0, T0, T0 + Minutes(10)),
        ]);
    }

    [Fact]
    public void every_token_class_counts_towards_the_total()
    {
        var record = new UsageRecord("d", "acme", "deepseek-chat", T0, InputTokens: 1, CachedInputTokens: 20, CacheWriteTokens: 300, OutputTokens: 4_000);

        TenantUsageSummary.Of(Batch(T0, record)).Single().TotalTokens.ShouldBe(4_321);
    }

    [Fact]
    public void tenant_ids_are_matched_exactly_and_ordered_by_ordinal()
    {
        var batch = Batch(T0, Record("h", "acme", T0, tokens: 7), Record("i", "ACME", T0, tokens: 5), Record("j", "Acme", T0, tokens: 3));

        TenantUsageSummary.Of(batch).Select(s => (s.Id, s.TotalTokens)).ShouldBe([("ACME", 5L), ("Acme", 3L), ("acme", 7L)]);
    }

    [Fact]
    public void a_batch_without_records_adds_nothing()
    {
        TenantUsageSummary.Of(Batch(T0)).ShouldBeEmpty();
    }

    private static Duration Minutes(int n) => Duration.FromMinutes(n);

    private static UsageBatchRecorded Batch(Instant recordedAt, params UsageRecord[] records) =>
        new("batch-1", IngestChannels.Amqp, recordedAt, records);

    /// <summary>A record whose token counts (input and output) add up to <paramref name="tokens"/>.</summary>
    private static UsageRecord Record(string eventId, string tenantId, Instant occurredAt, long tokens) =>
        new(eventId, tenantId, "deepseek-chat", occurredAt, tokens / 2, 0, 0, tokens - tokens / 2);
}
