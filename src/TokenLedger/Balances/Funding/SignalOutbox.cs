using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using TokenLedger.Contracts.Signals;
using TokenLedger.Webhooks;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Publishes the gateway signals a funding page decided through Wolverine's durable outbox, enrolled in the page's own
/// transaction: the outgoing rows commit with the decisions and the subscription's progress, and are sent to
/// <c>tokenledger.signals.v1</c> right after that commit, without waiting for a second subscription to relay them. Each
/// goes to the webhook fan-out too (<see cref="WebhookEventRaised"/>), from the same rows.
/// </summary>
public sealed class SignalOutbox(IServiceProvider services)
{
    // Resolved on first use: the Wolverine runtime is built on the document store that builds this subscription.
    private IWolverineRuntime Runtime => services.GetRequiredService<IWolverineRuntime>();

    public async Task<IChangeListener> EnrollAsync(IDocumentOperations page, IReadOnlyList<GatewaySignalV1> signals)
    {
        var outbox = new MartenOutbox(Runtime, (IDocumentSession)page);
        foreach (var signal in signals)
        {
            await outbox.PublishAsync(signal);
            await outbox.PublishAsync(WebhookEventRaised.From(signal));
        }
        return new SendAfterCommit(outbox);
    }

    private sealed class SendAfterCommit(MartenOutbox outbox) : IChangeListener
    {
        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => outbox.FlushOutgoingMessagesAsync();

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
