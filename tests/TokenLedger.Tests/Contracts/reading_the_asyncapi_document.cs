using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Usage;
using TokenLedger.Usage.RecordingNativeUsage;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// contracts/asyncapi.yaml parses; every channel's messages resolve to a component message whose payload schema file
/// exists in contracts/schemas; every operation names a channel and messages that exist; the addresses are the ones
/// the service uses; and every example payload in the document validates against its message's schema.
/// </summary>
public class reading_the_asyncapi_document
{
    private static readonly JsonObject Document = AsyncApiDocument.Read();

    public static TheoryData<string> Channels() => new(Document["channels"]!.AsObject().Select(c => c.Key));

    public static TheoryData<string, int> MessageExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, message) in Document["components"]!["messages"]!.AsObject())
            for (var i = 0; i < (message!["examples"]?.AsArray().Count ?? 0); i++) data.Add(name, i);
        return data;
    }

    [Fact]
    public void it_is_an_asyncapi_3_document_with_the_four_channels_of_the_contract()
    {
        Document["asyncapi"]!.GetValue<string>().ShouldStartWith("3.");
        Document["channels"]!.AsObject().Select(c => c.Key).ShouldBe(["usage", "usageNative", "usageDeadLetter", "signals"], ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public void every_message_of_the_channel_has_a_payload_schema_file_that_exists(string channel)
    {
        var messages = Document["channels"]![channel]!["messages"]!.AsObject();
        messages.Count.ShouldBeGreaterThan(0);

        foreach (var (name, reference) in messages)
        {
            var message = Resolve(reference!["$ref"]!.GetValue<string>()).ShouldBeOfType<JsonObject>($"{channel}.{name}");
            var file = SchemaFile(message);
            File.Exists(file).ShouldBeTrue($"{channel}.{name}: {file} does not exist");
            ContractSchemas.FileNames.ShouldContain(System.IO.Path.GetFileName(file));
        }
    }

    [Fact]
    public void the_channel_addresses_are_the_queues_and_exchange_the_service_uses()
    {
        Address("usage").ShouldBe(UsageContract.QueueName);
        Address("usageNative").ShouldBe(NativeUsageQueue.QueueName);
        Address("usageDeadLetter").ShouldBe(UsageContract.DeadLetterQueueName);
        Address("signals").ShouldBe(GatewaySignals.ExchangeName);
    }

    [Fact]
    public void every_operation_names_a_channel_and_messages_of_that_channel()
    {
        foreach (var (name, operation) in Document["operations"]!.AsObject())
        {
            var channelRef = operation!["channel"]!["$ref"]!.GetValue<string>();
            Resolve(channelRef).ShouldNotBeNull($"{name}: {channelRef}");
            foreach (var message in operation["messages"]!.AsArray())
            {
                var messageRef = message!["$ref"]!.GetValue<string>();
                messageRef.ShouldStartWith(channelRef + "/messages/", customMessage: name);
                Resolve(messageRef).ShouldNotBeNull($"{name}: {messageRef}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(MessageExamples))]
    public void every_example_payload_validates_against_its_message_schema(string message, int example)
    {
        var component = Document["components"]!["messages"]![message]!.AsObject();
        var payload = component["examples"]![example]!["payload"];

        var errors = ContractSchemas.Errors(System.IO.Path.GetFileName(SchemaFile(component)), JsonSerializer.SerializeToElement(payload));

        errors.ShouldBeEmpty();
    }

    private static JsonNode? Resolve(string reference) => AsyncApiDocument.Resolve(Document, reference);

    private static string Address(string channel) => Document["channels"]![channel]!["address"]!.GetValue<string>();

    /// <summary>The payload's <c>$ref</c>, a path relative to asyncapi.yaml.</summary>
    private static string SchemaFile(JsonObject message) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(ContractFiles.Root, message["payload"]!["$ref"]!.GetValue<string>()));
}
