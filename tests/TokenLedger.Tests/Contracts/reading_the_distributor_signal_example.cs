using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Tests.Contracts;

/// <summary>contracts/examples/distributor-signal.json reads as the message type the service publishes and names every schema property.</summary>
public class reading_the_distributor_signal_example
{
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    [Fact]
    public void the_example_reads_as_a_distributor_signal_whose_routing_key_matches()
    {
        var signal = JsonSerializer.Deserialize<DistributorSignalV1>(ContractFiles.ExampleText("distributor-signal.json"), Wire)!;

        signal.Signal.ShouldBe(DistributorSignals.PrepaymentLow);
        signal.RoutingKey.ShouldBe("distributor.cloudmart.prepayment-low");
        signal.Balance.ShouldBeLessThan(signal.Threshold);
    }

    [Fact]
    public void the_schema_lists_exactly_the_properties_the_service_writes()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ContractFiles.Root, "schemas", "distributor-signal.v1.schema.json")))!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(new DistributorSignalV1("id", "d", "prepayment-low", "", 1, 2, "CNY", DateTimeOffset.UnixEpoch), Wire))!;

        schema["properties"]!.AsObject().Select(p => p.Key).Order().ShouldBe(written.AsObject().Select(p => p.Key).Order());
        schema["properties"]!["signal"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>())
            .ShouldBe([DistributorSignals.PrepaymentLow, DistributorSignals.PrepaymentRecovered]);
    }
}
