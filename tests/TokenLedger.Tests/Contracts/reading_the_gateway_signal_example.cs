using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Tests.Contracts;

/// <summary>contracts/examples/gateway-signal.json reads as the message type the service publishes and names every schema property.</summary>
public class reading_the_gateway_signal_example
{
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    [Fact]
    public void the_example_reads_as_a_gateway_signal_whose_routing_key_matches()
    {
        var signal = JsonSerializer.Deserialize<GatewaySignalV1>(ContractFiles.ExampleText("gateway-signal.json"), Wire)!;

        signal.Signal.ShouldBe(GatewaySignals.CapReached);
        signal.RoutingKey.ShouldBe("tenant.acme.cap-reached");
        signal.UtilisationPercent.ShouldBe(signal.Used * 100m / signal.Limit);
    }

    [Fact]
    public void the_suspension_example_reads_as_a_gateway_signal_whose_routing_key_matches()
    {
        var signal = JsonSerializer.Deserialize<GatewaySignalV1>(ContractFiles.ExampleText("gateway-signal-suspended.json"), Wire)!;

        (signal.Signal, signal.Subject, signal.Action).ShouldBe((GatewaySignals.Suspended, "receivables", "refuse"));
        signal.RoutingKey.ShouldBe("tenant.acme.suspended");
        JsonNode.Parse(ContractFiles.ExampleText("gateway-signal-suspended.json"))!["routingKey"]!.GetValue<string>().ShouldBe(signal.RoutingKey);
    }

    [Fact]
    public void the_schema_lists_exactly_the_properties_the_service_writes()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ContractFiles.Root, "schemas", "gateway-signal.v1.schema.json")))!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(new GatewaySignalV1("id", "t", "cap-reached", "month:tokens", "refuse", 1, 1, 100, "tokens", "p", DateTimeOffset.UnixEpoch), Wire))!;

        schema["properties"]!.AsObject().Select(p => p.Key).Order().ShouldBe(written.AsObject().Select(p => p.Key).Order());
        schema["properties"]!["signal"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe([
            GatewaySignals.CapWarning, GatewaySignals.CapReached, GatewaySignals.CapRecovered,
            GatewaySignals.CreditLimitWarning, GatewaySignals.CreditLimitReached, GatewaySignals.CreditLimitRecovered,
            GatewaySignals.Suspended, GatewaySignals.Reinstated]);
    }
}
