using NodaTime;
using Shouldly;
using TokenLedger.Usage.RecordingNativeUsage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// The provider-native examples in contracts/examples read, through the real reader of tokenledger.usage-native.v1 and
/// POST /api/usage/native, to exactly the token classes the contract's mapping table documents.
/// </summary>
public class reading_the_native_usage_examples
{
    /// <summary>After every example's occurredAt, so none of them is "in the future".</summary>
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 1, 0, 0);

    public static TheoryData<string> ValidExamples() =>
        new(NativeExamples().Where(name => !name.Contains("invalid")));

    [Fact]
    public void the_examples_folder_holds_one_native_example_per_format_a_batch_and_an_invalid_one()
    {
        NativeExamples().ShouldBe([
            "native-anthropic.json", "native-batch.json", "native-deepseek.json",
            "native-invalid-cached-exceeds-prompt.json", "native-openai.json"]);
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void every_valid_native_example_is_all_valid_items(string name)
    {
        var items = ReadNative(name);

        items.ShouldNotBeEmpty();
        items.ShouldAllBe(i => i.IsValid && i.Errors.Count == 0);
    }

    [Fact]
    public void openai_prompt_tokens_include_the_cached_tokens()
    {
        var record = ReadNative("native-openai.json").ShouldHaveSingleItem().Record!;

        // prompt_tokens 5231 includes prompt_tokens_details.cached_tokens 4864
        Tokens(record).ShouldBe((5231L - 4864L, 4864L, 0L, 412L));
        (record.EventId, record.TenantId, record.Model, record.Provider, record.PlanId, record.RequestId)
            .ShouldBe(("019ebb12-4a7e-7c3d-8f21-6b9e0d4c2a15", "acme", "gpt-4.1", "openai", "pro-monthly", "chatcmpl-Bx7f2K9qLmN3pR5tV8wY1zA4cE6g"));
        record.OccurredAt.ShouldBe(Instant.FromUtc(2026, 6, 12, 9, 2, 44) + Duration.FromMilliseconds(318));
    }

    [Fact]
    public void anthropic_input_tokens_exclude_cache_reads_and_cache_creation()
    {
        var record = ReadNative("native-anthropic.json").ShouldHaveSingleItem().Record!;

        Tokens(record).ShouldBe((38L, 21870L, 1422L, 693L));
        record.TotalTokens.ShouldBe(38 + 21870 + 1422 + 693);
    }

    [Fact]
    public void deepseek_cache_hits_are_cached_input_and_cache_misses_are_input()
    {
        var record = ReadNative("native-deepseek.json").ShouldHaveSingleItem().Record!;

        // prompt_tokens 12544 = hit 12288 + miss 256
        Tokens(record).ShouldBe((256L, 12288L, 0L, 861L));
        record.Model.ShouldBe("deepseek-chat");
    }

    [Fact]
    public void the_deepseek_example_read_as_openai_gives_the_same_numbers()
    {
        var asOpenAi = ContractFiles.ExampleText("native-deepseek.json")
            .Replace("\"format\": \"deepseek\"", "\"format\": \"openai\"", StringComparison.Ordinal);
        asOpenAi.ShouldContain("\"format\": \"openai\"");

        var record = UsageMessage.Read(System.Text.Encoding.UTF8.GetBytes(asOpenAi), Now, NativeUsage.ReadDraft).ShouldHaveSingleItem().Record!;

        Tokens(record).ShouldBe(Tokens(ReadNative("native-deepseek.json").Single().Record!));
    }

    [Fact]
    public void the_batch_mixes_the_responses_api_null_anthropic_cache_fields_deepseek_without_prompt_tokens_and_an_openai_compatible_api()
    {
        var items = ReadNative("native-batch.json");

        items.Select(i => i.Index).ShouldBe([0, 1, 2, 3]);
        items.Select(i => Tokens(i.Record!)).ShouldBe([
            (2310L - 1792L, 1792L, 0L, 1544L), // Responses API: input_tokens includes input_tokens_details.cached_tokens
            (1187L, 0L, 0L, 302L),             // null cache fields count as 0
            (4406L, 0L, 0L, 2975L),            // prompt_tokens may be absent
            (6021L, 0L, 0L, 884L),             // no prompt_tokens_details: no cached input
        ]);
        items.Select(i => i.Record!.Model).ShouldBe(["o4-mini", "claude-haiku-4-5", "deepseek-v4-pro", "qwen3-max"]);
        items[0].Record!.DistributorId.ShouldBe("cn-east-reseller-07");
    }

    [Fact]
    public void the_batch_decides_four_accepted_items_in_one_recorded_batch()
    {
        var items = ReadNative("native-batch.json");

        var decision = RecordUsage.Decide(items, RecordUsage.CandidateIds(items).ToHashSet(), "b", "amqp", Now);

        decision.Count(UsageItemStatus.Accepted).ShouldBe(4);
        decision.Recorded.ShouldHaveSingleItem().Records.Count.ShouldBe(4);
    }

    [Fact]
    public void cached_tokens_above_prompt_tokens_are_refused_with_the_documented_field_and_message()
    {
        var item = ReadNative("native-invalid-cached-exceeds-prompt.json").ShouldHaveSingleItem();

        item.IsValid.ShouldBeFalse();
        item.Index.ShouldBeNull();
        item.EventId.ShouldBe("019ebb15-0d7a-7c23-a4b6-9a0b1c2d3e45");
        item.Errors.ShouldBe([new UsageFieldError("usage.prompt_tokens_details.cached_tokens",
            "cached_tokens (4864) exceeds prompt_tokens (367), which includes them")]);
        item.Reason.ShouldBe("cached_tokens (4864) exceeds prompt_tokens (367), which includes them");
        item.RawText.ShouldContain("\"cached_tokens\": 4864");
    }

    [Fact]
    public void a_native_envelope_on_the_canonical_queue_is_rejected_not_recorded_as_zero_tokens()
    {
        var item = UsageMessage.Read(ContractFiles.Example("native-openai.json"), Now).ShouldHaveSingleItem();

        item.IsValid.ShouldBeFalse();
        item.Errors.Select(e => e.Field).ShouldBe(["inputTokens", "cachedInputTokens", "outputTokens"]);
    }

    [Fact]
    public void a_canonical_event_on_the_native_queue_is_rejected_for_its_canonical_fields_format_and_usage()
    {
        var item = ReadNative("usage-single.json").ShouldHaveSingleItem();

        item.IsValid.ShouldBeFalse();
        item.Errors.ShouldBe([
            new UsageFieldError("inputTokens", "inputTokens is not part of the native envelope; send the provider's raw object in usage"),
            new UsageFieldError("cachedInputTokens", "cachedInputTokens is not part of the native envelope; send the provider's raw object in usage"),
            new UsageFieldError("outputTokens", "outputTokens is not part of the native envelope; send the provider's raw object in usage"),
            new UsageFieldError("format", "format is required: one of openai, anthropic, deepseek"),
            new UsageFieldError("usage", "usage must be the provider's usage object"),
        ]);
    }

    private static IReadOnlyList<UsageItem> ReadNative(string name) =>
        UsageMessage.Read(ContractFiles.Example(name), Now, NativeUsage.ReadDraft);

    private static (long Input, long Cached, long CacheWrite, long Output) Tokens(TokenLedger.Usage.UsageRecord record) =>
        (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens);

    private static List<string> NativeExamples() =>
        Directory.GetFiles(ContractFiles.Examples, "native-*.json").Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();
}
