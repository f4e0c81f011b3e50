using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Contracts.Signals;
using TokenLedger.Webhooks;
using TokenLedger.Webhooks.Delivering;
using Wolverine.Runtime;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Webhooks;

[Collection(WebhookCollection.Name)]
public sealed class routing_signals_to_webhooks(WebhookFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void signals_go_to_rabbitmq_and_their_webhook_events_to_the_durable_local_fan_out_queue()
    {
        var runtime = fixture.App.Host.Services.GetRequiredService<IWolverineRuntime>();
        var signal = new GatewaySignalV1("s", "acme", GatewaySignals.CapReached, "month:tokens", "refuse", 1, 1, 100, "tokens", null, Epoch.UtcNow);
        var distributor = new DistributorSignalV1("d", "cloudmart", DistributorSignals.PrepaymentLow, "", 1, 2, "CNY", Epoch.UtcNow);

        foreach (var message in new object[] { signal, distributor, WebhookEventRaised.From(signal), WebhookEventRaised.From(distributor) })
        {
            var routes = runtime.RoutingFor(message.GetType()).RouteForPublish(message, null);
            output.WriteLine($"{message.GetType().Name}: {string.Join(", ", routes.Select(r => r.Destination))}");
            routes.Select(r => r.Destination!.ToString().TrimEnd('/'))
                .ShouldBe(message is WebhookEventRaised ? [$"local://{WebhookFanOutHandler.Queue}"] : [$"rabbitmq://exchange/{GatewaySignals.ExchangeName}"]);
        }
        runtime.Options.Transports.AllEndpoints().Single(e => e.Uri.ToString().TrimEnd('/') == $"local://{WebhookFanOutHandler.Queue}").Mode
            .ShouldBe(Wolverine.Configuration.EndpointMode.Durable);
    }
}
