using System.Text;
using NodaTime;
using Shouldly;
using TokenLedger.Usage.RecordingNativeUsage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Tests.Usage.RecordingNativeUsage;

/// <summary>Provider-native usage objects mapped to input (cache miss), cached input, cache write and output.</summary>
public class normalising_native_usage
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);

    private static UsageItem Read(string format, string usage, string extra = "") => UsageMessage.Read(Encoding.UTF8.GetBytes(
        $"{{\"eventId\":\"n1\",\"occurredAt\":\"2026-06-12T10:00:00+08:00\",\"tenantId\":\"acme\",\"model\":\"m\",\"format\":\"{format}\",\"usage\":{usage}{extra}}}"),
        Now, NativeUsage.ReadDraft).ShouldHaveSingleItem();

    [Fact]
    public void openai_prompt_tokens_include_the_cached_tokens_which_are_taken_out_of_input()
    {
        var record = Read("openai", "{\"prompt_tokens\":1200,\"completion_tokens\":300,\"prompt_tokens_details\":{\"cached_tokens\":1000}}").Record!;
        (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens).ShouldBe((200L, 1000L, 0L, 300L));
    }

    [Fact]
    public void openai_responses_api_fields_are_read_the_same_way()
    {
        var record = Read("openai", "{\"input_tokens\":50,\"output_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":20}}").Record!;
        (record.InputTokens, record.CachedInputTokens, record.OutputTokens).ShouldBe((30L, 20L, 7L));
    }

    [Fact]
    public void openai_without_details_has_no_cached_input()
    {
        var record = Read("openai", "{\"prompt_tokens\":10,\"completion_tokens\":5}").Record!;
        (record.InputTokens, record.CachedInputTokens).ShouldBe((10L, 0L));
    }

    [Fact]
    public void openai_cached_tokens_above_prompt_tokens_is_refused_not_clamped()
    {
        var item = Read("openai", "{\"prompt_tokens\":100,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":101}}");
        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldHaveSingleItem().Message.ShouldBe("cached_tokens (101) exceeds prompt_tokens (100), which includes them");
    }

    [Fact]
    public void anthropic_input_tokens_exclude_cache_reads_and_cache_creation()
    {
        var record = Read("anthropic", "{\"input_tokens\":25,\"cache_read_input_tokens\":4000,\"cache_creation_input_tokens\":900,\"output_tokens\":120}").Record!;
        (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens).ShouldBe((25L, 4000L, 900L, 120L));
    }

    [Fact]
    public void deepseek_cache_hit_and_miss_become_cached_and_uncached_input()
    {
        var record = Read("deepseek", "{\"prompt_tokens\":1000,\"prompt_cache_hit_tokens\":800,\"prompt_cache_miss_tokens\":200,\"completion_tokens\":50}").Record!;
        (record.InputTokens, record.CachedInputTokens, record.OutputTokens).ShouldBe((200L, 800L, 50L));
    }

    [Fact]
    public void deepseek_prompt_tokens_that_disagree_with_hit_plus_miss_are_refused()
    {
        var item = Read("deepseek", "{\"prompt_tokens\":999,\"prompt_cache_hit_tokens\":800,\"prompt_cache_miss_tokens\":200,\"completion_tokens\":50}");
        item.Errors.ShouldHaveSingleItem().Field.ShouldBe("usage.prompt_tokens");
    }

    [Theory]
    [InlineData("anthropic", "{\"input_tokens\":-1,\"output_tokens\":1}", "usage.input_tokens")]
    [InlineData("anthropic", "{\"input_tokens\":\"12\",\"output_tokens\":1}", "usage.input_tokens")]
    [InlineData("anthropic", "{\"output_tokens\":1}", "usage.input_tokens")]
    [InlineData("openai", "{\"prompt_tokens\":1}", "usage.completion_tokens")]
    [InlineData("gemini", "{\"x\":1}", "format")]
    [InlineData("openai", "42", "usage")]
    public void inconsistent_or_incomplete_native_usage_is_refused_with_the_field_named(string format, string usage, string field)
    {
        var item = Read(format, usage);
        item.IsValid.ShouldBeFalse();
        item.Errors.Select(e => e.Field).ShouldBe([field]);
    }

    [Fact]
    public void canonical_token_fields_in_a_native_envelope_are_refused_so_nothing_is_counted_twice()
    {
        var item = Read("anthropic", "{\"input_tokens\":1,\"output_tokens\":1}", ",\"inputTokens\":5");
        item.Errors.ShouldHaveSingleItem().Field.ShouldBe("inputTokens");
    }
}

public class normalising_native_usage_details
{
    [Fact]
    public void openai_details_that_are_not_an_object_are_refused_rather_than_billing_everything_as_uncached()
    {
        var item = UsageMessage.Read(Encoding.UTF8.GetBytes(
            "{\"eventId\":\"n2\",\"occurredAt\":\"2026-06-12T10:00:00+08:00\",\"tenantId\":\"acme\",\"model\":\"m\",\"format\":\"openai\"," +
            "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5,\"prompt_tokens_details\":80}}"),
            NodaTime.Instant.FromUtc(2026, 6, 12, 8, 0), NativeUsage.ReadDraft).ShouldHaveSingleItem();
        item.Errors.ShouldHaveSingleItem().Message.ShouldBe("usage.prompt_tokens_details must be an object, not a number");
    }
}
