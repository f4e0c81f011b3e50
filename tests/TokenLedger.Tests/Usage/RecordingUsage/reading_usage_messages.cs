using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using Shouldly;
using TokenLedger.Usage;
using TokenLedger.Usage.RecordingUsage;
using Xunit;
using static TokenLedger.Tests.Usage.RecordingUsage.UsageJson;

namespace TokenLedger.Tests.Usage.RecordingUsage;

/// <summary>The message level of <see cref="UsageMessage.Read"/>: shapes, limits and whole-message refusals.</summary>
public class reading_usage_messages
{
    [Fact]
    public void a_single_object_is_read_as_one_item_without_an_index()
    {
        var items = Read(ValidItem("evt-1"));

        var item = items.ShouldHaveSingleItem();
        item.Index.ShouldBeNull();
        item.EventId.ShouldBe("evt-1");
        item.IsValid.ShouldBeTrue();
        item.Errors.ShouldBeEmpty();
        item.Record!.EventId.ShouldBe("evt-1");
    }

    [Fact]
    public void every_field_of_a_valid_item_is_mapped_exactly()
    {
        const string json = """
            {"eventId":"019eba6d-a134-7d3e-9a41-6f2c8e1b4d07","occurredAt":"2026-06-12T14:03:27.412+08:00",
             "tenantId":"acme","model":"deepseek-chat","provider":"deepseek","planId":"pro-monthly",
             "distributorId":"cn-east-reseller-07","requestId":"chatcmpl-8f3b2a61c9e24d0f",
             "inputTokens":1830,"cachedInputTokens":4096,"cacheWriteTokens":2048,"outputTokens":612}
            """;

        var item = Read(json).ShouldHaveSingleItem();

        item.Record.ShouldBe(new UsageRecord(
            EventId: "019eba6d-a134-7d3e-9a41-6f2c8e1b4d07",
            TenantId: "acme",
            Model: "deepseek-chat",
            OccurredAt: Instant.FromUtc(2026, 6, 12, 6, 3, 27) + Duration.FromMilliseconds(412),
            InputTokens: 1830,
            CachedInputTokens: 4096,
            CacheWriteTokens: 2048,
            OutputTokens: 612,
            Provider: "deepseek",
            PlanId: "pro-monthly",
            DistributorId: "cn-east-reseller-07",
            RequestId: "chatcmpl-8f3b2a61c9e24d0f"));
        item.Record!.TotalTokens.ShouldBe(1830 + 4096 + 2048 + 612);
        item.RawText.ShouldBeEmpty("only refused items keep their text, for the dead letter");
    }

    [Fact]
    public void an_offset_of_plus_eight_hours_is_converted_to_the_instant_eight_hours_earlier_in_utc()
    {
        var item = Read(ValidItem().With("occurredAt", "2026-06-12T00:30:00+08:00")).ShouldHaveSingleItem();

        item.Record!.OccurredAt.ShouldBe(Instant.FromUtc(2026, 6, 11, 16, 30));
    }

    [Fact]
    public void a_missing_cache_write_count_is_recorded_as_zero_and_missing_optional_strings_as_null()
    {
        var record = Read(ValidItem()).ShouldHaveSingleItem().Record!;

        record.CacheWriteTokens.ShouldBe(0);
        record.Provider.ShouldBeNull();
        record.PlanId.ShouldBeNull();
        record.DistributorId.ShouldBeNull();
        record.RequestId.ShouldBeNull();
    }

    [Fact]
    public void an_array_is_read_as_one_item_per_element_indexed_in_order()
    {
        var items = Read(new JsonArray(ValidItem("a"), ValidItem("b"), ValidItem("c")));

        items.Select(i => i.Index).ShouldBe([0, 1, 2]);
        items.Select(i => i.Record!.EventId).ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public void exactly_one_thousand_items_are_all_accepted()
    {
        var items = Read(ArrayOf(Enumerable.Range(0, 1000).Select(i => ValidItem($"evt-{i}"))));

        items.Count.ShouldBe(1000);
        items.ShouldAllBe(i => i.IsValid);
        items[999].Index.ShouldBe(999);
        items[999].Record!.EventId.ShouldBe("evt-999");
    }

    [Fact]
    public void one_thousand_and_one_items_are_refused_as_a_whole()
    {
        var body = ArrayOf(Enumerable.Range(0, 1001).Select(i => ValidItem($"evt-{i}"))).Text();

        var item = Read(body).ShouldHaveSingleItem();

        ShouldBeWholeMessageRefusal(item, "message holds 1001 items; the limit is 1000");
        item.RawText.ShouldBe(body[..65_536]);
    }

    [Fact]
    public void an_empty_array_is_refused_as_a_whole()
    {
        var item = Read("[]").ShouldHaveSingleItem();

        ShouldBeWholeMessageRefusal(item, "message is an empty array");
        item.RawText.ShouldBe("[]");
    }

    [Theory]
    [InlineData("{\"eventId\":")]
    [InlineData("{\"eventId\":\"a\",}")]
    [InlineData("[{\"eventId\":\"a\"}")]
    [InlineData("")]
    [InlineData("not json")]
    public void malformed_json_is_refused_as_a_whole_with_a_reason_naming_json(string body)
    {
        var item = Read(body).ShouldHaveSingleItem();

        item.Index.ShouldBeNull();
        item.EventId.ShouldBeNull();
        item.Record.ShouldBeNull();
        var error = item.Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe("message");
        error.Message.ShouldStartWith("message is not valid JSON: ");
        error.Message.Length.ShouldBeGreaterThan("message is not valid JSON: ".Length);
        item.RawText.ShouldBe(body);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"usage\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void a_root_that_is_neither_object_nor_array_is_refused_as_a_whole(string body)
    {
        var item = Read(body).ShouldHaveSingleItem();

        ShouldBeWholeMessageRefusal(item, "message must be a usage event object or an array of them");
    }

    [Fact]
    public void an_array_element_that_is_not_an_object_is_refused_on_its_own()
    {
        var items = Read(new JsonArray(ValidItem("a"), 42, "text", null, new JsonArray(), ValidItem("b")));

        items.Count.ShouldBe(6);
        items.Select(i => i.IsValid).ShouldBe([true, false, false, false, false, true]);
        foreach (var refused in items.Skip(1).Take(4))
        {
            refused.EventId.ShouldBeNull();
            refused.Errors.ShouldBe([new UsageFieldError("item", "item must be a JSON object")]);
        }
        items[1].Index.ShouldBe(1);
        items[1].RawText.ShouldBe("42");
        items[2].RawText.ShouldBe("\"text\"");
    }

    [Fact]
    public void bytes_that_are_not_utf8_are_refused_as_a_whole()
    {
        var body = Utf8("{\"eventId\":\"").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Utf8("\"}")).ToArray();

        var item = UsageMessage.Read(body, Now).ShouldHaveSingleItem();

        ShouldBeWholeMessageRefusal(item, "message is not valid UTF-8");
    }

    [Fact]
    public void a_byte_order_mark_makes_the_message_invalid_json()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8(ValidItem().Text())).ToArray();

        var item = UsageMessage.Read(body, Now).ShouldHaveSingleItem();

        item.Errors.ShouldHaveSingleItem().Message.ShouldStartWith("message is not valid JSON: ");
    }

    [Fact]
    public void nesting_up_to_the_max_depth_is_read_but_one_level_deeper_is_refused_as_a_whole()
    {
        // The item object is one level; its unknown field adds the rest.
        var withinLimit = ValidItem().WithRaw("extra", Nested(UsageMessage.MaxJsonDepth - 1));
        var tooDeep = ValidItem().WithRaw("extra", Nested(UsageMessage.MaxJsonDepth));

        Read(withinLimit).ShouldHaveSingleItem().IsValid.ShouldBeTrue();

        var refused = Read(tooDeep).ShouldHaveSingleItem();
        var error = refused.Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe("message");
        error.Message.ShouldStartWith("message is not valid JSON: ");
        error.Message.ShouldContain("depth of 8");

        static string Nested(int levels) => new string('[', levels) + new string(']', levels);
    }

    [Fact]
    public void a_body_of_exactly_the_size_limit_is_read()
    {
        var json = ValidItem().Text();
        var body = Utf8(json + new string(' ', UsageMessage.MaxBodyBytes - Encoding.UTF8.GetByteCount(json)));
        body.Length.ShouldBe(2 * 1024 * 1024);

        UsageMessage.Read(body, Now).ShouldHaveSingleItem().IsValid.ShouldBeTrue();
    }

    [Fact]
    public void a_body_larger_than_the_size_limit_is_refused_as_a_whole_with_a_truncated_payload()
    {
        var json = ValidItem().Text();
        var body = Utf8(json + new string(' ', UsageMessage.MaxBodyBytes + 1 - Encoding.UTF8.GetByteCount(json)));

        var item = UsageMessage.Read(body, Now).ShouldHaveSingleItem();

        ShouldBeWholeMessageRefusal(item, "message is 2097153 bytes; the limit is 2097152");
        item.RawText.Length.ShouldBe(65_536);
        item.RawText.ShouldStartWith(json);
    }

    [Fact]
    public void the_raw_text_of_a_huge_refused_item_is_cut_to_64_kib()
    {
        var huge = ValidItem().Without("tenantId").With("note", new string('x', 100_000));

        var item = Read(new JsonArray(huge)).ShouldHaveSingleItem();

        item.IsValid.ShouldBeFalse();
        item.RawText.Length.ShouldBe(65_536);
        item.RawText.ShouldStartWith("{\"eventId\":\"evt-1\"");
    }

    [Fact]
    public void an_invalid_item_in_an_array_does_not_affect_the_valid_ones()
    {
        var items = Read(new JsonArray(
            ValidItem("a"),
            ValidItem("b").WithRaw("inputTokens", "-5"),
            ValidItem("c"),
            ValidItem("d").Without("model")));

        items.Select(i => i.IsValid).ShouldBe([true, false, true, false]);
        items.Select(i => i.EventId).ShouldBe(["a", "b", "c", "d"]);
        items.Select(i => i.Index).ShouldBe([0, 1, 2, 3]);
        items[0].Record.ShouldBe(Read(ValidItem("a")).Single().Record);
        items[2].Record!.EventId.ShouldBe("c");
        items[1].Errors.ShouldBe([new UsageFieldError("inputTokens", "inputTokens must be between 0 and 1000000000")]);
        items[3].Errors.ShouldBe([new UsageFieldError("model", "model is required")]);
        items[1].RawText.ShouldContain("\"inputTokens\":-5");
    }

    [Fact]
    public void a_refused_item_reports_type_errors_then_rule_errors_joined_into_the_reason()
    {
        var item = Read(ValidItem().Without("eventId").With("inputTokens", "1")).ShouldHaveSingleItem();

        item.Errors.Select(e => e.Field).ShouldBe(["inputTokens", "eventId"]);
        item.Reason.ShouldBe("inputTokens must be an integer, not a string; eventId is required");
    }

    [Fact]
    public void a_lone_surrogate_escape_in_a_string_field_is_refused_rather_than_thrown()
    {
        var items = Read("""{"eventId":"e","occurredAt":"2026-06-12T10:00:00Z","tenantId":"\uD800","model":"m","inputTokens":1,"cachedInputTokens":0,"outputTokens":1}""");

        var item = items.ShouldHaveSingleItem();
        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldContain(e => e.Field == "tenantId");
    }

    [Fact]
    public void an_occurred_at_beyond_the_representable_range_is_refused_rather_than_thrown()
    {
        var item = Read(ValidItem().With("occurredAt", "9999-12-31T23:59:59-18:00")).ShouldHaveSingleItem();

        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldHaveSingleItem().Field.ShouldBe("occurredAt");
    }

    private static void ShouldBeWholeMessageRefusal(UsageItem item, string message)
    {
        item.Index.ShouldBeNull();
        item.EventId.ShouldBeNull();
        item.Record.ShouldBeNull();
        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldBe([new UsageFieldError("message", message)]);
        item.Reason.ShouldBe(message);
    }
}
