using Shouldly;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// Every JSON example in contracts/examples is validated against the JSON Schema it illustrates. A valid example must
/// validate; an invalid one must fail exactly where the example says it is wrong, so a schema that stops catching the
/// mistake fails here too.
/// </summary>
public class validating_the_examples_against_their_schemas
{
    /// <summary>Each example, its schema, and for an invalid example the instance location and keyword that must fail.</summary>
    private static readonly IReadOnlyDictionary<string, (string Schema, string? Failure)> Examples = new Dictionary<string, (string, string?)>
    {
        ["usage-single.json"] = ("usage-message.v1.schema.json", null),
        ["usage-batch.json"] = ("usage-message.v1.schema.json", null),
        ["usage-mixed-batch.json"] = ("usage-message.v1.schema.json", "/2/occurredAt format"),
        ["usage-invalid-missing-eventid.json"] = ("usage-message.v1.schema.json", " required"),
        ["usage-invalid-negative-tokens.json"] = ("usage-message.v1.schema.json", "/inputTokens minimum"),
        ["usage-invalid-wrong-type.json"] = ("usage-message.v1.schema.json", "/outputTokens type"),
        ["native-openai.json"] = ("usage-native-message.v1.schema.json", null),
        ["native-anthropic.json"] = ("usage-native-message.v1.schema.json", null),
        ["native-deepseek.json"] = ("usage-native-message.v1.schema.json", null),
        ["native-batch.json"] = ("usage-native-message.v1.schema.json", null),
        // Well-formed: cached_tokens above prompt_tokens is arithmetic no schema expresses; the ledger refuses it
        // (reading_the_native_usage_examples.cached_tokens_above_prompt_tokens_are_refused_with_the_documented_field_and_message).
        ["native-invalid-cached-exceeds-prompt.json"] = ("usage-native-message.v1.schema.json", null),
        ["dead-letter.json"] = ("usage-dead-letter.v1.schema.json", null),
        ["ingest-result.json"] = ("usage-ingest-result.v1.schema.json", null),
        ["gateway-signal.json"] = ("gateway-signal.v1.schema.json", null),
        ["gateway-signal-suspended.json"] = ("gateway-signal.v1.schema.json", null),
        ["distributor-signal.json"] = ("distributor-signal.v1.schema.json", null),
        ["price-book.json"] = ("price-book-request.v1.schema.json", null),
        ["usage-report.json"] = ("usage-report.v1.schema.json", null),
        ["meter-mapping.json"] = ("meter-mapping.v1.schema.json", null),
        ["webhook-cap-reached.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-prepayment-low.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-invoice-issued.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-payment-received.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-hold-refused.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-disabled.json"] = ("webhook-payload.v1.schema.json", null),
        ["webhook-invalid-invoice-without-number.json"] = ("webhook-payload.v1.schema.json", "/data required"),
        ["tenant-put.json"] = ("tenant-request.v1.schema.json", null),
        ["tenant-invalid-hold-ttl.json"] = ("tenant-request.v1.schema.json", "/holdTtlSeconds maximum"),
        ["hold-placed.json"] = ("hold-response.v1.schema.json", null),
        ["balance.json"] = ("balance-response.v1.schema.json", null),
    };

    public static TheoryData<string> ValidExamples() => new(Examples.Where(e => e.Value.Failure is null).Select(e => e.Key));

    public static TheoryData<string> InvalidExamples() => new(Examples.Where(e => e.Value.Failure is not null).Select(e => e.Key));

    [Fact]
    public void every_json_example_is_listed_with_its_schema()
    {
        Directory.GetFiles(ContractFiles.Examples, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(Examples.Keys.Order(StringComparer.Ordinal));
        Examples.Values.Select(e => e.Schema).Distinct().ShouldAllBe(schema => ContractSchemas.FileNames.Contains(schema));
    }

    [Fact]
    public void every_schema_has_at_least_one_valid_example()
    {
        ContractSchemas.FileNames.Except(["usage-event.v1.schema.json", "usage-native-event.v1.schema.json"]) // reached through the message schemas
            .ShouldBe(Examples.Values.Where(e => e.Failure is null).Select(e => e.Schema).Distinct(), ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void the_valid_example_validates(string name)
    {
        ContractSchemas.Errors(Examples[name].Schema, ContractFiles.ExampleText(name)).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void the_invalid_example_fails_where_it_is_wrong(string name)
    {
        var (schema, failure) = Examples[name];

        ContractSchemas.Errors(schema, ContractFiles.ExampleText(name)).ShouldContain(error => error.StartsWith(failure + ":"));
    }
}
