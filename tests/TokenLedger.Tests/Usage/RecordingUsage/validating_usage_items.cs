using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using Shouldly;
using TokenLedger.Usage.RecordingUsage;
using Xunit;
using static TokenLedger.Tests.Usage.RecordingUsage.UsageJson;

namespace TokenLedger.Tests.Usage.RecordingUsage;

/// <summary>The item level: <see cref="UsageItemDraft"/> reading leniently and its <see cref="UsageItemDraft.Validator"/>.</summary>
public class validating_usage_items
{
    private const string RequiredFieldsInOrder = "eventId,occurredAt,tenantId,model,inputTokens,cachedInputTokens,outputTokens";

    [Theory]
    [InlineData("inputTokens", "\"100\"", "inputTokens must be an integer, not a string")]
    [InlineData("outputTokens", "true", "outputTokens must be an integer, not a boolean")]
    [InlineData("cachedInputTokens", "[1]", "cachedInputTokens must be an integer, not an array")]
    [InlineData("cacheWriteTokens", "{\"n\":1}", "cacheWriteTokens must be an integer, not an object")]
    public void a_token_count_of_another_json_type_is_refused_naming_the_field_and_the_type(string field, string value, string message)
    {
        var item = ReadOne(ValidItem().WithRaw(field, value));

        ShouldBeRefusedWith(item, field, message);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("12.0")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public void a_token_count_that_is_not_a_whole_64_bit_integer_literal_is_refused(string value)
    {
        var item = ReadOne(ValidItem().WithRaw("inputTokens", value));

        ShouldBeRefusedWith(item, "inputTokens", "inputTokens must be a whole number between 0 and 1000000000");
    }

    [Theory]
    [InlineData("tenantId", "{\"id\":\"acme\"}", "tenantId must be a string, not an object")]
    [InlineData("eventId", "123", "eventId must be a string, not a number")]
    [InlineData("model", "false", "model must be a string, not a boolean")]
    [InlineData("provider", "[\"deepseek\"]", "provider must be a string, not an array")]
    [InlineData("requestId", "7", "requestId must be a string, not a number")]
    public void a_string_field_of_another_json_type_is_refused_once_without_a_required_error(string field, string value, string message)
    {
        var item = ReadOne(ValidItem().WithRaw(field, value));

        ShouldBeRefusedWith(item, field, message);
    }

    [Theory]
    [InlineData("1718171007")]
    [InlineData("\"2026-06-12T14:03:27\"")]
    [InlineData("\"2026-06-12\"")]
    [InlineData("\"2026-06-12t14:03:27Z\"")]
    [InlineData("\"2026-06-12T14:03:27z\"")]
    [InlineData("\"2026-06-12 14:03:27Z\"")]
    [InlineData("\"2026-06-12T14:03:27.1234567891Z\"")]
    [InlineData("\"2026-02-30T14:03:27Z\"")]
    [InlineData("\"yesterday\"")]
    public void an_occurred_at_that_is_not_an_rfc_3339_timestamp_with_an_offset_is_refused(string value)
    {
        var item = ReadOne(ValidItem().WithRaw("occurredAt", value));

        ShouldBeRefusedWith(item, "occurredAt", "occurredAt must be an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00");
    }

    [Theory]
    [InlineData("2026-06-12T06:03:27Z", 0)]
    [InlineData("2026-06-12T06:03:27.123456789Z", 123_456_789)]
    [InlineData("2026-06-11T22:03:27-08:00", 0)]
    public void an_occurred_at_in_utc_or_any_offset_names_the_same_instant(string value, long nanoseconds)
    {
        var record = ReadOne(ValidItem().With("occurredAt", value)).Record!;

        record.OccurredAt.ShouldBe(Instant.FromUtc(2026, 6, 12, 6, 3, 27).PlusNanoseconds(nanoseconds));
    }

    [Theory]
    [InlineData("inputTokens")]
    [InlineData("cachedInputTokens")]
    [InlineData("outputTokens")]
    [InlineData("cacheWriteTokens")]
    public void a_negative_token_count_is_refused(string field)
    {
        var item = ReadOne(ValidItem().WithRaw(field, "-1"));

        ShouldBeRefusedWith(item, field, $"{field} must be between 0 and 1000000000");
    }

    [Theory]
    [InlineData("inputTokens")]
    [InlineData("cachedInputTokens")]
    [InlineData("outputTokens")]
    [InlineData("cacheWriteTokens")]
    public void more_than_a_billion_tokens_in_one_field_is_refused(string field)
    {
        var item = ReadOne(ValidItem().WithRaw(field, "1000000001"));

        ShouldBeRefusedWith(item, field, $"{field} must be between 0 and 1000000000");
    }

    [Fact]
    public void zero_and_exactly_a_billion_tokens_are_accepted()
    {
        var record = ReadOne(ValidItem()
            .With("inputTokens", 0).With("cachedInputTokens", 1_000_000_000)
            .With("cacheWriteTokens", 1_000_000_000).With("outputTokens", 0)).Record!;

        record.InputTokens.ShouldBe(0);
        record.CachedInputTokens.ShouldBe(1_000_000_000);
        record.CacheWriteTokens.ShouldBe(1_000_000_000);
        record.OutputTokens.ShouldBe(0);
        record.TotalTokens.ShouldBe(2_000_000_000);
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("occurredAt")]
    [InlineData("tenantId")]
    [InlineData("model")]
    [InlineData("inputTokens")]
    [InlineData("cachedInputTokens")]
    [InlineData("outputTokens")]
    public void a_missing_required_field_is_refused_as_required(string field)
    {
        var item = ReadOne(ValidItem().Without(field));

        ShouldBeRefusedWith(item, field, $"{field} is required");
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("occurredAt")]
    [InlineData("tenantId")]
    [InlineData("model")]
    [InlineData("inputTokens")]
    [InlineData("cachedInputTokens")]
    [InlineData("outputTokens")]
    public void a_null_required_field_is_refused_as_required(string field)
    {
        var item = ReadOne(ValidItem().With(field, null));

        ShouldBeRefusedWith(item, field, $"{field} is required");
    }

    [Theory]
    [InlineData("eventId", "")]
    [InlineData("eventId", "   ")]
    [InlineData("tenantId", "")]
    [InlineData("tenantId", " \t ")]
    [InlineData("model", "  ")]
    public void an_empty_or_blank_required_string_is_refused_as_required(string field, string value)
    {
        var item = ReadOne(ValidItem().With(field, value));

        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldContain(new UsageFieldError(field, $"{field} is required"));
        item.Errors.ShouldAllBe(e => e.Field == field);
    }

    [Fact]
    public void an_empty_object_reports_every_required_field_at_once()
    {
        var item = ReadOne(new JsonObject());

        item.Errors.Select(e => e.Field).ShouldBe(RequiredFieldsInOrder.Split(','));
        item.Errors.ShouldAllBe(e => e.Message == e.Field + " is required");
    }

    [Fact]
    public void property_names_are_case_sensitive()
    {
        var item = ReadOne(ValidItem().Without("eventId").With("EventId", "evt-1"));

        ShouldBeRefusedWith(item, "eventId", "eventId is required");
    }

    [Fact]
    public void an_event_id_of_128_characters_is_accepted()
    {
        var id = new string('e', 128);

        ReadOne(ValidItem(id)).Record!.EventId.ShouldBe(id);
    }

    [Fact]
    public void an_event_id_of_129_characters_is_refused()
    {
        var item = ReadOne(ValidItem(new string('e', 129)));

        ShouldBeRefusedWith(item, "eventId", "eventId must be at most 128 characters");
        item.EventId.ShouldBe(new string('e', 129));
    }

    [Theory]
    [InlineData("tenantId")]
    [InlineData("model")]
    [InlineData("provider")]
    [InlineData("planId")]
    [InlineData("distributorId")]
    [InlineData("requestId")]
    public void an_identifier_of_200_characters_is_accepted_and_of_201_refused(string field)
    {
        ReadOne(ValidItem().With(field, new string('x', 200))).IsValid.ShouldBeTrue();

        var item = ReadOne(ValidItem().With(field, new string('x', 201)));

        ShouldBeRefusedWith(item, field, $"{field} must be at most 200 characters");
    }

    [Theory]
    [InlineData("tenantId", "ac\u0001me")]
    [InlineData("tenantId", "acme\n")]
    [InlineData("model", "deepseek\tchat")]
    [InlineData("provider", "deep\u007fseek")]
    [InlineData("planId", "pro\u0085")]
    [InlineData("distributorId", "\u0000")]
    [InlineData("requestId", "req\r\n")]
    public void a_control_character_in_an_identifier_is_refused(string field, string value)
    {
        var item = ReadOne(ValidItem().With(field, value));

        ShouldBeRefusedWith(item, field, $"{field} must not contain control characters");
    }

    [Theory]
    [InlineData("evt\u0000")]
    [InlineData("\u0000")]
    [InlineData("evt\u00011")]
    [InlineData("evt\n1")]
    [InlineData("evt\u007f")]
    [InlineData("evt\u009f")]
    public void a_control_character_in_the_event_id_is_refused_as_postgresql_would_stall_on_it(string eventId)
    {
        var item = ReadOne(ValidItem(eventId));

        ShouldBeRefusedWith(item, "eventId", "eventId must not contain control characters");
    }

    [Fact]
    public void non_ascii_identifiers_are_kept_as_sent()
    {
        var record = ReadOne(ValidItem().With("tenantId", "阿里云-客户").With("model", "通义千问")).Record!;

        record.TenantId.ShouldBe("阿里云-客户");
        record.Model.ShouldBe("通义千问");
    }

    [Theory]
    [InlineData("2026-06-12T16:04:00+08:00")]
    [InlineData("2026-06-12T08:05:00Z")]
    [InlineData("2000-01-01T00:00:00Z")]
    public void an_occurred_at_up_to_five_minutes_ahead_of_the_clock_or_in_the_past_is_accepted(string value)
    {
        ReadOne(ValidItem().With("occurredAt", value), Now).IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("2026-06-12T16:06:00+08:00")]
    [InlineData("2026-06-12T08:05:00.001Z")]
    [InlineData("2027-01-01T00:00:00Z")]
    public void an_occurred_at_more_than_five_minutes_ahead_of_the_clock_is_refused_as_in_the_future(string value)
    {
        var item = ReadOne(ValidItem().With("occurredAt", value), Now);

        ShouldBeRefusedWith(item, "occurredAt", "occurredAt is in the future");
    }

    [Fact]
    public void the_future_is_measured_from_the_given_clock()
    {
        var item = ValidItem().With("occurredAt", "2026-06-12T16:06:00+08:00");

        ReadOne(item, Now + Duration.FromMinutes(1)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void unknown_extra_fields_are_ignored()
    {
        var plain = ReadOne(ValidItem()).Record;

        var item = ReadOne(ValidItem()
            .With("region", "cn-hangzhou")
            .WithRaw("latencyMs", "1234.5")
            .WithRaw("meta", """{"trace":[1,2,{"x":null}]}""")
            .With("InputTokens", "not the field"));

        item.IsValid.ShouldBeTrue();
        item.Record.ShouldBe(plain);
    }

    [Theory]
    [InlineData("provider")]
    [InlineData("planId")]
    [InlineData("distributorId")]
    [InlineData("requestId")]
    [InlineData("cacheWriteTokens")]
    public void null_for_an_optional_field_is_accepted_as_absent(string field)
    {
        var record = ReadOne(ValidItem().With("provider", "deepseek").With(field, null)).Record!;

        record.ShouldBe(ReadOne(ValidItem().With("provider", "deepseek").Without(field)).Record);
        record.CacheWriteTokens.ShouldBe(0);
    }

    [Fact]
    public void an_empty_optional_string_is_kept_as_empty()
    {
        ReadOne(ValidItem().With("planId", "")).Record!.PlanId.ShouldBe("");
    }

    [Fact]
    public void a_draft_remembers_type_errors_and_the_validator_skips_the_rules_of_those_fields()
    {
        using var document = JsonDocument.Parse("""{"eventId":"evt-1","tenantId":17,"inputTokens":"5"}""");

        var draft = UsageItemDraft.Read(document.RootElement);
        var result = UsageItemDraft.Validator.Shared.Validate(draft, Now);

        draft.EventId.ShouldBe("evt-1");
        draft.TenantId.ShouldBeNull();
        draft.InputTokens.ShouldBeNull();
        draft.TypeErrors.Select(e => e.Field).ShouldBe(["tenantId", "inputTokens"]);
        result.Errors.Select(e => e.PropertyName).ShouldBe(["occurredAt", "model", "cachedInputTokens", "outputTokens"]);
    }

    private static UsageItem ReadOne(JsonObject item, Instant? now = null) => Read(item, now).ShouldHaveSingleItem();

    private static void ShouldBeRefusedWith(UsageItem item, string field, string message)
    {
        item.IsValid.ShouldBeFalse();
        item.Record.ShouldBeNull();
        item.Errors.ShouldBe([new UsageFieldError(field, message)]);
        item.Reason.ShouldBe(message);
    }
}
