using NodaTime;
using Shouldly;
using TokenLedger.Usage;
using TokenLedger.Usage.RecordingUsage;
using Xunit;

namespace TokenLedger.Tests.Usage.RecordingUsage;

/// <summary>The pure decider <see cref="RecordUsage"/>: which items become ledger facts, and in which events.</summary>
public class recording_usage
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0, 15);
    private const string BatchId = "0197a5e2c0b37d6e9f1a2b3c4d5e6f70";

    [Fact]
    public void a_reserved_id_is_accepted_an_unreserved_one_is_a_duplicate_and_an_invalid_item_is_rejected()
    {
        var accepted = Valid(0, "a");
        var duplicate = Valid(1, "b");
        var rejected = Invalid(2, "c");

        var decision = Decide([accepted, duplicate, rejected], reserved: ["a"]);

        decision.Outcomes.ShouldBe([
            new UsageItemOutcome(accepted, UsageItemStatus.Accepted),
            new UsageItemOutcome(duplicate, UsageItemStatus.Duplicate),
            new UsageItemOutcome(rejected, UsageItemStatus.Rejected),
        ]);
        decision.Count(UsageItemStatus.Accepted).ShouldBe(1);
        decision.Count(UsageItemStatus.Duplicate).ShouldBe(1);
        decision.Count(UsageItemStatus.Rejected).ShouldBe(1);
        var recorded = decision.Recorded.ShouldHaveSingleItem();
        recorded.BatchId.ShouldBe(BatchId);
        recorded.Channel.ShouldBe(IngestChannels.Amqp);
        recorded.RecordedAt.ShouldBe(Now);
        recorded.Records.ShouldBe([accepted.Record!]);
    }

    [Fact]
    public void an_invalid_item_is_rejected_even_if_its_id_was_reserved()
    {
        var decision = Decide([Invalid(0, "a")], reserved: ["a"]);

        decision.Outcomes.Single().Status.ShouldBe(UsageItemStatus.Rejected);
        decision.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public void an_id_repeated_within_the_batch_counts_once_at_its_first_occurrence()
    {
        var first = Valid(0, "a", inputTokens: 100);
        var second = Valid(1, "a", inputTokens: 999);

        var decision = Decide([first, second], reserved: ["a"]);

        decision.Outcomes.Select(o => o.Status).ShouldBe([UsageItemStatus.Accepted, UsageItemStatus.Duplicate]);
        decision.Recorded.ShouldHaveSingleItem().Records.ShouldHaveSingleItem().InputTokens.ShouldBe(100);
    }

    [Fact]
    public void an_invalid_copy_of_an_id_does_not_use_it_up_so_the_first_valid_copy_is_accepted()
    {
        var invalid = Invalid(0, "a");
        var valid = Valid(1, "a");

        var decision = Decide([invalid, valid], reserved: ["a"]);

        decision.Outcomes.Select(o => o.Status).ShouldBe([UsageItemStatus.Rejected, UsageItemStatus.Accepted]);
        decision.Recorded.Single().Records.ShouldBe([valid.Record!]);
    }

    [Fact]
    public void ids_are_compared_ordinally()
    {
        var decision = Decide([Valid(0, "A"), Valid(1, "a")], reserved: ["a"]);

        decision.Outcomes.Select(o => o.Status).ShouldBe([UsageItemStatus.Duplicate, UsageItemStatus.Accepted]);
    }

    [Fact]
    public void a_batch_without_valid_items_records_no_event()
    {
        var decision = Decide([Invalid(0, "a"), Invalid(1, null)], reserved: []);

        decision.Recorded.ShouldBeEmpty();
        decision.Count(UsageItemStatus.Rejected).ShouldBe(2);
    }

    [Fact]
    public void a_batch_of_only_duplicates_records_no_event()
    {
        var decision = Decide([Valid(0, "a"), Valid(1, "b")], reserved: []);

        decision.Recorded.ShouldBeEmpty();
        decision.Count(UsageItemStatus.Duplicate).ShouldBe(2);
    }

    [Fact]
    public void an_empty_batch_decides_nothing()
    {
        var decision = Decide([], reserved: []);

        decision.Recorded.ShouldBeEmpty();
        decision.Outcomes.ShouldBeEmpty();
    }

    [Fact]
    public void exactly_the_maximum_records_fit_in_one_event()
    {
        var items = Enumerable.Range(0, RecordUsage.MaxRecordsPerEvent).Select(i => Valid(i, $"evt-{i}")).ToList();

        var decision = Decide(items, reserved: items.Select(i => i.EventId!));

        decision.Recorded.ShouldHaveSingleItem().Records.Count.ShouldBe(1000);
    }

    [Fact]
    public void more_records_than_one_event_holds_are_split_into_events_with_distinct_batch_ids_keeping_every_record_in_order()
    {
        var items = Enumerable.Range(0, 2501).Select(i => Valid(i, $"evt-{i}")).ToList();

        var decision = Decide(items, reserved: items.Select(i => i.EventId!), channel: IngestChannels.Http);

        decision.Recorded.Select(r => r.BatchId).ShouldBe([BatchId, $"{BatchId}-1", $"{BatchId}-2"]);
        decision.Recorded.Select(r => r.Records.Count).ShouldBe([1000, 1000, 501]);
        decision.Recorded.SelectMany(r => r.Records).ShouldBe(items.Select(i => i.Record!));
        decision.Recorded.ShouldAllBe(r => r.RecordedAt == Now && r.Channel == IngestChannels.Http);
    }

    [Fact]
    public void records_are_split_after_duplicates_and_rejections_are_dropped()
    {
        var items = Enumerable.Range(0, 1003)
            .Select(i => i % 2 == 0 ? Valid(i, $"evt-{i}") : Invalid(i, $"bad-{i}"))
            .Append(Valid(1003, "evt-0"))
            .ToList();

        var decision = Decide(items, reserved: items.Where(i => i.IsValid).Select(i => i.EventId!));

        decision.Recorded.ShouldHaveSingleItem().Records.Count.ShouldBe(502);
        decision.Count(UsageItemStatus.Accepted).ShouldBe(502);
        decision.Count(UsageItemStatus.Rejected).ShouldBe(501);
        decision.Count(UsageItemStatus.Duplicate).ShouldBe(1);
        decision.Outcomes.Last().Status.ShouldBe(UsageItemStatus.Duplicate);
    }

    [Fact]
    public void candidate_ids_are_the_distinct_ids_of_valid_items_in_first_seen_order()
    {
        var items = new[] { Valid(0, "b"), Invalid(1, "x"), Valid(2, "a"), Valid(3, "b"), Invalid(4, null), Valid(5, "B") };

        RecordUsage.CandidateIds(items).ShouldBe(["b", "a", "B"]);
    }

    [Fact]
    public void a_batch_without_valid_items_has_no_candidate_ids()
    {
        RecordUsage.CandidateIds([Invalid(0, "a")]).ShouldBeEmpty();
    }

    private static RecordUsageDecision Decide(
        IReadOnlyList<UsageItem> items, IEnumerable<string> reserved, string channel = IngestChannels.Amqp) =>
        RecordUsage.Decide(items, reserved.ToHashSet(StringComparer.Ordinal), BatchId, channel, Now);

    private static UsageItem Valid(int index, string eventId, long inputTokens = 10) => new(
        index, eventId,
        new UsageRecord(eventId, "acme", "deepseek-chat", Instant.FromUtc(2026, 6, 12, 7, 59), inputTokens, 20, 0, 30),
        [], $"{{\"eventId\":\"{eventId}\"}}");

    private static UsageItem Invalid(int index, string? eventId) => new(
        index, eventId, null, [new UsageFieldError("tenantId", "tenantId is required")], $"{{\"eventId\":\"{eventId}\"}}");
}
