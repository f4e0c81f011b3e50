using NodaTime;
using Shouldly;
using TokenLedger.Usage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Tests.Usage.RecordingUsage;

/// <summary><see cref="UsageGroup"/>: many callers' items decided together in one transaction.</summary>
public class deciding_a_group_commit
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);

    [Fact]
    public void an_id_carried_by_two_requests_of_one_group_is_accepted_for_the_first_and_a_duplicate_for_the_second()
    {
        var first = Request(IngestChannels.Amqp, Valid(0, "a"));
        var second = Request(IngestChannels.Amqp, Valid(0, "a"), Valid(1, "b"));

        var decision = UsageGroup.Decide([first, second], Reserved("a", "b"), "g1", Now);

        decision.PerRequest[0].Items.Select(o => o.Status).ShouldBe([UsageItemStatus.Accepted]);
        decision.PerRequest[1].Items.Select(o => o.Status).ShouldBe([UsageItemStatus.Duplicate, UsageItemStatus.Accepted]);
        decision.Recorded.ShouldHaveSingleItem().Records.Select(r => r.EventId).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void all_requests_of_a_channel_share_one_event_and_each_channel_gets_its_own()
    {
        var amqp1 = Request(IngestChannels.Amqp, Valid(0, "a"));
        var http = Request(IngestChannels.Http, Valid(0, "h"));
        var amqp2 = Request(IngestChannels.Amqp, Valid(0, "c"), Invalid(1));

        var decision = UsageGroup.Decide([amqp1, http, amqp2], Reserved("a", "h", "c"), "g2", Now);

        decision.Recorded.Count.ShouldBe(2);
        var amqp = decision.Recorded.Single(e => e.Channel == IngestChannels.Amqp);
        amqp.Records.Select(r => r.EventId).ShouldBe(["a", "c"]);
        amqp.BatchId.ShouldBe("g2-amqp");
        amqp.RecordedAt.ShouldBe(Now);
        decision.Recorded.Single(e => e.Channel == IngestChannels.Http).Records.ShouldHaveSingleItem().EventId.ShouldBe("h");
        decision.PerRequest[2].Count(UsageItemStatus.Rejected).ShouldBe(1);
    }

    [Fact]
    public void ids_already_recorded_before_the_group_are_duplicates_and_produce_no_event()
    {
        var decision = UsageGroup.Decide([Request(IngestChannels.Amqp, Valid(0, "old"))], Reserved(), "g3", Now);

        decision.PerRequest.ShouldHaveSingleItem().Count(UsageItemStatus.Duplicate).ShouldBe(1);
        decision.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public void a_large_group_is_split_into_events_of_at_most_the_maximum_with_every_record_kept_once()
    {
        var requests = Enumerable.Range(0, 2500).Select(i => Request(IngestChannels.Amqp, Valid(0, $"e{i}"))).ToList();

        var decision = UsageGroup.Decide(requests, Reserved(requests.Select(r => r.Items[0].EventId!).ToArray()), "g4", Now);

        decision.Recorded.Select(e => e.Records.Count).ShouldBe([1000, 1000, 500]);
        decision.Recorded.Select(e => e.BatchId).Distinct().Count().ShouldBe(3);
        decision.Recorded.SelectMany(e => e.Records).Select(r => r.EventId).ShouldBe(requests.Select(r => r.Items[0].EventId!));
    }

    private static (IReadOnlyList<UsageItem> Items, string Channel) Request(string channel, params UsageItem[] items) => (items, channel);

    private static HashSet<string> Reserved(params string[] ids) => [.. ids];

    private static UsageItem Valid(int index, string eventId) => new(index, eventId,
        new UsageRecord(eventId, "acme", "qwen3-max", Instant.FromUtc(2026, 6, 12, 7, 59), 10, 20, 0, 30), [], "{}");

    private static UsageItem Invalid(int index) => new(index, null, null, [new UsageFieldError("eventId", "eventId is required")], "{}");
}
