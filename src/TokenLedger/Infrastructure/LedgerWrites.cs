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
        for (var tries = 1; ; tries++)
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var session = scope.ServiceProvider.GetRequiredService<IDocumentStore>().LightweightSession();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            outbox.Enroll(session);
            try
            {
                return await attempt(new WriteAttempt(session, outbox), ct);
            }
            catch (Exception e) when (tries < Attempts && StreamConflicts.Is(e))
            {
                await Task.Delay(Random.Shared.Next(5, 20 * tries), ct);
            }
        }
    }
}
