using System.Text;
using Shouldly;
using TokenLedger.Usage.LoggingRejectedUsage;
using TokenLedger.Usage.RecordingUsage;
using Xunit;

namespace TokenLedger.Tests.Usage.LoggingRejectedUsage;

public sealed class logging_rejected_usage
{
    private static UsageItem Refused(string json, string? eventId = "evt-1", int? index = 0) =>
        UsageMessage.Read(Encoding.UTF8.GetBytes(json), Now)[0] with { Index = index, EventId = eventId };

    private static readonly NodaTime.Instant Now = NodaTime.Instant.FromUtc(2026, 6, 12, 8, 0);

    [Fact]
    public void reasons_that_differ_only_in_numbers_or_quoted_values_share_a_key()
    {
        RejectedUsageLog.ReasonKey("message holds 1200 items; the limit is 1000").ShouldBe(RejectedUsageLog.ReasonKey("message holds 1500 items; the limit is 1000"));
        RejectedUsageLog.ReasonKey("content type 'text/plain' is not supported").ShouldBe("content type '…' is not supported");
        RejectedUsageLog.ReasonKey("inputTokens must be between 0 and 1000000000").ShouldBe("inputTokens must be between # and #");
    }

    [Fact]
    public void a_row_keeps_the_first_field_the_reason_and_a_sample_of_at_most_512_characters()
    {
        var item = Refused($"{{\"eventId\":\"evt-1\",\"inputTokens\":-1,\"note\":\"{new string('x', 2000)}\"}}");

        var row = RejectedUsageLog.Row(item, "amqp");

        row.Field.ShouldBe(item.Errors[0].Field);
        row.Reason.ShouldBe(item.Reason);
        row.Sample.Length.ShouldBe(RejectedUsageLog.MaxSampleChars);
        row.EventId.ShouldBe("evt-1");
        row.Channel.ShouldBe("amqp");
    }

    [Fact]
    public void the_same_refused_item_has_the_same_dedupe_key_and_an_item_without_event_id_has_none()
    {
        var json = "{\"eventId\":\"evt-1\",\"inputTokens\":-1}";
        RejectedUsageLog.Row(Refused(json), "amqp").DedupeKey.ShouldBe(RejectedUsageLog.Row(Refused(json), "http").DedupeKey);
        RejectedUsageLog.Row(Refused("{\"eventId\":\"evt-1\",\"inputTokens\":-2}"), "amqp").DedupeKey.ShouldNotBe(RejectedUsageLog.Row(Refused(json), "amqp").DedupeKey);
        RejectedUsageLog.Row(Refused("{\"inputTokens\":-1}", eventId: null), "amqp").DedupeKey.ShouldBeNull();
    }

    [Fact]
    public void text_postgresql_cannot_store_is_replaced_and_a_surrogate_pair_is_never_split()
    {
        RejectedUsageLog.Clean("a\0b", 10).ShouldBe("a\uFFFDb");
        RejectedUsageLog.Clean("ab\uD83D\uDE00", 3).ShouldBe("ab");
        RejectedUsageLog.Clean("a\uD800b", 10).ShouldBe("a\uFFFDb");
    }
}
