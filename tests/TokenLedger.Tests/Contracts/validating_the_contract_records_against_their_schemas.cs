using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// The C# records of TokenLedger.Contracts, serialised as the service puts them on the wire, validate against the
/// schemas that document them; and every JSON example read into its record and written back still validates.
/// </summary>
public class validating_the_contract_records_against_their_schemas
{
    /// <summary>As src/TokenLedger.Api/Hosting/MessagingSetup.cs configures Wolverine's System.Text.Json serializer.</summary>
    private static readonly JsonSerializerOptions Wire = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static readonly DateTimeOffset At = new(2026, 6, 12, 14, 3, 27, 412, TimeSpan.FromHours(8));

    public static TheoryData<string> GatewaySignalNames() => new(
        GatewaySignals.CapWarning, GatewaySignals.CapReached, GatewaySignals.CapRecovered,
        GatewaySignals.CreditLimitWarning, GatewaySignals.CreditLimitReached, GatewaySignals.CreditLimitRecovered,
        GatewaySignals.Suspended, GatewaySignals.Reinstated);

    [Fact]
    public void a_usage_event_with_every_field_validates_alone_and_in_an_array()
    {
        var full = new UsageEventV1("019eba6d-a134-7d3e-9a41-6f2c8e1b4d07", At, "acme", "deepseek-chat", 1830, 4096, 612,
            CacheWriteTokens: 2048, Provider: "deepseek", PlanId: "pro-monthly", DistributorId: "cn-east-reseller-07", RequestId: "chatcmpl-1");

        Errors("usage-event.v1.schema.json", full).ShouldBeEmpty();
        Errors("usage-message.v1.schema.json", full).ShouldBeEmpty();
        Errors("usage-message.v1.schema.json", new[] { full, full with { EventId = "019eba6d-a134-7d3e-9a41-6f2c8e1b4d08" } }).ShouldBeEmpty();
    }

    [Fact]
    public void a_usage_event_with_only_the_required_fields_validates_with_its_nulls_written()
    {
        var minimal = new UsageEventV1("e-1", At.ToUniversalTime(), "acme", "glm-4.6", 0, 0, 0);

        JsonSerializer.Serialize(minimal, Wire).ShouldContain("\"provider\":null");
        Errors("usage-message.v1.schema.json", minimal).ShouldBeEmpty();
    }

    [Fact]
    public void a_usage_event_with_negative_tokens_does_not_validate()
    {
        // The record cannot stop it; the schema (and the ledger) must.
        Errors("usage-event.v1.schema.json", new UsageEventV1("e-1", At, "acme", "glm-4.6", -1, 0, 0))
            .ShouldContain(e => e.StartsWith("/inputTokens minimum:"));
    }

    [Fact]
    public void a_dead_letter_for_an_item_and_for_a_whole_message_validates()
    {
        var item = new UsageDeadLetterV1("occurredAt is required", [new UsageFieldErrorV1("occurredAt", "occurredAt is required")],
            2, "019ebaea-d648-7b2a-8e6f-d4c0a9b1e573", "{\"eventId\":\"019ebaea-d648-7b2a-8e6f-d4c0a9b1e573\"}", At);
        var message = new UsageDeadLetterV1("body is not valid JSON", [new UsageFieldErrorV1("message", "body is not valid JSON")],
            null, null, "{", At);

        Errors("usage-dead-letter.v1.schema.json", item).ShouldBeEmpty();
        Errors("usage-dead-letter.v1.schema.json", message).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(GatewaySignalNames))]
    public void a_gateway_signal_validates(string signal)
    {
        var receivables = signal is GatewaySignals.Suspended or GatewaySignals.Reinstated;
        var record = new GatewaySignalV1($"acme:{signal}:1", "acme", signal, receivables ? "receivables" : "month:tokens",
            signal is GatewaySignals.Reinstated or GatewaySignals.CapRecovered or GatewaySignals.CreditLimitRecovered ? "resume" : "refuse",
            480.5m, 600m, 80.08m, receivables ? "CNY" : "tokens", receivables ? null : "coding-lite", At);

        Errors("gateway-signal.v1.schema.json", record).ShouldBeEmpty();
    }

    [Fact]
    public void a_gateway_signal_with_an_unknown_signal_does_not_validate()
    {
        var record = new GatewaySignalV1("acme:x", "acme", "cap-exceeded", "month:tokens", "refuse", 1, 1, 100, "tokens", null, At);

        Errors("gateway-signal.v1.schema.json", record).ShouldContain(e => e.StartsWith("/signal enum:"));
    }

    [Theory]
    [InlineData(DistributorSignals.PrepaymentLow, "")]
    [InlineData(DistributorSignals.PrepaymentRecovered, "deepseek")]
    public void a_distributor_signal_validates(string signal, string provider)
    {
        var record = new DistributorSignalV1($"cloudmart:{provider}:{signal}:7", "cloudmart", signal, provider, -12.125m, 5000m, "CNY", At);

        Errors("distributor-signal.v1.schema.json", record).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("usage-single.json", typeof(UsageEventV1), "usage-event.v1.schema.json")]
    [InlineData("usage-batch.json", typeof(UsageEventV1[]), "usage-message.v1.schema.json")]
    [InlineData("dead-letter.json", typeof(UsageDeadLetterV1), "usage-dead-letter.v1.schema.json")]
    [InlineData("gateway-signal.json", typeof(GatewaySignalV1), "gateway-signal.v1.schema.json")]
    [InlineData("gateway-signal-suspended.json", typeof(GatewaySignalV1), "gateway-signal.v1.schema.json")]
    [InlineData("distributor-signal.json", typeof(DistributorSignalV1), "distributor-signal.v1.schema.json")]
    public void the_example_read_into_its_record_and_written_back_validates(string example, Type record, string schema)
    {
        var read = JsonSerializer.Deserialize(ContractFiles.ExampleText(example), record, Wire).ShouldNotBeNull();

        Errors(schema, read, record).ShouldBeEmpty();
    }

    private static IReadOnlyList<string> Errors<T>(string schema, T value) => Errors(schema, value!, typeof(T));

    private static IReadOnlyList<string> Errors(string schema, object value, Type type) =>
        ContractSchemas.Errors(schema, JsonSerializer.SerializeToElement(value, type, Wire));
}
