using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Marten;

namespace TokenLedger.Infrastructure;

/// <summary>
/// One attempt of a write: a fresh session enrolled in Wolverine's transactional outbox, so the events appended at the
/// stream's expected version and the messages published commit together or not at all.
/// </summary>
public sealed record WriteAttempt(IDocumentSession Session, IMessageBus Outbox);

/// <summary>
/// Runs a write decided against the current version of its stream. When another writer took that version first, the
/// command is decided again on the fresh state, a few times; after that the conflict reaches the caller as a
/// <see cref="JasperFx.ConcurrencyException"/> (HTTP 409). Nothing is ever appended blind.
/// </summary>
public sealed class LedgerWrites(IServiceScopeFactory scopes)
{
    public const int Attempts = 5;

    public async Task<T> DecideAsync<T>(Func<WriteAttempt, CancellationToken, Task<T>> attempt, CancellationToken ct)
    {
        return await StreamConflicts.RetryAsync(Attempts, async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var session = scope.ServiceProvider.GetRequiredService<IDocumentStore>().LightweightSession();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            outbox.Enroll(session);
            return await attempt(new WriteAttempt(session, outbox), ct);
        }, ct);
    }
}
