using NodaTime;
using Shouldly;
using TokenLedger.Usage.RecordingUsage;
using Xunit;

namespace TokenLedger.Tests.Contracts;

/// <summary>The gateway examples in contracts/examples read as the contract documents them.</summary>
public class reading_the_contract_examples
{
    /// <summary>After every example's occurredAt, so none of them is "in the future".</summary>
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 1, 0, 0);

    public static TheoryData<string> InvalidExamples() => new(UsageExamples().Where(name => name.Contains("invalid")));

    [Fact]
    public void the_examples_folder_holds_valid_and_invalid_usage_examples()
    {
        UsageExamples().ShouldContain("usage-single.json");
        UsageExamples().ShouldContain("usage-batch.json");
        UsageExamples().ShouldContain("usage-mixed-batch.json");
        UsageExamples().Count(name => name.Contains("invalid")).ShouldBeGreaterThanOrEqualTo(3);
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void every_invalid_example_has_at_least_one_rejected_item(string name)
    {
        var items = ReadExample(name);

        items.ShouldContain(i => !i.IsValid);
        items.Where(i => !i.IsValid).ShouldAllBe(i => i.Errors.Count > 0);
    }

    [Fact]
    public void the_missing_event_id_example_is_rejected_for_its_event_id()
    {
        ReadExample("usage-invalid-missing-eventid.json").ShouldHaveSingleItem().Errors
            .ShouldBe([new UsageFieldError("eventId", "eventId is required")]);
    }

    [Fact]
    public void the_negative_tokens_example_is_rejected_for_its_input_tokens()
    {
        ReadExample("usage-invalid-negative-tokens.json").ShouldHaveSingleItem().Errors
            .ShouldBe([new UsageFieldError("inputTokens", "inputTokens must be between 0 and 1000000000")]);
    }

    [Fact]
    public void the_wrong_type_example_is_rejected_for_its_string_output_tokens()
    {
        ReadExample("usage-invalid-wrong-type.json").ShouldHaveSingleItem().Errors
            .ShouldBe([new UsageFieldError("outputTokens", "outputTokens must be an integer, not a string")]);
    }

    [Fact]
    public void the_single_example_is_one_valid_item()
    {
        var item = ReadExample("usage-single.json").ShouldHaveSingleItem();

        item.IsValid.ShouldBeTrue();
        item.Index.ShouldBeNull();
        item.Record!.EventId.ShouldBe("019eba6d-a134-7d3e-9a41-6f2c8e1b4d07");
        item.Record.OccurredAt.ShouldBe(Instant.FromUtc(2026, 6, 12, 6, 3, 27) + Duration.FromMilliseconds(412));
        item.Record.TotalTokens.ShouldBe(1830 + 4096 + 612);
    }

    [Fact]
    public void the_batch_example_is_five_valid_items()
    {
        var items = ReadExample("usage-batch.json");

        items.Count.ShouldBe(5);
        items.ShouldAllBe(i => i.IsValid);
        items.Select(i => i.Record!.TenantId).ShouldBe(["acme", "globex", "initech", "acme", "umbrella"]);
        items.Select(i => i.Record!.CacheWriteTokens).ShouldBe([2048L, 0L, 0L, 0L, 0L]);
        items[1].Record!.DistributorId.ShouldBe("cn-east-reseller-07");
    }

    [Fact]
    public void the_mixed_batch_example_is_three_valid_items_and_one_rejected_for_its_timestamp()
    {
        var items = ReadExample("usage-mixed-batch.json");

        items.Count(i => i.IsValid).ShouldBe(3);
        var rejected = items.Where(i => !i.IsValid).ShouldHaveSingleItem();
        rejected.Index.ShouldBe(2);
        rejected.EventId.ShouldBe("019ebaea-d648-7b2a-8e6f-d4c0a9b1e573");
        rejected.Errors.ShouldBe([new UsageFieldError("occurredAt",
            "occurredAt must be an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00")]);
        rejected.RawText.ShouldContain("\"occurredAt\": \"2026-06-12T16:20:13\"");
    }

    [Fact]
    public void the_mixed_batch_example_decides_three_accepted_and_one_rejected()
    {
        var items = ReadExample("usage-mixed-batch.json");

        var decision = RecordUsage.Decide(items, RecordUsage.CandidateIds(items).ToHashSet(), "b", "amqp", Now);

        decision.Count(UsageItemStatus.Accepted).ShouldBe(3);
        decision.Count(UsageItemStatus.Rejected).ShouldBe(1);
        decision.Recorded.ShouldHaveSingleItem().Records.Select(r => r.Model).ShouldBe(["deepseek-chat", "kimi-k2", "qwen3-max"]);
    }

    private static IReadOnlyList<UsageItem> ReadExample(string name) =>
        UsageMessage.Read(File.ReadAllBytes(Path.Combine(ContractFiles.Examples, name)), Now);

    /// <summary>The usage message examples (usage-report.json is a query response, read by <see cref="reading_the_usage_report_example"/>).</summary>
    private static List<string> UsageExamples() =>
        Directory.GetFiles(ContractFiles.Examples, "usage-*.json").Select(Path.GetFileName).OfType<string>()
            .Where(name => name != "usage-report.json").Order(StringComparer.Ordinal).ToList();
}
